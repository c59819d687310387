@testable import Metrics
import XCTest

final class MetricsTests: XCTestCase {
    // docs/zoo.md: 3 videos × 5 classes, values computed by hand from the starter-code definitions.
    private let workedPredictions: [Float] = [
        0.90, 0.80, 0.10, 0.05, 0.30,
        0.20, 0.70, 0.60, 0.10, 0.05,
        0.30, 0.10, 0.20, 0.85, 0.40,
    ]
    private let workedLabels = [[0, 4], [1], [2, 3]]

    private func evaluate(_ predictions: [Float], _ labels: [[Int]], classes: Int, k: Int) throws -> EvaluationResult {
        var metrics = EvaluationMetrics(numClasses: classes, topK: k)
        try metrics.accumulate(predictions: predictions, labels: labels)
        return metrics.result()
    }

    func testWorkedExampleAtK2MatchesStarterValues() throws {
        let r = try evaluate(workedPredictions, workedLabels, classes: 5, k: 2)
        // Kept: .90+ .85+ .80− .70+ .60− .40−, 5 labels: (1/1 + 2/2 + 3/4)/5.
        XCTAssertEqual(r.globalAveragePrecision, 0.55, accuracy: 1e-12)
        // Per class: c0 1, c1 1/2, c2 0, c3 1, c4 0.
        XCTAssertEqual(r.meanAveragePrecision, 0.50, accuracy: 1e-12)
        XCTAssertEqual(r.hitAtOne, 1.0)
        // (1/2 + 1/1 + 1/2)/3
        XCTAssertEqual(r.precisionAtEqualRecallRate, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(r.perClassAveragePrecision.map { $0! }, [1, 0.5, 0, 1, 0])
    }

    func testWorkedExampleAtK20UsesTieRuleVideoThenClass() throws {
        let r = try evaluate(workedPredictions, workedLabels, classes: 5, k: 20)
        // k capped at 5. Ties: .30 (v0c4+ before v2c0−), .20 (v1c0− before v2c2+):
        // positives at ranks 1, 2, 4, 7, 10 → (1 + 1 + 3/4 + 4/7 + 5/10)/5.
        XCTAssertEqual(r.globalAveragePrecision, (1 + 1 + 0.75 + 4.0 / 7.0 + 0.5) / 5, accuracy: 1e-12)
        XCTAssertEqual(r.globalAveragePrecision, 0.76429, accuracy: 5e-6)
        // Per class over all scores: c0 1, c1 1/2, c2 1/2, c3 1, c4 1/2.
        XCTAssertEqual(r.meanAveragePrecision, 0.7, accuracy: 1e-12)
    }

    func testEqualScoresAcrossVideosRankLowerVideoIndexFirst() throws {
        // One kept triplet per video, both 0.5 on class 0; only the video given second is positive.
        let negativeFirst = try evaluate([0.5, 0.1, 0.5, 0.1], [[], [0]], classes: 2, k: 1)
        XCTAssertEqual(negativeFirst.globalAveragePrecision, 0.5, accuracy: 1e-12)
        let positiveFirst = try evaluate([0.5, 0.1, 0.5, 0.1], [[0], []], classes: 2, k: 1)
        XCTAssertEqual(positiveFirst.globalAveragePrecision, 1.0, accuracy: 1e-12)
    }

    func testEqualScoresInsideVideoKeepLowerClassIndexInTopK() throws {
        // Classes 1 and 2 tie at 0.7; k = 1 keeps class 1 (negative), so the positive class 2 is missed.
        let r = try evaluate([0.2, 0.7, 0.7], [[2]], classes: 3, k: 1)
        XCTAssertEqual(r.globalAveragePrecision, 0)
        XCTAssertEqual(r.hitAtOne, 0)
        XCTAssertEqual(r.precisionAtEqualRecallRate, 0)
        XCTAssertEqual(r.meanAveragePrecision, 0)  // class 2: AP 0; classes 0, 1: no labels, dropped
    }

    func testVideoWithMorePositivesThanKLosesTheMissedOnes() throws {
        let r = try evaluate([0.9, 0.8, 0.7, 0.6], [[0, 1, 2]], classes: 4, k: 2)
        XCTAssertEqual(r.globalAveragePrecision, 2.0 / 3.0, accuracy: 1e-12)  // (1 + 1)/3
        XCTAssertEqual(r.precisionAtEqualRecallRate, 1.0)  // top-3 are the three positives
        XCTAssertEqual(r.meanAveragePrecision, 2.0 / 3.0, accuracy: 1e-12)  // c0 1, c1 1, c2 0; c3 dropped
        XCTAssertNil(r.perClassAveragePrecision[3])
    }

    func testZeroLabelVideoAddsNegativesAndCountsZeroForPERR() throws {
        let predictions: [Float] = [0.9, 0.8, 0.7, 0.6, 0.95, 0.1, 0.1, 0.1]
        let r = try evaluate(predictions, [[0, 1, 2], []], classes: 4, k: 2)
        // Ranked: .95 v1c0−, .90 v0c0+, .80 v0c1+, .10 v1c1− (c1 wins the .10 tie): (1/2 + 2/3)/3.
        XCTAssertEqual(r.globalAveragePrecision, (0.5 + 2.0 / 3.0) / 3, accuracy: 1e-12)
        XCTAssertEqual(r.precisionAtEqualRecallRate, 0.5)  // (1 + 0)/2
        XCTAssertEqual(r.hitAtOne, 0.5)
        // c0: .95−, .90+ → 1/2; c1: .80+, .10− → 1; c2: 0; c3 dropped.
        XCTAssertEqual(r.meanAveragePrecision, 0.5, accuracy: 1e-12)
    }

    func testPERRCountsOnlyPositiveScores() throws {
        let r = try evaluate([0, -1, -2], [[0]], classes: 3, k: 20)
        XCTAssertEqual(r.hitAtOne, 1)  // argmax is class 0, a positive
        XCTAssertEqual(r.precisionAtEqualRecallRate, 0)  // but its score is not > 0
    }

    func testBatchesAccumulateToSameResultAsOneBatch() throws {
        var metrics = EvaluationMetrics(numClasses: 5, topK: 20)
        try metrics.accumulate(predictions: Array(workedPredictions[0..<5]), labels: [workedLabels[0]])
        try metrics.accumulate(predictions: Array(workedPredictions[5...]), labels: Array(workedLabels[1...]))
        let r = metrics.result()
        XCTAssertEqual(metrics.videoCount, 3)
        XCTAssertEqual(r.globalAveragePrecision, (1 + 1 + 0.75 + 4.0 / 7.0 + 0.5) / 5, accuracy: 1e-12)
        XCTAssertEqual(r.precisionAtEqualRecallRate, 2.0 / 3.0, accuracy: 1e-12)
    }

    func testMultiHotLabelsGiveSameResultAsIndexLists() throws {
        let multiHot: [Float] = [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0]
        var metrics = EvaluationMetrics(numClasses: 5, topK: 2)
        try metrics.accumulate(predictions: workedPredictions, multiHot: multiHot)
        XCTAssertEqual(metrics.result().globalAveragePrecision, 0.55, accuracy: 1e-12)
    }

    func testSparseTopKPredictionsGiveSameGAPAsDense() throws {
        let sparse: [[ClassScore]] = [
            [.init(classIndex: 0, score: 0.90), .init(classIndex: 1, score: 0.80)],
            [.init(classIndex: 1, score: 0.70), .init(classIndex: 2, score: 0.60)],
            [.init(classIndex: 3, score: 0.85), .init(classIndex: 4, score: 0.40)],
        ]
        var metrics = EvaluationMetrics(numClasses: 5, topK: 2)
        try metrics.accumulate(sparsePredictions: sparse, labels: workedLabels)
        let r = metrics.result()
        XCTAssertEqual(r.globalAveragePrecision, 0.55, accuracy: 1e-12)
        XCTAssertEqual(r.meanAveragePrecision, 0.50, accuracy: 1e-12)
        XCTAssertEqual(r.precisionAtEqualRecallRate, 2.0 / 3.0, accuracy: 1e-12)
    }

    func testDuplicateLabelsCountOnce() throws {
        let r = try evaluate([0.9, 0.1], [[0, 0]], classes: 2, k: 1)
        XCTAssertEqual(r.globalAveragePrecision, 1.0)
        XCTAssertEqual(r.precisionAtEqualRecallRate, 1.0)
    }

    func testInvalidInputsThrowErrorsNamingVideo() {
        var metrics = EvaluationMetrics(numClasses: 3)
        XCTAssertThrowsError(try metrics.accumulate(predictions: [0.1, 0.2], labels: [[0]])) { error in
            XCTAssertEqual((error as? MetricsError)?.problem,
                           .predictionCountMismatch(predictions: 2, videos: 1, numClasses: 3))
        }
        XCTAssertThrowsError(try metrics.accumulate(predictions: [0.1, 0.2, 0.3, 0.1, 0.2, 0.3], labels: [[0], [3]])) { error in
            XCTAssertEqual(error as? MetricsError, MetricsError(videoIndex: 1, problem: .labelOutOfRange(label: 3, numClasses: 3)))
        }
        var fresh = EvaluationMetrics(numClasses: 3)
        XCTAssertThrowsError(try fresh.accumulate(predictions: [0.1, .nan, 0.3], labels: [[0]])) { error in
            XCTAssertEqual(error as? MetricsError, MetricsError(videoIndex: 0, problem: .nanScore(classIndex: 1)))
        }
    }

    func testEmptyEvaluationGivesZeros() {
        let r = EvaluationMetrics(numClasses: 4).result()
        XCTAssertEqual(r.videoCount, 0)
        XCTAssertEqual(r.globalAveragePrecision, 0)
        XCTAssertEqual(r.meanAveragePrecision, 0)
    }

    func testAveragePrecisionOfTiedScoresFollowsInputOrder() {
        // docs/zoo.md "ties alone": the order inside a tie decides the AP.
        XCTAssertEqual(AveragePrecision.compute(scores: [0.5, 0.5], labels: [false, true]), 0.5)
        XCTAssertEqual(AveragePrecision.compute(scores: [0.5, 0.5], labels: [true, false]), 1.0)
        // Missed positives lower the AP through numPositives: ranks 1 and 3 of 4 positives.
        XCTAssertEqual(AveragePrecision.compute(scores: [0.9, 0.5, 0.4], labels: [true, false, true], numPositives: 4),
                       (1 + 2.0 / 3.0) / 4, accuracy: 1e-12)
    }

    func testTopKSelectionEqualsFullSortWithTieRule() {
        var state: UInt64 = 42
        for trial in 0..<50 {
            let n = 1 + trial * 37 % 500
            let scores: [Float] = (0..<n).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float((state >> 33) % 16) / 4  // few distinct values: many ties
            }
            let reference = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            for k in [1, 5, 20, n, n + 3] {
                let selected = TopKSelection.select(scores, k: k).map(\.classIndex)
                XCTAssertEqual(selected, Array(reference.prefix(k)), "n \(n) k \(k)")
            }
        }
    }
}

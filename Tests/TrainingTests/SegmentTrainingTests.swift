import Metrics
import NN
import TFRecord
import Tensor
import TestSupport
@testable import Training
import XCTest
import YT8MData
import Zoo

/// Training on segment labels: the rated-segment view of segment-rated
/// files, label weights through the loss and the metrics, fine-tuning from
/// a checkpoint.
final class SegmentTrainingTests: XCTestCase {
    private let format = smallFrameFormat
    private let r = { (start: Int, label: Int, positive: Bool) in SegmentRating(startTime: start, label: label, positive: positive) }

    /// Test video `video` (`testFrameRecord`'s frames) with `ratings`.
    private func video(_ video: Int, frames: Int, _ ratings: [SegmentRating]) -> FrameLevelRecord {
        var record = testFrameRecord(video: video, frames: frames, format: format)
        record.segmentRatings = ratings
        return record
    }

    private func write(_ records: [FrameLevelRecord], to path: String) throws {
        try TFRecordWriter.write(records: try records.map { try $0.serialized(format: format) }, to: path)
    }

    /// A deterministic pass of `files`, every frame.
    private func ratedSegments(_ files: [String], perBatch: Int, maxFrames: Int = 300) throws -> RatedSegmentBatchSource {
        let options = YT8MDatasetOptions(level: .frame, format: format, batchSize: 2, maxFrames: maxFrames, epochs: nil)
        return RatedSegmentBatchSource(videos: DatasetBatchSource(try YT8MDataset(files: files, options: options), repeats: false),
                                       segmentsPerBatch: perBatch)
    }

    func testEachRatedStartIsAnExampleWithItsFramesTargetsAndWeights() throws {
        let dir = try makeTemporaryDirectory(self)
        let records = [
            // Start 5 is rated for two classes, start 10 is the 2-frame tail of a 12-frame video.
            video(0, frames: 12, [r(5, 3, true), r(0, 7, false), r(5, 1, false), r(10, 3, false)]),
            video(1, frames: 9, []),                                 // video-rated: contributes nothing
            video(2, frames: 5, [r(0, 2, true)]),
        ]
        try write(records, to: dir + "/segments.tfrecord")
        let source = try ratedSegments([dir + "/segments.tfrecord"], perBatch: 3)
        var batches: [TrainingBatch] = []
        while let b = try source.nextBatch() { batches.append(b) }
        // In video order, each video's starts as its ratings first name them; the last batch is short.
        XCTAssertEqual(batches.map(\.ids), [["v0:5", "v0:0", "v0:10"], ["v2:0"]])
        XCTAssertEqual(batches.map { $0.input.lengths! }, [[5, 5, 2], [5]])
        XCTAssertEqual(batches[0].input.features.shape, [3, 5, 6])
        // Targets are the scores of the rated classes, weights 1 exactly there.
        let classes = format.numClasses
        func row(_ t: Tensor, _ i: Int) -> [Float] { Array(t.floats[(i * classes)..<((i + 1) * classes)]) }
        let w = batches[0].labelWeights!
        XCTAssertEqual(row(batches[0].labels, 0), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(row(w, 0), [0, 1, 0, 1, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(row(batches[0].labels, 1), [Float](repeating: 0, count: classes))
        XCTAssertEqual(row(w, 1), [0, 0, 0, 0, 0, 0, 0, 1, 0, 0])
        XCTAssertEqual(row(w, 2), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(row(batches[1].labels, 0), [0, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        // Frames: segment v0:5 is frames 5…9 of video 0, v0:10 frames 10 and 11 then zeros.
        let rgb = records[0].dequantizedFrames(feature: 0, format: format), audio = records[0].dequantizedFrames(feature: 1, format: format)
        func frame(_ t: Int) -> [Float] { Array(rgb[(t * 4)..<(t * 4 + 4)]) + Array(audio[(t * 2)..<(t * 2 + 2)]) }
        let x = batches[0].input.features.floats
        XCTAssertEqual(Array(x[0..<30]), (5..<10).flatMap(frame))
        XCTAssertEqual(Array(x[60..<90]), (10..<12).flatMap(frame) + [Float](repeating: 0, count: 18))
        // Another pass gives the same batches.
        try source.reset()
        XCTAssertEqual(try source.nextBatch()?.ids, ["v0:5", "v0:0", "v0:10"])
    }

    func testTheStreamResumesExactlyMidBatch() throws {
        let dir = try makeTemporaryDirectory(self)
        let records = (0..<9).map { v in video(v, frames: 5 * (1 + v % 3), (0..<(1 + v % 3)).map { r(5 * $0, v % 10, $0 % 2 == 0) }) }
        try write(Array(records[0..<5]), to: dir + "/a.tfrecord")
        try write(Array(records[5...]), to: dir + "/b.tfrecord")
        func stream() throws -> RatedSegmentBatchSource {
            var options = YT8MDatasetOptions.training(level: .frame, format: format, batchSize: 2, seed: 4)
            options.frameInput = .frames(.all)
            options.shuffleBufferSize = 4
            return RatedSegmentBatchSource(videos: DatasetBatchSource(try YT8MDataset(files: [dir + "/a.tfrecord", dir + "/b.tfrecord"],
                                                                                        options: options), repeats: true),
                                           segmentsPerBatch: 3)
        }
        let first = try stream()
        for _ in 0..<4 { _ = try first.nextBatch() }
        let state = first.resumeState
        let expected = try (0..<10).map { _ in try first.nextBatch()! }
        let resumed = try stream()
        try resumed.restore(state)
        let got = try (0..<10).map { _ in try resumed.nextBatch()! }
        XCTAssertEqual(got.map(\.ids), expected.map(\.ids))
        XCTAssertEqual(got.map(\.input.features.floats), expected.map(\.input.features.floats))
        XCTAssertEqual(got.map { $0.labelWeights!.floats }, expected.map { $0.labelWeights!.floats })
        // The stream crosses epochs: 18 segments per epoch (video v has
        // 1 + v % 3 rated starts), 30 read after the first 12.
        XCTAssertEqual(Set(expected.flatMap(\.ids)).count, 18)
        XCTAssertThrowsError(try resumed.restore("{\"videos\": \"x\"}"))
    }

    func testFilesWithoutRatingsAndSegmentsPastTheFramesReadAreErrors() throws {
        let dir = try makeTemporaryDirectory(self)
        try write([video(0, frames: 10, []), video(1, frames: 10, [])], to: dir + "/videos.tfrecord")
        var options = YT8MDatasetOptions.training(level: .frame, format: format, batchSize: 2)
        options.frameInput = .frames(.all)
        let endless = RatedSegmentBatchSource(videos: DatasetBatchSource(try YT8MDataset(files: [dir + "/videos.tfrecord"], options: options),
                                                                         repeats: true), segmentsPerBatch: 4)
        XCTAssertThrowsError(try endless.nextBatch()) { error in
            XCTAssertEqual(error as? SegmentTrainingError, .noRatedSegments(files: [dir + "/videos.tfrecord"]))
        }
        try write([video(0, frames: 20, [r(15, 1, true)])], to: dir + "/long.tfrecord")
        XCTAssertThrowsError(try ratedSegments([dir + "/long.tfrecord"], perBatch: 4, maxFrames: 12).nextBatch()) { error in
            XCTAssertEqual(error as? SegmentTrainingError, .segmentBeyondFramesRead(video: "v0", startTime: 15, framesRead: 12))
            XCTAssertTrue("\(error)".contains("maxFrames"), "\(error)")
        }
    }

    /// Two segments, three classes: logits x, targets y, weights w.
    private func weightedBatch() -> TrainingBatch {
        TrainingBatch(input: ModelInput(features: Tensor.zeros([2, 1152])),
                      labels: Tensor([1, 0, 0, 0, 1, 0] as [Float], shape: [2, 3]),
                      labelWeights: Tensor([1, 1, 0, 0, 1, 0] as [Float], shape: [2, 3]), ids: ["a:0", "b:5"])
    }

    func testTheBCEObjectiveCountsOnlyRatedClasses() {
        let logits = Tensor([2, -1, 30, -30, 0.5, 7] as [Float], shape: [2, 3])
        let loss = TrainingObjective.binaryCrossEntropy.loss(.logits(logits), weightedBatch()).scalar
        // softplus(x) − x·y of the rated elements (2, y 1), (−1, y 0), (0.5, y 1); the mean over all 6 elements.
        let sp = { (x: Double) in log(1 + exp(x)) }
        XCTAssertEqual(loss, ((sp(2) - 2) + sp(-1) + (sp(0.5) - 0.5)) / 6, accuracy: 1e-6)
        XCTAssertFalse(TrainingObjective.ranking.acceptsLabelWeights)
        XCTAssertFalse(TrainingObjective.distillation(lambda: 0.5).acceptsLabelWeights)
    }

    func testMetricsIgnoreUnratedClassesAsTheStarterEvalDoes() throws {
        let batch = weightedBatch()
        // Unrated classes score 0 whatever the model says.
        XCTAssertEqual(batch.weighted([0.9, 0.8, 0.99, 0.7, 0.6, 0.95]), [0.9, 0.8, 0, 0, 0.6, 0])
        // A model scoring an unrated class highest: GAP over the weighted scores.
        // Weighted: (a,0) 0.9 +, (a,1) 0.8 −, (b,1) 0.6 +, zeros last: AP = (1/1 + 2/3) / 2.
        let model = ConstantModel(rows: [[0.9, 0.8, 0.99], [0.7, 0.6, 0.95]])
        let result = try Trainer.evaluate(model, on: InMemoryBatches([batch]))
        XCTAssertEqual(result.globalAveragePrecision, (1 + 2.0 / 3) / 2, accuracy: 1e-9)
    }

    func testTheTrainerRefusesWhatCannotHonourLabelWeights() throws {
        let dir = try makeTemporaryDirectory(self)
        var rng = RandomGenerator(seed: 1)
        for (loss, mixup, refused) in [(TrainingLoss.ranking, nil, "the rank loss"), (.binaryCrossEntropy, 0.4, "mixup")] as [(TrainingLoss, Double?, String)] {
            var config = TrainingConfig()
            config.steps = 1
            config.loss = loss
            config.mixupAlpha = mixup
            let model = LogisticModel(LogisticModel.Config(), numClasses: 3, rng: &rng)
            let trainer = Trainer(model: model, config: config, directory: dir + "/\(refused)")
            XCTAssertThrowsError(try trainer.run(training: InMemoryBatches([weightedBatch()]), validation: nil)) { error in
                XCTAssertEqual(error as? TrainingError, .labelWeightsNotSupported(by: refused))
            }
        }
    }
}

/// A model whose probabilities are fixed rows, cycled over the batch.
private final class ConstantModel: Module, ZooModel {
    let rows: [[Float]]
    init(rows: [[Float]]) { self.rows = rows }
    var level: InputLevel { .video }
    var numClasses: Int { rows[0].count }
    var featureCount: Int { 1 }
    func features(_ input: ModelInput) -> Tensor { Tensor.zeros([input.batchSize, 1]) }
    func classify(_ features: Tensor) -> ModelOutput {
        let b = features.shape[0]
        return .probabilities(Tensor((0..<b).flatMap { rows[$0 % rows.count] }, shape: [b, numClasses]))
    }
    func initializeOutputBias(toPrior prior: [Double]) {}   // fixed rows: nothing to initialise
}

/// Fixed batches, one pass.
private final class InMemoryBatches: BatchSource {
    let batches: [TrainingBatch]
    var next = 0
    init(_ batches: [TrainingBatch]) { self.batches = batches }
    func nextBatch() throws -> TrainingBatch? {
        defer { next += 1 }
        return next < batches.count ? batches[next] : nil
    }
    var resumeState: String { "\(next)" }
    func restore(_ state: String) throws { next = Int(state) ?? 0 }
    func reset() throws { next = 0 }
}

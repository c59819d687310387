import Metrics
import NN
import Tensor
@testable import Training
import XCTest
import YT8MData
import Zoo

/// The segment inference view and the models that read it.
final class SegmentInferenceTests: XCTestCase {
    func testVideosAreCutIntoFiveFrameSegmentsTheLastPadded() throws {
        // Two videos of 12 and 7 frames (padded to 12), 3 features: value = 100·video + 10·frame + feature.
        let (b, t, f) = (2, 12, 3)
        let values = (0..<(b * t * f)).map { i -> Float in
            let (v, frame, feature) = (i / (t * f), (i / f) % t, i % f)
            return v == 1 && frame >= 7 ? 0 : Float(100 * v + 10 * frame + feature)
        }
        let videos = InMemoryBatchSource(features: Tensor(values, shape: [b, t, f]), labels: Tensor([Float]([1, 0, 0, 1]), shape: [2, 2]),
                                         lengths: [12, 7], batchSize: 2, shuffle: false, repeats: false)
        let source = SegmentBatchSource(videos: videos, segmentsPerBatch: 2)
        var batches: [TrainingBatch] = []
        while let batch = try source.nextBatch() { batches.append(batch) }
        XCTAssertEqual(batches.map(\.ids), [["0:0", "0:5"], ["0:10", "1:0"], ["1:5"]])
        XCTAssertEqual(batches.map { $0.input.lengths! }, [[5, 5], [2, 5], [2]])
        XCTAssertEqual(batches.map { $0.input.features.shape }, [[2, 5, 3], [2, 5, 3], [1, 5, 3]])
        // "0:10": frames 10 and 11, then three zero frames; "1:5": frames 5 and 6 of video 1.
        let last = batches[1].input.features.floats
        XCTAssertEqual(Array(last[0..<15]), [20, 21, 22, 30, 31, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0].map { $0 == 0 ? 0 : Float($0 + 80) })
        XCTAssertEqual(Array(batches[2].input.features.floats[0..<6]), [150, 151, 152, 160, 161, 162])
        XCTAssertEqual(batches[1].labels.floats, [1, 0, 0, 1], "each segment carries its video's labels")
        try source.reset()
        XCTAssertEqual(try source.nextBatch()?.ids, ["0:0", "0:5"])
    }

    func testEveryFrameLevelModelScoresFiveFrameSegments() throws {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.uniform([3, SegmentRating.length, 1152], low: -1, high: 1, using: &rng)
        let input = ModelInput(features: x, lengths: [5, 2, 1])
        for entry in ModelZoo.entries where entry.level == .frame {
            let model = try entry.build(size: .small, numClasses: 10, rng: &rng)
            model.eval()
            let p = withoutGrad { model(input).probabilities }
            XCTAssertEqual(p.shape, [3, 10], entry.name)
            XCTAssertEqual(p.nonFiniteCount, 0, entry.name)
        }
    }
}

import Foundation
import NN
import Training
import XCTest
import YT8MData
import Zoo

/// A run stopped and resumed gives the bytes of one that never stopped, with
/// every random stream of training in use at once: dropout, frames sampled
/// with replacement, shuffled files and buffer, mixup, EMA, the ranking loss
/// and batch norm's running statistics.
final class ResumeExactnessTests: XCTestCase {
    func testAResumedRunWithEveryOptionOnWritesTheSameCheckpointAsAStraightOne() throws {
        let root = NSTemporaryDirectory() + "ResumeExactnessTests-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let data = SyntheticDataConfig(videos: 96, validationFraction: 0.25, numClasses: 10, minFrames: 4, maxFrames: 10,
                                       shards: 3, videoLevel: false, seed: 11)
        try SyntheticData.write(data, to: root + "/data")
        let selection = try DataSelection.resolve(train: [root + "/data/frame/train*"], validation: [root + "/data/frame/validate*"],
                                                  level: .frame, format: YT8MRecordFormat(numClasses: 10))
        func job(steps: Int, directory: String) -> TrainingJob {
            var config = TrainingConfig()
            config.steps = steps
            config.learningRate = 0.01
            config.validateEvery = 6
            config.progressInterval = 1e9
            config.loss = .bceWithRanking(weight: 0.1)
            config.mixupAlpha = 0.3
            config.emaRate = 0.2
            config.emaStartStep = 2
            let overrides = #"{"layers": 1, "hiddenSize": 8, "fcnSizes": [16], "dropout": 0.3}"#
            return TrainingJob(spec: ModelSpec(model: "attention-net", size: .small, overrides: overrides, numClasses: 10, maxFrames: 10),
                               trainFiles: selection.trainFiles, validationFiles: selection.validationFiles, format: selection.format,
                               config: config, batchSize: 8, frames: .randomWithReplacement(count: 5),
                               directory: directory, seed: 4)
        }
        _ = try job(steps: 18, directory: root + "/straight").run()
        _ = try job(steps: 6, directory: root + "/resumed").run()
        let resumed = try job(steps: 18, directory: root + "/resumed").run()
        XCTAssertEqual(resumed.resumedStep, 6)
        for file in ["last.safetensors", "best.safetensors"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: root + "/straight/" + file))
            let b = try Data(contentsOf: URL(fileURLWithPath: root + "/resumed/" + file))
            XCTAssertEqual(a, b, "\(file) of the resumed run differs from the straight run's")
        }
        // Every metric but the wall-clock ones (examples/s, data wait), which no two runs share.
        let straightLog = try MetricsLog.load(from: root + "/straight/metrics.csv")
        let resumedLog = try MetricsLog.load(from: root + "/resumed/metrics.csv")
        XCTAssertEqual(resumedLog.withoutTimingColumns().csv(), straightLog.withoutTimingColumns().csv())
        XCTAssertEqual(resumedLog.columns, straightLog.columns)
    }
}

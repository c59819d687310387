import Foundation
import Metrics
import Tensor
import TFRecord
@testable import Training
import XCTest
import Zoo

final class TensorBoardTests: XCTestCase {
    /// The bytes of Event{wall_time: 1.5, step: 3, file_version: "brain.Event:2"}
    /// worked out from protobuf's encoding rules: tag 0x09 (field 1, fixed64)
    /// and 1.5 as a little-endian double, tag 0x10 (field 2, varint) and 3,
    /// tag 0x1A (field 3, length-delimited), length 13 and the string.
    func testAnEventEncodesAsTheProtocolBufferSays() throws {
        let event = TensorBoardEvent(wallTime: 1.5, step: 3, content: .fileVersion("brain.Event:2"))
        let expected: [UInt8] = [0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x10, 0x03, 0x1A, 0x0D] + Array("brain.Event:2".utf8)
        XCTAssertEqual(event.serialized, expected)
        // Summary{value{tag: "a", simple_value: 1.0}} in field 5: the Value is
        // 0A 01 'a' (tag) + 15 00 00 80 3F (float 1.0) = 8 bytes, so the Summary
        // is 0A 08 + those = 10 bytes, and the event's field is 2A 0A + the Summary.
        let scalar = TensorBoardEvent(wallTime: 0, step: 1, content: .scalars([("a", 1)]))
        XCTAssertEqual(Array(scalar.serialized.suffix(12)), [0x2A, 0x0A, 0x0A, 0x08, 0x0A, 0x01, 0x61, 0x15, 0x00, 0x00, 0x80, 0x3F])
        XCTAssertEqual(try TensorBoardEvent(serialized: scalar.serialized), scalar)
    }

    /// A step's time (examples/s) stops before its validation point: a
    /// validation that takes 0.3 s must not show as a 0.3 s step.
    func testAStepsTimeLeavesOutItsValidation() throws {
        final class SlowValidation: TrainingCallback {
            var seconds: [Int: Double] = [:], validations = 0
            func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
                validations += 1
                Thread.sleep(forTimeInterval: 0.3)
            }
            func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws { seconds[report.step] = report.seconds }
        }
        let dir = NSTemporaryDirectory() + "step-time-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let train = toyData(count: 64, seed: 1)
        var config = TrainingConfig()
        config.steps = 4
        config.validateEvery = 2
        config.progressInterval = 1e9
        var modelConfig = LogisticModel.Config()
        modelConfig.inputSize = 16
        modelConfig.transform = .none
        var rng = RandomGenerator(seed: 3)
        let trainer = Trainer(model: LogisticModel(modelConfig, numClasses: 10, rng: &rng), config: config, directory: dir)
        let slow = SlowValidation()
        trainer.callbacks.append(slow)
        try trainer.run(training: InMemoryBatchSource(features: train.features, labels: train.labels, batchSize: 16, shuffle: false, repeats: true),
                        validation: nil, progress: ProgressReporter(totalSteps: 4, output: { _ in }))
        XCTAssertEqual(slow.seconds.keys.sorted(), [1, 2, 3, 4])
        XCTAssertEqual(slow.validations, 2)                  // steps 2 and 4 slept
        for (step, seconds) in slow.seconds {
            XCTAssertGreaterThan(seconds, 0, "step \(step)")
            XCTAssertLessThan(seconds, 0.25, "step \(step) counted a validation point")
        }
    }

    func testATrainingRunWritesItsScalarsAsEvents() throws {
        let dir = NSTemporaryDirectory() + "tensorboard-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let train = toyData(count: 128, seed: 1), val = toyData(count: 64, seed: 2)
        var config = TrainingConfig()
        config.steps = 12
        config.validateEvery = 5
        config.learningRate = 0.05
        config.tensorBoard = true
        config.progressInterval = 1e9
        var modelConfig = LogisticModel.Config()
        modelConfig.inputSize = 16
        modelConfig.transform = .none
        var rng = RandomGenerator(seed: 3)
        let trainer = Trainer(model: LogisticModel(modelConfig, numClasses: 10, rng: &rng), config: config, directory: dir)
        try trainer.run(training: InMemoryBatchSource(features: train.features, labels: train.labels, batchSize: 32, shuffle: true, repeats: true),
                        validation: InMemoryBatchSource(features: val.features, labels: val.labels, batchSize: 64, shuffle: false, repeats: false),
                        progress: ProgressReporter(totalSteps: 12, output: { _ in }))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/tensorboard")
        XCTAssertEqual(files.count, 1)
        XCTAssertTrue(files[0].hasPrefix("events.out.tfevents."))
        let reader = try TFRecordReader(path: dir + "/tensorboard/" + files[0])
        var events: [TensorBoardEvent] = []
        while let record = try reader.next() { events.append(try TensorBoardEvent(serialized: record)) }
        XCTAssertEqual(events.first?.content, .fileVersion("brain.Event:2"))
        var steps: [String: [Int64]] = [:], losses: [Float] = []
        for e in events.dropFirst() {
            switch e.content {
            case .scalars(let values):
                for (tag, v) in values {
                    steps[tag, default: []].append(e.step)
                    if tag == "train/loss" { losses.append(v) }
                }
            case .histograms(let values):
                for (tag, h) in values {
                    steps[tag, default: []].append(e.step)
                    XCTAssertEqual(h.bucketCounts.reduce(0, +), h.count, tag)
                }
            default: XCTFail("\(e)")
            }
        }
        XCTAssertEqual(steps["train/loss"], Array(1...12))
        XCTAssertEqual(steps["train/examples_per_second"], Array(1...12))
        XCTAssertEqual(steps["train/data_wait_fraction"], Array(1...12))
        XCTAssertEqual(steps["validation/gap"], [5, 10, 12])
        XCTAssertEqual(losses, trainer.log.series("train_loss").map { Float($0.value) })
        // A histogram of every parameter and of its gradient at every validation point.
        for (name, p) in trainer.model.namedParameters() {
            XCTAssertEqual(steps["weights/\(name)"], [5, 10, 12], name)
            XCTAssertEqual(steps["gradients/\(name)"], [5, 10, 12], name)
            XCTAssertNotNil(p.grad)
        }

        // Resuming to step 20 starts a second file with the restart marker at step 13, the first it trains:
        // TensorBoard drops events at or past the marker's step, and step 12 is the checkpoint's.
        config.steps = 20
        let resumed = Trainer(model: LogisticModel(modelConfig, numClasses: 10, rng: &rng), config: config, directory: dir)
        let source = InMemoryBatchSource(features: train.features, labels: train.labels, batchSize: 32, shuffle: true, repeats: true)
        XCTAssertTrue(try resumed.resumeIfPossible(training: source))
        Thread.sleep(forTimeInterval: 1.1)                   // a new second for the new file's name
        try resumed.run(training: source, validation: nil, progress: ProgressReporter(totalSteps: 20, output: { _ in }))
        let second = try FileManager.default.contentsOfDirectory(atPath: dir + "/tensorboard").filter { $0 != files[0] }
        XCTAssertEqual(second.count, 1)
        let secondReader = try TFRecordReader(path: dir + "/tensorboard/" + second[0])
        var resumedEvents: [TensorBoardEvent] = []
        while let record = try secondReader.next() { resumedEvents.append(try TensorBoardEvent(serialized: record)) }
        XCTAssertEqual(resumedEvents[1].content, .sessionStart)
        XCTAssertEqual(resumedEvents[1].step, 13)
        XCTAssertEqual(resumedEvents[2].step, 13)
        XCTAssertEqual(Set(try RunDirectory.clear(dir).filter { $0.hasPrefix("tensorboard/") }),
                       Set(([files[0]] + second).map { "tensorboard/" + $0 }))
    }

    /// Values 0, 1, 2, 3 in three buckets (0, 1], (1, 2], (2, 3] from the
    /// minimum 0: the first bucket takes 0 and 1; the sums are 6 and 14.
    func testAHistogramHasTensorFlowsBucketsAndSums() throws {
        let h = TensorBoardEvent.Histogram([0, 1, 2, 3, .nan] as [Double], buckets: 3)
        XCTAssertEqual([h.min, h.max, h.count, h.sum, h.sumOfSquares], [0, 3, 4, 6, 14])
        XCTAssertEqual(h.bucketLimits, [1, 2, 3])
        XCTAssertEqual(h.bucketCounts, [2, 1, 1])
        XCTAssertEqual(TensorBoardEvent.Histogram([Float](repeating: 0.5, count: 4)).bucketCounts, [4], "equal values: one bucket")
        let event = TensorBoardEvent(wallTime: 2, step: 7, content: .histograms([("weights/w", h)]))
        XCTAssertEqual(try TensorBoardEvent(serialized: event.serialized), event)
        // Event{step: 30, session_log{status: START}}: field 7 length-delimited (0x3A), 2 bytes: 08 01.
        let start = TensorBoardEvent(wallTime: 0, step: 30, content: .sessionStart)
        XCTAssertEqual(Array(start.serialized.suffix(6)), [0x10, 0x1E, 0x3A, 0x02, 0x08, 0x01])
        XCTAssertEqual(try TensorBoardEvent(serialized: start.serialized), start)
    }
}

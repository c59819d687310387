import Foundation
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
            guard case .scalars(let values) = e.content else { return XCTFail("\(e)") }
            for (tag, v) in values {
                steps[tag, default: []].append(e.step)
                if tag == "train/loss" { losses.append(v) }
            }
        }
        XCTAssertEqual(steps["train/loss"], Array(1...12))
        XCTAssertEqual(steps["validation/gap"], [5, 10, 12])
        XCTAssertEqual(losses, trainer.log.series("train_loss").map { Float($0.value) })
        XCTAssertEqual(try RunDirectory.clear(dir).filter { $0.hasPrefix("tensorboard/") }, ["tensorboard/" + files[0]])
    }
}

import Collectives
@testable import Distributed
import Foundation
import NN
import Tensor
import Training
import XCTest
import Zoo

/// The single-process parts of data-parallel training: bucket layout,
/// flattening with zero-filled missing gradients, averaging, the sharded
/// source, and the agreement check's typed error.
final class GradientBucketsTests: XCTestCase {
    func testBucketsFillInReverseParameterOrderUpToTheirSize() {
        let b = GradientBuckets(elementCounts: [10, 3, 1000, 5], bucketBytes: 4 * 1010)
        XCTAssertEqual(b.buckets, [[3, 2, 1], [0]])
        // A parameter larger than a bucket gets one of its own.
        XCTAssertEqual(GradientBuckets(elementCounts: [2, 50, 2], bucketBytes: 16).buckets, [[2], [1], [0]])
    }

    func testFlattenZeroFillsMissingGradientsAndUnflattenRestoresThem() {
        let b = GradientBuckets(elementCounts: [2, 3, 1], bucketBytes: 1 << 20)
        let grads: [Tensor?] = [Tensor([1, 2] as [Float], shape: [2]), nil, Tensor([7] as [Float], shape: [1, 1])]
        let flat = b.flatten(0, gradients: grads)
        // Reverse order: parameter 2, 1 (zeros), 0; then the presence flags.
        XCTAssertEqual(flat, [7, 0, 0, 0, 1, 2, 1, 0, 1])
        let back = b.unflatten(0, flat, shapes: [[2], [3], [1, 1]])
        XCTAssertEqual(back[0]??.floats, [1, 2])
        XCTAssertNil(back[1]!)
        XCTAssertEqual(back[2]??.shape, [1, 1])
        // A sum where another rank had parameter 1's gradient restores it.
        var summed = flat
        summed[1] = 4; summed[7] = 1
        XCTAssertEqual(b.unflatten(0, summed, shapes: [[2], [3], [1, 1]])[1]??.floats, [4, 0, 0])
    }

    /// Shares of unequal size weight their losses by their fraction of the
    /// global batch: the shares' gradients add up to the whole batch's.
    func testSharesGradientsAddUpToTheWholeBatchs() throws {
        var rng = RandomGenerator(seed: 6)
        let whole = TrainingBatch(input: ModelInput(features: Tensor.normal([8, 4], using: &rng)),
                                  labels: Tensor((0..<24).map { Float($0 % 2) }, shape: [8, 3]), ids: (0..<8).map { "v\($0)" })
        func gradient(_ batch: TrainingBatch) throws -> [Float] {
            let m = model()
            var c = TrainingConfig()
            c.steps = 1
            c.progressInterval = 1e9
            c.learningRate = 0
            let grads = GradientSpy()
            let dir = NSTemporaryDirectory() + "dp-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try Trainer(model: m, config: c, directory: dir, callbacks: [grads])
                .run(training: OneBatch(batch), validation: nil, progress: ProgressReporter(totalSteps: 1, output: { _ in }))
            return grads.gradient
        }
        let sum = try (0..<3).map { try gradient(whole.share($0, of: 3)) }.reduce(into: [Float](repeating: 0, count: 15)) {
            for i in $0.indices { $0[i] += $1[i] }
        }
        let reference = try gradient(whole)
        for (a, b) in zip(sum, reference) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testShardedSourceDealsStridedSharesOfEveryGlobalBatch() throws {
        let x = Tensor((0..<20).map(Float.init), shape: [10, 2]), y = Tensor.zeros([10, 3])
        func source() -> InMemoryBatchSource { InMemoryBatchSource(features: x, labels: y, batchSize: 5, shuffle: true, repeats: true, seed: 9) }
        let whole = source(), parts = try (0..<2).map { try ShardedBatchSource(source(), rank: $0, size: 2) }
        for _ in 0..<4 {
            let global = try XCTUnwrap(whole.nextBatch())
            let shares = try parts.map { try XCTUnwrap($0.nextBatch()) }
            XCTAssertEqual(shares[0].ids + shares[1].ids, global.share(0, of: 2).ids + global.share(1, of: 2).ids)
            XCTAssertEqual(Set(shares[0].ids + shares[1].ids), Set(global.ids))
            XCTAssertEqual(parts[0].lastGlobalCount, 5)
            XCTAssertEqual(parts.map(\.lastLocalCount), [3, 2])
        }
        XCTAssertThrowsError(try ShardedBatchSource(source(), rank: 0, size: 6).nextBatch()) {
            XCTAssertEqual($0 as? DataParallelError, .batchSmallerThanWorld(batch: 5, ranks: 6))
        }
    }

    func model() -> LogisticModel {
        var c = LogisticModel.Config()
        c.inputSize = 4
        c.transform = .none
        var rng = RandomGenerator(seed: 1)
        return LogisticModel(c, numClasses: 3, rng: &rng)
    }

    func run(_ callbacks: [any TrainingCallback], _ m: LogisticModel, training: BatchSource) throws {
        var c = TrainingConfig()
        c.steps = 6
        c.validateEvery = 3
        c.progressInterval = 1e9
        let dir = NSTemporaryDirectory() + "dp-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Trainer(model: m, config: c, directory: dir, callbacks: callbacks)
            .run(training: training, validation: nil, progress: ProgressReporter(totalSteps: 6, output: { _ in }))
    }

    func data() -> InMemoryBatchSource {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.normal([24, 4], using: &rng)
        let y = Tensor((0..<72).map { Float($0 % 5 == 0 ? 1 : 0) }, shape: [24, 3])
        return InMemoryBatchSource(features: x, labels: y, batchSize: 8, shuffle: true, repeats: true, seed: 2)
    }

    /// With one rank, the data-parallel callback changes nothing, bit for bit.
    func testOneRankTrainsExactlyAsWithoutDistribution() throws {
        let plain = model(), parallel = model()
        try run([], plain, training: data())
        let sharded = try ShardedBatchSource(data(), rank: 0, size: 1)
        try run([DataParallel(communicator: SingleProcessCommunicator(), training: sharded)], parallel, training: sharded)
        for ((name, a), (_, b)) in zip(plain.namedParameters(), parallel.namedParameters()) {
            XCTAssertEqual(a.value.floats.map(\.bitPattern), b.value.floats.map(\.bitPattern), name)
        }
    }

    /// Two "ranks" where rank 1 reports other hashes: a typed error naming rank 1.
    final class DisagreeingCommunicator: Communicator {
        var rank: Int { 0 }
        var size: Int { 2 }
        func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {}
        func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {}
        func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {}
        func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] { [bytes, bytes.map { $0 ^ 1 }] }
        func barrier() throws {}
        func abort(_ message: String, code: Int32) -> Never { fatalError(message) }
    }

    func testFingerprintsCompareJSONWhateverTheKeyOrder() {
        XCTAssertEqual(DataParallel.canonical(#"{"b": 1, "a": {"d": 2, "c": 3}}"#), DataParallel.canonical(#"{"a": {"c": 3, "d": 2}, "b": 1}"#))
        XCTAssertEqual(DataParallel.canonical("moe small"), "moe small")
    }

    func testRanksThatDisagreeAreReportedByName() {
        XCTAssertThrowsError(try run([DataParallel(communicator: DisagreeingCommunicator())], model(), training: data())) {
            XCTAssertEqual($0 as? DataParallelError, .ranksDisagree(what: "model structure", ranks: [1]))
        }
    }
}

/// The first trainable parameter's gradient after the backward pass (before any update).
final class GradientSpy: TrainingCallback {
    var gradient: [Float] = []
    func gradientsDidCompute(_ trainer: Trainer) throws {
        gradient = trainer.model.trainableParameters.flatMap { $0.grad?.floats ?? [] }
    }
}

/// One batch, then the end of the stream.
final class OneBatch: BatchSource {
    var batch: TrainingBatch?
    init(_ batch: TrainingBatch) { self.batch = batch }
    func nextBatch() throws -> TrainingBatch? { defer { batch = nil }; return batch }
    var resumeState: String { "" }
    func restore(_ state: String) throws {}
    func reset() throws {}
}

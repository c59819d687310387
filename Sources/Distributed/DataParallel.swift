import Collectives
import Foundation
import Metrics
import NN
import Tensor
import Training

/// Why ranks cannot train together.
public enum DataParallelError: Error, CustomStringConvertible, Equatable {
    /// `ranks` have another `what` (model structure, optimizer state, EMA
    /// shadow, configuration, step) than rank 0: they were started with
    /// different commands or resumed from different checkpoints.
    case ranksDisagree(what: String, ranks: [Int])
    /// A global batch of `batch` videos cannot give each of `ranks` ranks at least one.
    case batchSmallerThanWorld(batch: Int, ranks: Int)
    /// Another rank's validation scores (`bytes` long) cannot be read.
    case malformedScores(bytes: Int)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .ranksDisagree(let what, let ranks):
            return "rank\(ranks.count == 1 ? "" : "s") \(ranks.map(String.init).joined(separator: ", ")) \(ranks.count == 1 ? "has" : "have") another \(what) than rank 0: start every rank with the same command, data and checkpoint directory"
        case .batchSmallerThanWorld(let batch, let ranks):
            return "a batch of \(batch) videos cannot be shared by \(ranks) ranks: use a global --batch-size of at least \(ranks)"
        case .malformedScores(let bytes):
            return "another rank's validation scores (\(bytes) bytes) cannot be read: every rank must run the same build"
        }
    }
}

/// The training stream of one rank: its strided share of every global batch
/// of `global` (`batch.share(rank, of: size)`, as PyTorch's
/// `DistributedSampler` deals examples), so the union of the ranks' k-th
/// batches is the k-th batch a single process trains on.
///
/// A `DatasetBatchSource` is read through its
/// `DatasetBatchSource.readingShare(_:of:)`: every rank steps through the
/// same record order on record headers, and reads and decodes only the data
/// of its own videos. Any other source (rated segments, batches in memory) is
/// read whole on every rank and shared after. Either way the position is the
/// global stream's, identical on every rank.
public final class ShardedBatchSource: BatchSource {
    /// The stream this rank reads: a dataset reading only its share, or the whole global stream.
    public let global: BatchSource
    /// This process's rank, in `0..<size`.
    public let rank: Int
    /// The number of ranks the batches are shared between.
    public let size: Int
    /// Whether `global` already delivers this rank's share (a dataset reading its share).
    public let readsOnlyItsShare: Bool
    /// Videos in the last global batch (0 before the first).
    public private(set) var lastGlobalCount = 0
    /// Videos in this rank's share of the last global batch (0 before the first).
    public private(set) var lastLocalCount = 0

    /// The share of rank `rank` of `size` (`0 <= rank < size`) of the batches of `global`.
    public init(_ global: BatchSource, rank: Int, size: Int) throws {
        precondition(size > 0 && rank >= 0 && rank < size, "ShardedBatchSource: rank \(rank) of \(size)")
        if size > 1, let dataset = global as? DatasetBatchSource {
            self.global = try dataset.readingShare(rank, of: size)
            readsOnlyItsShare = true
        } else {
            self.global = global
            readsOnlyItsShare = false
        }
        self.rank = rank
        self.size = size
    }

    /// This rank's share of the next global batch; throws
    /// ``DataParallelError/batchSmallerThanWorld(batch:ranks:)`` (on every
    /// rank alike, since all see the same batch) when a share would be empty.
    public func nextBatch() throws -> TrainingBatch? {
        guard let batch = try global.nextBatch() else { return nil }
        guard batch.globalCount >= size else { throw DataParallelError.batchSmallerThanWorld(batch: batch.globalCount, ranks: size) }
        let share = size == 1 || readsOnlyItsShare ? batch : batch.share(rank, of: size)
        lastGlobalCount = batch.globalCount
        lastLocalCount = share.count
        return share
    }

    /// The position in the stream as text, for a checkpoint (``restore(_:)`` reads it back).
    public var resumeState: String { global.resumeState }
    /// Moves the stream to a position written by ``resumeState``.
    public func restore(_ state: String) throws { try global.restore(state) }
    /// Starts a new pass from the beginning.
    public func reset() throws { try global.reset() }
}

/// The trainer callback that makes N ranks train one model:
/// - at the start, checks that every rank has the same model structure,
///   optimizer and EMA state layout, configuration and step (an allgather of
///   hashes; a mismatch is a ``DataParallelError/ranksDisagree(what:ranks:)``
///   on every rank, not a deadlock), then broadcasts rank 0's weights,
///   buffers, optimizer state and EMA shadow;
/// - gives mixup the global batch (`Trainer.globalBatch`, gathered from the
///   ranks' shares), so partners and λ are drawn as one process draws them;
/// - makes every batch normalisation take the global batch's statistics
///   (``CommunicatorReplicas``, PyTorch's `SyncBatchNorm`);
/// - sums the gradients over the ranks in ``GradientBuckets`` (each rank's
///   loss weighted by its share of the global batch, so unequal shares add
///   up to the global batch's gradient), each bucket's allreduce started on
///   a communication thread as soon as the backward pass has finished its
///   gradients (``overlapsBackward``);
/// - scores validation passes with ``ShardedEvaluation`` (each rank runs the
///   model on its share of the batches; every rank gets the exact metrics);
/// - after each validation point and at the end, waits at a barrier, so the
///   files rank 0 has just written are complete when any rank goes on.
///
/// Put it after the callbacks that write
/// (``callbacks(for:communicator:training:fingerprint:)`` does), so its
/// barrier follows them.
public final class DataParallel: TrainingCallback {
    /// The ranks' collectives (MPI, or the single-process stand-in).
    public let communicator: any Communicator
    /// The sharded training stream, for each rank's share of the batch (nil: equal shares).
    public let training: ShardedBatchSource?
    /// The target size of a gradient bucket in bytes (float32 values), one
    /// allreduce each; 25 MiB by default, like PyTorch DDP's `bucket_cap_mb`.
    public let bucketBytes: Int
    /// Extra text every rank must agree on (e.g. the model's name and specification).
    public let fingerprint: String
    /// Whether a bucket's allreduce starts as soon as the backward pass has
    /// finished its last gradient (on a communication thread), rather than
    /// after the whole pass. Synchronised batch norms queue their sums on the
    /// same thread, so every rank runs the collectives in one order; that
    /// order is the graph's, the same on every rank as long as the model's
    /// graph does not depend on the data (true of every zoo model).
    public let overlapsBackward: Bool
    /// The gradient allreduce, made in ``trainingWillStart(_:)`` when there
    /// is more than one rank; nil before (and with one rank).
    public private(set) var allreduce: GradientAllreduce?

    /// A callback averaging over the ranks of `communicator`.
    /// - Parameters:
    ///   - communicator: the ranks' collectives.
    ///   - training: this rank's sharded training stream, whose share sizes
    ///     weight the gradients; nil when every rank's share is equal.
    ///   - bucketBytes: the target size of a gradient bucket in bytes.
    ///   - fingerprint: extra text every rank must agree on (JSON is compared
    ///     with its keys sorted).
    ///   - overlapsBackward: start each bucket's allreduce during the backward pass.
    public init(communicator: any Communicator, training: ShardedBatchSource? = nil,
                bucketBytes: Int = 25 << 20, fingerprint: String = "", overlapsBackward: Bool = true) {
        self.communicator = communicator
        self.training = training
        self.bucketBytes = bucketBytes
        self.fingerprint = DataParallel.canonical(fingerprint)
        self.overlapsBackward = overlapsBackward
    }

    /// JSON text with its keys sorted (an encoder's key order follows a
    /// dictionary's, which differs from process to process); other text as it is.
    static func canonical(_ text: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]) else { return text }
        return String(decoding: data, as: UTF8.self)
    }

    /// The callbacks of a data-parallel run: rank 0 alone gets the writing
    /// ones (checkpoints, metrics.csv, the curve plot); every rank gets early
    /// stopping (the same decision everywhere, since every rank gets the same
    /// validation metrics) and, last, ``DataParallel``.
    public static func callbacks(for config: TrainingConfig, communicator: any Communicator,
                                 training: ShardedBatchSource?, fingerprint: String = "") -> [any TrainingCallback] {
        let writers = Trainer.standardCallbacks(for: config).filter { !($0 is EarlyStopping) }
        var out: [any TrainingCallback] = communicator.isRoot ? writers : []
        if let patience = config.earlyStoppingPatience { out.append(EarlyStopping(patience: patience)) }
        out.append(DataParallel(communicator: communicator, training: training, fingerprint: fingerprint))
        return out
    }

    /// Checks that every rank agrees (throwing
    /// ``DataParallelError/ranksDisagree(what:ranks:)`` on every rank when
    /// one does not), then gives every rank rank 0's weights, buffers,
    /// optimizer state and EMA shadow, and lays out the gradient buckets.
    public func trainingWillStart(_ trainer: Trainer) throws {
        try checkAgreement(trainer)
        let model = trainer.model
        try model.loadStateDict(try broadcast(model.stateDict()))
        try trainer.optimizer.loadState(try broadcast(trainer.optimizer.stateTensors()))
        if let ema = trainer.ema, ema.isStarted { ema.loadShadow(try broadcast(ema.shadow)) }
        // One rank is one process: its batch is the global batch, and it keeps the plain arithmetic.
        guard communicator.size > 1 else { return }
        trainer.evaluation = ShardedEvaluation(communicator: communicator)
        // Mixup pairs videos over the global batch: gather it from the ranks' shares.
        if trainer.config.mixupAlpha != nil {
            let communicator = self.communicator
            trainer.globalBatch = { share in try GlobalBatch.gather(share, over: communicator) }
        }
        let reduce = GradientAllreduce(parameters: { model.trainableParameters }, communicator: communicator,
                                       bucketBytes: bucketBytes, passes: trainer.config.accumulationSteps)
        CommunicatorReplicas(communicator, through: reduce).synchronizeBatchNorms(of: model)
        if overlapsBackward { reduce.observeBackwardPasses() }
        allreduce = reduce
    }

    /// Replaces each trainable parameter's gradient by its sum over the
    /// ranks (each rank's gradient is already that of its videos' share of
    /// the global batch's mean loss: the trainer weights by
    /// `TrainingBatch.globalCount`), and the step's loss by the global
    /// batch's (`Trainer.stepLoss`).
    public func gradientsDidCompute(_ trainer: Trainer) throws {
        guard let allreduce else { return }
        try allreduce.sumGradients()
        // The global batch's mean loss: each rank's mean weighted by its share.
        let share = training.map { $0.lastGlobalCount > 0 ? Double($0.lastLocalCount) / Double($0.lastGlobalCount) : 0 }
            ?? 1 / Double(communicator.size)
        var loss = [trainer.stepLoss * share]
        try communicator.allreduceSum(&loss)
        trainer.stepLoss = loss[0]
    }

    /// The parameters' values are new tensors after an update: map their graph leaves again.
    public func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws {
        allreduce?.mapLeaves()
    }

    /// Stops the communication thread and the gradient observer.
    public func trainingDidFail(_ trainer: Trainer, error: Error) { finish() }

    private func finish() {
        allreduce?.stopObserving()
        allreduce = nil
    }

    /// Waits at a barrier, so the files rank 0 wrote at this validation point are complete.
    public func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
        try communicator.barrier()
    }

    /// Waits at a barrier, so the files rank 0 wrote at the end are complete.
    public func trainingDidEnd(_ trainer: Trainer) throws {
        finish()
        try communicator.barrier()
    }

    /// What each rank must agree on, one text per item, hashed and gathered.
    func agreementItems(_ trainer: Trainer) -> [(String, String)] {
        func layout(_ tensors: [String: Tensor]) -> String {
            tensors.keys.sorted().map { "\($0) \(tensors[$0]!.dtype) \(tensors[$0]!.shape)" }.joined(separator: "\n")
        }
        let trainable = trainer.model.namedParameters().map { "\($0.name) \($0.parameter.isFrozen)" }.joined(separator: "\n")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let config = (try? encoder.encode(trainer.config)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return [("model structure", layout(trainer.model.stateDict()) + "\n" + trainable + "\n" + fingerprint),
                ("optimizer state", layout(trainer.optimizer.stateTensors())),
                ("EMA shadow", layout(trainer.ema?.shadow ?? [:])),
                ("training configuration", config),
                ("step", String(trainer.step)),
                ("world size", String(communicator.size))]
    }

    /// Throws on every rank alike when some rank's items differ from rank 0's.
    func checkAgreement(_ trainer: Trainer) throws {
        let items = agreementItems(trainer)
        var mine: [UInt8] = []
        for (_, text) in items { withUnsafeBytes(of: DataParallel.fnv1a(text).littleEndian) { mine.append(contentsOf: $0) } }
        let all = try communicator.allgather(mine)
        for (k, (what, _)) in items.enumerated() {
            let slice = { (b: [UInt8]) in Array(b[(k * 8)..<(k * 8 + 8)]) }
            let differing = (0..<all.count).filter { all[$0].count != mine.count || slice(all[$0]) != slice(all[0]) }
            if !differing.isEmpty { throw DataParallelError.ranksDisagree(what: what, ranks: differing) }
        }
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// Rank 0's tensors on every rank (all ranks hold the same names, dtypes
    /// and shapes: ``checkAgreement(_:)`` ran first), in one broadcast.
    func broadcast(_ tensors: [String: Tensor]) throws -> [String: Tensor] {
        guard communicator.size > 1 else { return tensors }
        let names = tensors.keys.sorted()
        var bytes: [UInt8] = []
        for name in names { bytes.append(contentsOf: DataParallel.rawBytes(tensors[name]!)) }
        try bytes.withUnsafeMutableBytes { try communicator.broadcast($0, root: 0) }
        var out: [String: Tensor] = [:], offset = 0
        for name in names {
            let t = tensors[name]!
            let n = t.count * t.dtype.byteSize
            out[name] = DataParallel.tensor(Array(bytes[offset..<(offset + n)]), like: t)
            offset += n
        }
        return out
    }

    static func rawBytes(_ t: Tensor) -> [UInt8] {
        switch t.dtype {
        case .float32: return t.withUnsafePointer(of: Float.self) { Array(UnsafeRawBufferPointer(start: $0, count: t.count * 4)) }
        case .float64: return t.withUnsafePointer(of: Double.self) { Array(UnsafeRawBufferPointer(start: $0, count: t.count * 8)) }
        case .int32: return t.withUnsafePointer(of: Int32.self) { Array(UnsafeRawBufferPointer(start: $0, count: t.count * 4)) }
        case .uint8: return t.withUnsafePointer(of: UInt8.self) { Array(UnsafeRawBufferPointer(start: $0, count: t.count)) }
        }
    }

    static func tensor(_ bytes: [UInt8], like t: Tensor) -> Tensor {
        var out = Tensor.zeros(t.shape, dtype: t.dtype)
        guard !bytes.isEmpty else { return out }
        bytes.withUnsafeBytes { src in
            func copy<T: TensorElement>(_: T.Type) {
                out.withUnsafeMutablePointer(of: T.self) { UnsafeMutableRawPointer($0).copyMemory(from: src.baseAddress!, byteCount: bytes.count) }
            }
            switch t.dtype {
            case .float32: copy(Float.self)
            case .float64: copy(Double.self)
            case .int32: copy(Int32.self)
            case .uint8: copy(UInt8.self)
            }
        }
        return out
    }

    /// Runs `body`; if it throws, ends every rank through
    /// `Communicator.abort(_:code:)` with a message naming this rank and
    /// the error, so no rank is left waiting in a collective for it.
    public static func runOrAbort<R>(_ communicator: any Communicator, _ body: () throws -> R) -> R {
        do {
            return try body()
        } catch {
            communicator.abort("rank \(communicator.rank) of \(communicator.size): \(error)")
        }
    }
}

/// Data-parallel training for `TrainingJob`: each rank trains on its
/// ``ShardedBatchSource`` share of the global stream, with
/// ``DataParallel/callbacks(for:communicator:training:fingerprint:)``.
public struct DataParallelTopology: TrainingTopology {
    /// The ranks' collectives, which give this process's rank and the world size.
    public let communicator: any Communicator

    /// Data-parallel training over the ranks of `communicator`.
    public init(communicator: any Communicator) { self.communicator = communicator }

    /// Rank 0 writes.
    public var writesFiles: Bool { communicator.isRoot }

    /// A barrier over the ranks.
    public func synchronize() throws { try communicator.barrier() }

    /// This rank's ``ShardedBatchSource`` share of `global`.
    public func trainingSource(_ global: BatchSource) throws -> BatchSource {
        try ShardedBatchSource(global, rank: communicator.rank, size: communicator.size)
    }

    /// ``DataParallel/callbacks(for:communicator:training:fingerprint:)``, with
    /// `training`'s share sizes when it is a ``ShardedBatchSource``.
    public func callbacks(for config: TrainingConfig, training: BatchSource, fingerprint: String) -> [any TrainingCallback] {
        DataParallel.callbacks(for: config, communicator: communicator, training: training as? ShardedBatchSource,
                               fingerprint: fingerprint)
    }
}

import TFRecord
import Tensor
import Foundation

/// A YouTube-8M dataset over TFRecord files, delivering batches of dense tensors
/// (`YT8MBatch`) read and decoded on background threads.
///
/// Pipeline, per epoch, on a reading thread: the files (this rank's shard) in the epoch's order →
/// records read front to back (`pread`, length CRC checked) → shuffle buffer → groups of
/// `batchSize` records; then on `decodeThreads` decoding threads, one batch each: data CRC
/// checked, protobuf parsed, frames sampled and dequantized into the batch tensors → a bounded
/// queue of `prefetchBatches` batches, in order → `next()`.
///
/// ```swift
/// let data = try YT8MDataset(paths: ["data/frame/train*.tfrecord"], options: .training(level: .frame))
/// while let batch = try data.next() { … }      // one epoch; the next call starts the next one
/// let state = data.state                        // save with the checkpoint…
/// try data.restore(state)                       // …and continue exactly there after a restart
/// ```
///
/// Everything random is seeded (`DatasetSeeds`), so the same files, options and seed give the
/// same batches on every machine, whatever the thread timing. An error met by the reading thread
/// (`TFRecordError`, `YT8MRecordError` naming file, record and field, or `FileIOError`) is thrown
/// by the `next()` call that would have returned the batch concerned, and by every later call.
/// `close()` (or releasing the dataset) stops the threads and waits for them.
public final class YT8MDataset {
    /// The files this dataset reads (after discovery and sharding), in their base order.
    public let files: [String]
    /// The options in force.
    public let options: YT8MDatasetOptions

    private var producer: Producer?
    private var delivered: DatasetState
    private var failure: Error?
    private var finished = false

    /// A dataset over `files`. Throws `YT8MDatasetError` for invalid options or an empty list.
    public init(files: [String], options: YT8MDatasetOptions) throws {
        try options.validate()
        guard !files.isEmpty else { throw YT8MDatasetError(.noFiles) }
        self.files = files
        self.options = options
        delivered = DatasetState(seed: options.seed, epoch: 0, position: 0)
        start(at: delivered)
    }

    /// A dataset over the files named by `paths` (files, directories of `*.tfrecord`, glob patterns;
    /// see `RecordFileDiscovery`), keeping shard `rank` of `worldSize` (`FileSharding`).
    public convenience init(paths: [String], options: YT8MDatasetOptions, rank: Int = 0, worldSize: Int = 1) throws {
        let all = try RecordFileDiscovery.files(for: paths)
        try self.init(files: try FileSharding.shard(all, rank: rank, worldSize: worldSize), options: options)
    }

    deinit { producer?.stop() }

    /// The state after the last batch returned (or the restored state): the epoch and how many
    /// videos of it were delivered.
    public var state: DatasetState { delivered }

    /// The current epoch (the one the next batch belongs to).
    public var epoch: Int { delivered.epoch }

    /// Whether the last epoch (`options.epochs`) has been delivered completely.
    public var isFinished: Bool { finished }

    /// Corrupt records skipped so far by the reading thread (with `skipCorruptRecords`), and the
    /// first few of their errors.
    public var skippedCorruptRecords: (count: Int, examples: [TFRecordError]) {
        producer?.skipped() ?? (0, [])
    }

    /// The next batch of the current epoch, or nil when the epoch is over (the call after that
    /// starts the next epoch) or the last epoch has been delivered. Blocks until the reading thread
    /// has the batch ready. Rethrows the reading thread's error.
    public func next() throws -> YT8MBatch? {
        if let failure { throw failure }
        guard !finished, let producer else { return nil }
        switch producer.queue.pop() {
        case .batch(let batch):
            delivered = batch.stateAfter
            return batch
        case .endOfEpoch(let epoch):
            delivered = DatasetState(seed: options.seed, epoch: epoch + 1, position: 0)
            if let epochs = options.epochs, epoch + 1 >= epochs { finished = true }
            return nil
        case .failure(let error):
            failure = error
            throw error
        case nil:
            finished = true
            return nil
        }
    }

    /// Restarts the pipeline at `state` (from `state` or a batch's `stateAfter`): the next batch is
    /// the one that followed it. Throws `YT8MDatasetError.stateMismatch` if the seed differs.
    public func restore(_ state: DatasetState) throws {
        guard state.seed == options.seed else {
            throw YT8MDatasetError(.stateMismatch("state has seed \(state.seed), the dataset \(options.seed)"))
        }
        guard state.epoch >= 0, state.position >= 0 else {
            throw YT8MDatasetError(.stateMismatch("negative epoch \(state.epoch) or position \(state.position)"))
        }
        producer?.stop()
        producer = nil
        failure = nil
        delivered = state
        finished = options.epochs.map { state.epoch >= $0 } ?? false
        if !finished { start(at: state) }
    }

    /// Stops the reading thread and waits for it; `next()` then returns nil.
    public func close() {
        producer?.stop()
        producer = nil
        finished = true
    }

    private func start(at state: DatasetState) {
        producer = Producer(files: files, options: options, start: state)
    }
}

/// The items of the queue between the reading thread and `next()`.
enum DatasetQueueItem {
    case batch(YT8MBatch)
    case endOfEpoch(Int)
    case failure(Error)
}

/// A bounded blocking queue that can be closed from either side.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private let capacity: Int
    private var closed = false

    init(capacity: Int) { self.capacity = capacity }

    /// Appends `item`, waiting while the queue is full; false if the queue was closed.
    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The oldest item, waiting while the queue is empty; nil once it is closed and empty.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Closes the queue: waiting calls return, later pushes fail, pops drain what is left.
    func close(discarding: Bool) {
        condition.lock()
        closed = true
        if discarding { items.removeAll() }
        condition.broadcast()
        condition.unlock()
    }
}

/// The pipeline's threads: one reading thread runs the epochs from a start state (files, shuffle
/// buffer, grouping records into batches) and hands numbered batches of raw records to
/// `decodeThreads` decoding threads, which assemble them (`BatchAssembler`) and push them into the
/// output queue strictly in number order. Reading overlaps decoding, and whole batches (including
/// the zeroing of their tensors) are decoded in parallel.
final class Producer: @unchecked Sendable {
    /// Batches ready for `next()`, in order.
    let queue: BoundedQueue<DatasetQueueItem>

    /// Work from the reading thread to the decoding threads; `sequence` fixes the output order.
    private enum Work {
        case records([RawRecord], epoch: Int, firstPosition: Int, rows: [Int], globalCount: Int, stateAfter: DatasetState)
        case item(DatasetQueueItem)  // end of epoch or failure, passed through in order
        case finished
    }

    private let work: BoundedQueue<(sequence: Int, work: Work)>
    private let threadCount: Int
    private let done = DispatchSemaphore(value: 0)
    private let turn = NSCondition()
    private var nextSequence = 0   // guarded by `turn`
    private var stopped = false    // guarded by `turn`
    private let lock = NSLock()
    private var skippedCount = 0
    private var skippedExamples: [TFRecordError] = []

    init(files: [String], options: YT8MDatasetOptions, start: DatasetState) {
        queue = BoundedQueue(capacity: options.prefetchBatches)
        work = BoundedQueue(capacity: options.decodeThreads)
        threadCount = 1 + options.decodeThreads
        let assembler = BatchAssembler(options: options)
        let reader = Thread { [done] in
            defer { done.signal() }
            self.read(files: files, options: options, start: start)
        }
        reader.name = "YT8MDataset reader"
        reader.start()
        for index in 0..<options.decodeThreads {
            let decoder = Thread { [done] in
                defer { done.signal() }
                self.decode(with: assembler)
            }
            decoder.name = "YT8MDataset decoder \(index)"
            decoder.stackSize = 8 << 20
            decoder.start()
        }
    }

    /// Stops every thread and waits until they have exited. Idempotent.
    func stop() {
        turn.lock()
        let first = !stopped
        stopped = true
        turn.broadcast()
        turn.unlock()
        work.close(discarding: true)
        queue.close(discarding: true)
        guard first else { return }
        for _ in 0..<threadCount { done.wait() }
    }

    func skipped() -> (Int, [TFRecordError]) {
        lock.lock()
        defer { lock.unlock() }
        return (skippedCount, skippedExamples)
    }

    /// The reading thread.
    private func read(files: [String], options: YT8MDatasetOptions, start: DatasetState) {
        var sequence = 0
        func send(_ item: Work) -> Bool {
            defer { sequence += 1 }
            return work.push((sequence, item))
        }
        var epoch = start.epoch
        var position = start.position
        do {
            while options.epochs.map({ epoch < $0 }) ?? true {
                let order = RecordShuffler.fileOrder(files, shuffle: options.shuffleFiles, seed: options.seed, epoch: epoch)
                let shuffler = try RecordShuffler(
                    files: order, bufferSize: options.shuffleBufferSize,
                    generator: RandomGenerator(seed: DatasetSeeds.seed(options.seed, epoch: epoch, stream: 1)),
                    skipCorrupt: options.skipCorruptRecords, start: position, readsOnDelivery: options.share != nil)
                var skippedBefore = shuffler.skippedRecords
                position = shuffler.position
                // Batches before `position` in this epoch were all full.
                var batchNumber = position / options.batchSize
                while true {
                    // The batch's videos in delivery order; with a share, this reader keeps rows
                    // part, part + parts, … (or batches part, part + parts, …) and steps over the others' data.
                    var records: [RawRecord] = [], rows: [Int] = []
                    records.reserveCapacity(options.batchSize)
                    var count = 0
                    let byBatch = options.share?.unit == .batches
                    let skipsBatch = byBatch && batchNumber % options.share!.parts != options.share!.part
                    while count < options.batchSize {
                        if let share = options.share, skipsBatch || (!byBatch && count % share.parts != share.part) {
                            guard try shuffler.skip() else { break }
                        } else {
                            guard let record = try shuffler.next() else { break }
                            records.append(record)
                            rows.append(count)
                        }
                        count += 1
                    }
                    if shuffler.skippedRecords > skippedBefore {
                        lock.lock()
                        skippedCount += shuffler.skippedRecords - skippedBefore
                        for error in shuffler.skippedErrors where skippedExamples.count < 10 && !skippedExamples.contains(error) {
                            skippedExamples.append(error)
                        }
                        lock.unlock()
                        skippedBefore = shuffler.skippedRecords
                    }
                    // A last batch too small to give every share a video is dropped by every reader alike.
                    let fewest = byBatch ? 1 : options.share?.parts ?? 1
                    if count < fewest || (options.dropRemainder && count < options.batchSize) { break }
                    let after = DatasetState(seed: options.seed, epoch: epoch, position: position + count)
                    if !skipsBatch {
                        guard send(.records(records, epoch: epoch, firstPosition: position, rows: rows, globalCount: count,
                                            stateAfter: after)) else { return }
                    }
                    position += count
                    batchNumber += 1
                    if count < options.batchSize { break }
                }
                guard send(.item(.endOfEpoch(epoch))) else { return }
                epoch += 1
                position = 0
            }
            _ = send(.finished)
        } catch {
            _ = send(.item(.failure(error)))
        }
    }

    /// A decoding thread: assembles batches and pushes them when their turn comes.
    private func decode(with assembler: BatchAssembler) {
        while let (sequence, item) = work.pop() {
            var output: DatasetQueueItem?
            switch item {
            case .records(let records, let epoch, let firstPosition, let rows, let globalCount, let stateAfter):
                do {
                    output = .batch(try assembler.assemble(records, epoch: epoch, firstPosition: firstPosition, rows: rows,
                                                           globalCount: globalCount, stateAfter: stateAfter))
                } catch {
                    output = .failure(error)
                }
            case .item(let passed):
                output = passed
            case .finished:
                output = nil
            }
            // Wait for this sequence number's turn, so batches leave in reading order.
            turn.lock()
            while nextSequence != sequence && !stopped { turn.wait() }
            let isStopped = stopped
            turn.unlock()
            if isStopped { return }
            var last = false
            if let output {
                if !queue.push(output) { return }
                if case .failure = output { last = true }
            } else {
                last = true
            }
            if last {
                // Nothing follows a failure or the last epoch: let `next()` drain what is queued.
                queue.close(discarding: false)
                work.close(discarding: true)
            }
            turn.lock()
            nextSequence += 1
            turn.broadcast()
            turn.unlock()
            if last { return }
        }
    }
}

import TFRecord
import Tensor

/// The records of one epoch in delivery order: files in the epoch's order, each read front to back,
/// passed through a shuffle buffer.
///
/// Shuffle buffer: before each output the buffer is topped up to `bufferSize` records from the
/// stream; then slot j = ⌊uniform draw⌋ of the buffer is delivered and the last slot moves into its
/// place. With `bufferSize` 1 the order is the file order (a draw is still made, so the generator's
/// sequence does not depend on the buffer size being 1 or not).
///
/// Resuming at position p replays the first p deliveries on record headers only (`RecordStream`
/// steps over data without reading it); the records still in the buffer at that point are read
/// again from their offsets when they are delivered. With `skipCorrupt`, replay has to read and
/// check the data too, because skipped records shift the order.
final class RecordShuffler {
    private let files: [String]
    private let bufferSize: Int
    private let skipCorrupt: Bool
    private let readsOnDelivery: Bool
    private var generator: RandomGenerator
    private var buffer: [(record: RawRecord, loaded: Bool)] = []
    private var stream: RecordStream?
    private var nextFile = 0
    /// Deliveries so far in this epoch.
    private(set) var position = 0
    /// Corrupt records skipped (with `skipCorrupt`).
    private(set) var skippedRecords = 0
    /// The first few skipped records' errors.
    private(set) var skippedErrors: [TFRecordError] = []

    /// Opens an epoch over `files` (already in epoch order) and fast-forwards to `start`.
    /// With `readsOnDelivery`, records enter the buffer as headers only and a record's data is
    /// read when it is delivered by ``next()``, so records passed over with ``skip()`` (another
    /// rank's share) are never read.
    init(files: [String], bufferSize: Int, generator: RandomGenerator, skipCorrupt: Bool, start: Int,
         readsOnDelivery: Bool = false) throws {
        self.files = files
        self.bufferSize = bufferSize
        self.generator = generator
        self.skipCorrupt = skipCorrupt
        self.readsOnDelivery = readsOnDelivery
        while position < start {
            guard try nextRecord(loading: false) != nil else { break }
        }
    }

    /// The next record with its data, or nil at the end of the epoch.
    func next() throws -> RawRecord? {
        try nextRecord(loading: true)
    }

    /// Delivers the next record without its data (it is another reader's); false at the end of the epoch.
    func skip() throws -> Bool {
        try nextRecord(loading: false) != nil
    }

    private func nextRecord(loading: Bool) throws -> RawRecord? {
        let readNow = loading && !readsOnDelivery
        while buffer.count < bufferSize, let record = try pull(readData: readNow) {
            buffer.append((record, readNow))
        }
        guard !buffer.isEmpty else { return nil }
        let j = generator.nextInt(below: buffer.count)
        var (record, loaded) = buffer[j]
        buffer[j] = buffer[buffer.count - 1]
        buffer.removeLast()
        position += 1
        if loading && !loaded {
            record = try RecordStream(path: record.path, fileIndex: record.fileIndex)
                .record(at: record.byteOffset, recordIndex: record.recordIndex)
            record.checksumVerified = false
            if skipCorrupt { try record.verifyChecksum() }  // it passed during replay; the file changed since
        }
        return record
    }

    /// The next record of the stream (across files), skipping corrupt ones when asked.
    private func pull(readData: Bool) throws -> RawRecord? {
        while true {
            if stream == nil {
                guard nextFile < files.count else { return nil }
                stream = try RecordStream(path: files[nextFile], fileIndex: nextFile)
                nextFile += 1
            }
            do {
                // Under skipCorrupt the data is always read so that its checksum decides the order.
                guard var record = try stream!.next(readData: readData || skipCorrupt) else {
                    stream = nil
                    continue
                }
                if skipCorrupt {
                    do {
                        try record.verifyChecksum()
                        record.checksumVerified = true
                    } catch let error as TFRecordError {
                        note(error)
                        continue
                    }
                    if !readData { record.data = [] }
                }
                return record
            } catch let error as TFRecordError where skipCorrupt {
                // Framing lost: the rest of this file cannot be read.
                note(error)
                stream = nil
            }
        }
    }

    private func note(_ error: TFRecordError) {
        skippedRecords += 1
        if skippedErrors.count < 10 { skippedErrors.append(error) }
    }

    /// The file order of `epoch`: `files` unchanged, or shuffled (Fisher–Yates) by the epoch's
    /// file-order generator.
    static func fileOrder(_ files: [String], shuffle: Bool, seed: UInt64, epoch: Int) -> [String] {
        guard shuffle else { return files }
        var generator = RandomGenerator(seed: DatasetSeeds.seed(seed, epoch: epoch, stream: 0))
        var order = files
        generator.shuffle(&order)
        return order
    }
}

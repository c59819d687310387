import FileIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the records of one TFRecord file in order, with buffered `read(2)` calls so that files of
/// any size stream through a bounded buffer.
///
/// Framing per record (TensorFlow `core/lib/io/record_writer.cc`):
/// `uint64 length (LE) · uint32 masked_crc32c(length) · data[length] · uint32 masked_crc32c(data)`.
/// Both checksums are verified (unless `Options.verifyChecksums` is off).
///
/// By default a bad record throws `TFRecordError`. With `Options.skipCorrupt`, a record whose data CRC
/// is wrong is skipped and counted in `corruptRecordCount`; a bad length CRC or a truncated record
/// is also counted, but the record boundary is lost there, so reading stops and the error is kept in
/// `unrecoverableError`.
public final class TFRecordReader {
    /// How the reader treats corrupt records.
    public struct Options: Sendable {
        /// Skip (and count) corrupt records instead of throwing.
        public var skipCorrupt: Bool
        /// Verify the length and data CRCs (on by default; turning it off only saves the CRC time).
        public var verifyChecksums: Bool

        /// Creates options; the defaults throw on the first corrupt record and verify both checksums.
        public init(skipCorrupt: Bool = false, verifyChecksums: Bool = true) {
            self.skipCorrupt = skipCorrupt
            self.verifyChecksums = verifyChecksums
        }
    }

    /// The file being read.
    public let path: String
    /// The options in force.
    public let options: Options
    /// Index of the next record to be framed (good and bad records both count).
    public private(set) var recordIndex = 0
    /// Number of corrupt records met so far (skipped ones plus the one that stopped reading).
    public private(set) var corruptRecordCount = 0
    /// The skipped corrupt records' errors, in file order (only with `skipCorrupt`).
    public private(set) var skippedErrors: [TFRecordError] = []
    /// The error that ended reading early under `skipCorrupt` (bad length CRC or truncation).
    public private(set) var unrecoverableError: TFRecordError?

    private var fd: Int32
    private let fileSize: Int
    private var buffer: [UInt8]
    private var bufferStart = 0   // first unread byte in `buffer`
    private var bufferEnd = 0     // one past the last valid byte in `buffer`
    private var bufferFileOffset = 0  // file offset of buffer[0]
    private var reachedEOF = false
    private var finished = false

    /// Opens `path` for reading. Throws `FileIOError` if it cannot be opened.
    public init(path: String, options: Options = Options()) throws {
        self.path = path
        self.options = options
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileIOError.fromErrno(path: path, operation: "open") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = FileIOError.fromErrno(path: path, operation: "stat")
            close(fd)
            throw error
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FileIOError(path: path, operation: "read", code: EISDIR)
        }
        fileSize = Int(info.st_size)
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    deinit {
        close(fd)
    }

    /// Reads every record of `path` into memory.
    public static func readAll(path: String, options: Options = Options()) throws -> [[UInt8]] {
        let reader = try TFRecordReader(path: path, options: options)
        var records: [[UInt8]] = []
        while let record = try reader.next() {
            records.append(record)
        }
        return records
    }

    /// The next good record's data, or nil at the end of the file (or after an unrecoverable
    /// problem under `skipCorrupt`). Throws `TFRecordError` for a corrupt record unless skipping,
    /// and `FileIOError` if the operating system fails to read.
    public func next() throws -> [UInt8]? {
        while !finished {
            let offset = bufferFileOffset + bufferStart
            let index = recordIndex
            let header = try fill(12)
            if header == 0 { finished = true; return nil }
            if header < 12 {
                try fail(TFRecordError(path: path, recordIndex: index, byteOffset: offset,
                                       problem: .truncatedHeader(bytesAvailable: header)))
                return nil
            }
            let length: UInt64 = loadLE(at: bufferStart)
            if options.verifyChecksums {
                let stored: UInt32 = loadLE(at: bufferStart + 8)
                let computed = buffer.withUnsafeBytes {
                    CRC32C.maskedChecksum(UnsafeRawBufferPointer(rebasing: $0[bufferStart..<bufferStart + 8]))
                }
                if stored != computed {
                    try fail(TFRecordError(path: path, recordIndex: index, byteOffset: offset,
                                           problem: .lengthChecksumMismatch(stored: stored, computed: computed)))
                    return nil
                }
            }
            let remaining = fileSize - offset - 12
            if length > UInt64(max(0, remaining - 4)) {
                try fail(TFRecordError(path: path, recordIndex: index, byteOffset: offset,
                                       problem: .truncatedData(length: length, bytesAvailable: max(0, remaining))))
                return nil
            }
            let n = Int(length)
            let available = try fill(12 + n + 4)
            if available < 12 + n + 4 {  // file shrank while reading
                try fail(TFRecordError(path: path, recordIndex: index, byteOffset: offset,
                                       problem: .truncatedData(length: length, bytesAvailable: available - 12)))
                return nil
            }
            let dataStart = bufferStart + 12
            recordIndex += 1
            bufferStart += 12 + n + 4
            if options.verifyChecksums {
                let stored: UInt32 = loadLE(at: dataStart + n)
                let computed = buffer.withUnsafeBytes {
                    CRC32C.maskedChecksum(UnsafeRawBufferPointer(rebasing: $0[dataStart..<dataStart + n]))
                }
                if stored != computed {
                    let error = TFRecordError(path: path, recordIndex: index, byteOffset: offset,
                                              problem: .dataChecksumMismatch(stored: stored, computed: computed))
                    guard options.skipCorrupt else { finished = true; throw error }
                    corruptRecordCount += 1
                    skippedErrors.append(error)
                    continue
                }
            }
            return Array(buffer[dataStart..<dataStart + n])
        }
        return nil
    }

    /// Records an unrecoverable problem: throws it, or under `skipCorrupt` counts it and stops.
    private func fail(_ error: TFRecordError) throws {
        finished = true
        recordIndex += 1
        guard options.skipCorrupt else { throw error }
        corruptRecordCount += 1
        unrecoverableError = error
    }

    private func loadLE<T: FixedWidthInteger>(at index: Int) -> T {
        buffer.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: index, as: T.self)) }
    }

    /// Makes at least `count` unread bytes available if the file has them; returns how many are.
    private func fill(_ count: Int) throws -> Int {
        if bufferEnd - bufferStart >= count || reachedEOF {
            return min(count, bufferEnd - bufferStart)
        }
        // Move the unread tail to the front, growing the buffer if one record needs more room.
        let unread = bufferEnd - bufferStart
        if bufferStart > 0 {
            buffer.withUnsafeMutableBytes { raw in
                let base = raw.baseAddress!
                memmove(base, base + bufferStart, unread)
            }
            bufferFileOffset += bufferStart
            bufferStart = 0
            bufferEnd = unread
        }
        if buffer.count < count {
            buffer.append(contentsOf: repeatElement(0, count: count - buffer.count))
        }
        while bufferEnd < count {
            let got = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + bufferEnd, raw.count - bufferEnd)
            }
            if got < 0 {
                if errno == EINTR { continue }
                finished = true
                throw FileIOError.fromErrno(path: path, operation: "read")
            }
            if got == 0 { reachedEOF = true; break }
            bufferEnd += got
        }
        return min(count, bufferEnd - bufferStart)
    }
}

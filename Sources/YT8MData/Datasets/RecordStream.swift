import FileIO
import TFRecord
import Tensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One framed TFRecord record as the dataset pipeline carries it: where it came from, its data, and
/// the stored masked CRC-32C of the data (verified later, on a decoding thread, unless it already was).
struct RawRecord {
    /// Index of the file in the epoch's file list.
    var fileIndex: Int
    /// The file's path.
    var path: String
    /// 0-based record index in the file.
    var recordIndex: Int
    /// Byte offset of the record's header in the file.
    var byteOffset: Int
    /// The record's data (without framing).
    var data: [UInt8]
    /// The masked CRC-32C stored after the data.
    var storedDataChecksum: UInt32
    /// Whether `storedDataChecksum` has already been checked.
    var checksumVerified: Bool

    /// Checks the data CRC; throws `TFRecordError.dataChecksumMismatch` naming file and record.
    func verifyChecksum() throws {
        guard !checksumVerified else { return }
        let computed = data.withUnsafeBytes { CRC32C.maskedChecksum($0) }
        guard computed == storedDataChecksum else {
            throw TFRecordError(path: path, recordIndex: recordIndex, byteOffset: byteOffset,
                                problem: .dataChecksumMismatch(stored: storedDataChecksum, computed: computed))
        }
    }
}

/// Frames the records of one TFRecord file with positioned reads (`pread(2)`), one record at a time.
///
/// Unlike `TFRecordReader` it can step over a record without reading its data (header only, for
/// fast resumption) and re-read a record at a known offset, and it leaves the data CRC to the caller
/// so that checking can run on decoding threads. The length CRC is always checked here: a bad one
/// means the record boundary is lost.
final class RecordStream {
    let path: String
    let fileIndex: Int
    private let fd: Int32
    private let fileSize: Int
    /// Offset of the next record's header.
    private(set) var offset = 0
    /// Index of the next record.
    private(set) var recordIndex = 0

    init(path: String, fileIndex: Int) throws {
        self.path = path
        self.fileIndex = fileIndex
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
    }

    deinit { close(fd) }

    /// The next record (with its data when `readData`, else with empty data and the stream moved past
    /// it), or nil at the end of the file. Throws `TFRecordError` for a truncated record or a bad
    /// length CRC, `FileIOError` when the system read fails.
    func next(readData: Bool) throws -> RawRecord? {
        guard offset < fileSize else { return nil }
        let index = recordIndex, start = offset
        var header = (UInt64(0), UInt32(0))
        let got = try withUnsafeMutableBytes(of: &header) { try readFully($0.baseAddress!, count: 12, at: start) }
        if got < 12 {
            throw TFRecordError(path: path, recordIndex: index, byteOffset: start,
                                problem: .truncatedHeader(bytesAvailable: got))
        }
        let length = UInt64(littleEndian: header.0)
        let storedLengthCRC = UInt32(littleEndian: header.1)
        let computed = withUnsafeBytes(of: header.0) { CRC32C.maskedChecksum(UnsafeRawBufferPointer(rebasing: $0[0..<8])) }
        guard storedLengthCRC == computed else {
            throw TFRecordError(path: path, recordIndex: index, byteOffset: start,
                                problem: .lengthChecksumMismatch(stored: storedLengthCRC, computed: computed))
        }
        let remaining = fileSize - start - 12
        guard length <= UInt64(max(0, remaining - 4)) else {
            throw TFRecordError(path: path, recordIndex: index, byteOffset: start,
                                problem: .truncatedData(length: length, bytesAvailable: max(0, remaining)))
        }
        let n = Int(length)
        var record = RawRecord(fileIndex: fileIndex, path: path, recordIndex: index, byteOffset: start,
                               data: [], storedDataChecksum: 0, checksumVerified: false)
        if readData {
            var footer: UInt32 = 0
            var readCount = 0
            record.data = try [UInt8](unsafeUninitializedCapacity: n) { buffer, initialized in
                readCount = n == 0 ? 0 : try readFully(UnsafeMutableRawPointer(buffer.baseAddress!), count: n, at: start + 12)
                initialized = readCount
            }
            if readCount == n {
                readCount += try withUnsafeMutableBytes(of: &footer) { try readFully($0.baseAddress!, count: 4, at: start + 12 + n) }
            }
            guard readCount == n + 4 else {  // the file shrank while being read
                throw TFRecordError(path: path, recordIndex: index, byteOffset: start,
                                    problem: .truncatedData(length: length, bytesAvailable: readCount))
            }
            record.storedDataChecksum = UInt32(littleEndian: footer)
        }
        offset = start + 12 + n + 4
        recordIndex += 1
        return record
    }

    /// Re-reads the record whose header starts at `byteOffset` (a position returned earlier).
    func record(at byteOffset: Int, recordIndex index: Int) throws -> RawRecord {
        let savedOffset = offset, savedIndex = recordIndex
        defer { offset = savedOffset; recordIndex = savedIndex }
        offset = byteOffset
        recordIndex = index
        guard let record = try next(readData: true) else {
            throw TFRecordError(path: path, recordIndex: index, byteOffset: byteOffset,
                                problem: .truncatedHeader(bytesAvailable: 0))
        }
        return record
    }

    /// Reads `count` bytes at `position`, retrying short reads; returns how many were read (less
    /// only at the end of the file).
    private func readFully(_ destination: UnsafeMutableRawPointer, count: Int, at position: Int) throws -> Int {
        var done = 0
        while done < count {
            let got = pread(fd, destination + done, count - done, off_t(position + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw FileIOError.fromErrno(path: path, operation: "read")
            }
            if got == 0 { break }
            done += got
        }
        return done
    }
}

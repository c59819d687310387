import FileIO
/// Writes a TFRecord file atomically (temporary file in the same directory, fsync, rename; see
/// `AtomicFileWriter`). Each record is framed as TensorFlow's `RecordWriter` does:
/// `uint64 length (LE) · uint32 masked_crc32c(length) · data · uint32 masked_crc32c(data)`.
/// Nothing appears at `path` until `close()` succeeds.
public final class TFRecordWriter {
    /// The destination file.
    public var path: String { file.path }
    /// Number of records written so far.
    public private(set) var recordCount = 0
    private let file: AtomicFileWriter

    /// Starts writing `path`. Throws `FileIOError` if the temporary file cannot be created.
    public init(path: String) throws {
        file = try AtomicFileWriter(path: path)
    }

    /// Appends one record.
    public func write(_ data: UnsafeRawBufferPointer) throws {
        try file.write(TFRecordWriter.framed(data))
        recordCount += 1
    }

    /// One record as TensorFlow frames it: `uint64 length (LE) ·
    /// uint32 masked_crc32c(length) · data · uint32 masked_crc32c(data)`
    /// (also what TensorBoard event files hold, one `Event` per record).
    public static func framed(_ data: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 12)
        out.reserveCapacity(16 + data.count)
        let length = UInt64(data.count)
        out.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: length.littleEndian, toByteOffset: 0, as: UInt64.self)
            let lengthCRC = CRC32C.maskedChecksum(UnsafeRawBufferPointer(rebasing: raw[0..<8]))
            raw.storeBytes(of: lengthCRC.littleEndian, toByteOffset: 8, as: UInt32.self)
        }
        out.append(contentsOf: data)
        withUnsafeBytes(of: CRC32C.maskedChecksum(data).littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    /// Appends one record given as a byte array.
    public func write(_ data: [UInt8]) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Flushes, fsyncs and renames the file into place.
    public func close() throws {
        try file.commit()
    }

    /// Abandons the file: nothing is left at `path`'s temporary location and `path` is untouched.
    public func abort() {
        file.abort()
    }

    /// Writes all `records` to `path` atomically.
    public static func write(records: [[UInt8]], to path: String) throws {
        let writer = try TFRecordWriter(path: path)
        for record in records {
            try writer.write(record)
        }
        try writer.close()
    }
}

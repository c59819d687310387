/// A malformed record in a TFRecord file: which file, which record (0-based, counting every
/// record framed so far including bad ones), at which byte offset, and what was wrong.
public struct TFRecordError: Error, CustomStringConvertible, Equatable {
    /// What was wrong with the record.
    public enum Problem: Equatable {
        /// The file ends inside the 12-byte record header (8-byte length + 4-byte length CRC).
        case truncatedHeader(bytesAvailable: Int)
        /// The masked CRC-32C of the 8 length bytes does not match the stored one.
        case lengthChecksumMismatch(stored: UInt32, computed: UInt32)
        /// The file ends before the `length` data bytes plus the 4-byte data CRC.
        case truncatedData(length: UInt64, bytesAvailable: Int)
        /// The masked CRC-32C of the data does not match the stored one.
        case dataChecksumMismatch(stored: UInt32, computed: UInt32)
    }

    /// The file being read.
    public var path: String
    /// 0-based index of the bad record in the file.
    public var recordIndex: Int
    /// Byte offset of the bad record's header in the file.
    public var byteOffset: Int
    /// What was wrong.
    public var problem: Problem

    /// Creates an error for record `recordIndex` of `path` starting at `byteOffset`.
    public init(path: String, recordIndex: Int, byteOffset: Int, problem: Problem) {
        self.path = path
        self.recordIndex = recordIndex
        self.byteOffset = byteOffset
        self.problem = problem
    }

    /// Whether reading can continue with the next record. Only a bad data CRC can be skipped: the
    /// length was verified, so the next header's position is known. After a bad length CRC or a
    /// truncation the position of the next record is unknown and the reader cannot resynchronise.
    public var isRecoverable: Bool {
        if case .dataChecksumMismatch = problem { return true }
        return false
    }

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        let what: String
        switch problem {
        case .truncatedHeader(let available):
            what = "file ends inside the record header (\(available) of 12 bytes present)"
        case .lengthChecksumMismatch(let stored, let computed):
            what = "length checksum mismatch (stored masked CRC32C 0x\(hex(stored)), computed 0x\(hex(computed))); "
                + "the record boundary is lost, the rest of the file cannot be read"
        case .truncatedData(let length, let available):
            what = "file ends inside the record: header announces \(length) data bytes + 4 CRC bytes, "
                + "only \(available) remain"
        case .dataChecksumMismatch(let stored, let computed):
            what = "data checksum mismatch (stored masked CRC32C 0x\(hex(stored)), computed 0x\(hex(computed)))"
        }
        return "\(path): record \(recordIndex) at byte \(byteOffset): \(what)"
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

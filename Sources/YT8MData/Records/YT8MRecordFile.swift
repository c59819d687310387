import TFRecord
/// Streams typed YouTube-8M records from one TFRecord file; decoding errors carry the file path and
/// record index (`YT8MRecordError`), framing errors are `TFRecordError`s.
public final class YT8MRecordReader<Record: YT8MRecord> {
    /// The underlying TFRecord reader (its counters report skipped corrupt records).
    public let records: TFRecordReader
    /// The format records are checked against.
    public let format: YT8MRecordFormat

    /// Opens `path`. Throws `FileIOError` if it cannot be opened.
    public init(path: String, format: YT8MRecordFormat = .yt8m2018, options: TFRecordReader.Options = .init()) throws {
        records = try TFRecordReader(path: path, options: options)
        self.format = format
    }

    /// The next record, or nil at the end of the file.
    public func next() throws -> Record? {
        guard let bytes = try records.next() else { return nil }
        do {
            return try Record(serialized: bytes, format: format)
        } catch var error as YT8MRecordError {
            error.path = records.path
            error.recordIndex = records.recordIndex - 1
            throw error
        }
    }

    /// Reads every record of `path`.
    public static func readAll(path: String, format: YT8MRecordFormat = .yt8m2018,
                               options: TFRecordReader.Options = .init()) throws -> [Record] {
        let reader = try YT8MRecordReader(path: path, format: format, options: options)
        var result: [Record] = []
        while let record = try reader.next() {
            result.append(record)
        }
        return result
    }
}

/// Writes typed YouTube-8M records to a TFRecord file atomically (see `TFRecordWriter`).
public enum YT8MRecordWriter {
    /// Serializes and writes `records` to `path`; errors name the record index.
    public static func write<Record: YT8MRecord>(_ records: [Record], to path: String,
                                                 format: YT8MRecordFormat = .yt8m2018) throws {
        let writer = try TFRecordWriter(path: path)
        for (index, record) in records.enumerated() {
            do {
                try writer.write(try record.serialized(format: format))
            } catch var error as YT8MRecordError {
                error.path = path
                error.recordIndex = index
                writer.abort()
                throw error
            }
        }
        try writer.close()
    }
}

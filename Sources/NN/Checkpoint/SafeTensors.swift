import FileIO
import Foundation
import Tensor

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian
/// header length N, N bytes of JSON mapping each name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the data
/// that follows) plus an optional `"__metadata__"` string map, then the raw
/// little-endian tensor bytes, packed in order with no gaps.
public enum SafeTensors {
    /// A problem with a safetensors file, naming the file and what is wrong.
    public enum FormatError: Error, CustomStringConvertible, Equatable {
        /// The file could not be read (absent, or an I/O error).
        case unreadable(path: String, reason: String)
        /// The file is shorter than its 8-byte header length or than the header it announces.
        case truncated(path: String, reason: String)
        /// The JSON header is not an object, or its `__metadata__` (or quantisation metadata) is malformed.
        case badHeader(path: String, reason: String)
        /// The header entry of the tensor `name` is malformed: missing fields, an unsupported dtype, a negative dimension, offsets that do not fit the data, or an integer outside int32.
        case badEntry(path: String, name: String, reason: String)

        /// The problem in words, naming what was wrong and where.
        public var description: String {
            switch self {
            case .unreadable(let p, let r): return "\(p): cannot read: \(r)"
            case .truncated(let p, let r): return "\(p): truncated safetensors file: \(r)"
            case .badHeader(let p, let r): return "\(p): bad safetensors header: \(r)"
            case .badEntry(let p, let n, let r): return "\(p): tensor '\(n)': \(r)"
            }
        }
    }

    /// Writes `tensors` (sorted by name) and `metadata` atomically to `path`.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        let names = tensors.keys.sorted()
        var header: [String: Any] = [:]
        var offset = 0
        for name in names {
            let t = tensors[name]!
            let bytes = t.count * t.dtype.byteSize
            header[name] = ["dtype": ElementType(storing: t.dtype).rawValue, "shape": t.shape, "data_offsets": [offset, offset + bytes]]
            offset += bytes
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts 8-byte aligned (as the reference writer does).
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        let file = try AtomicFileWriter(path: path)
        var n = UInt64(json.count).littleEndian
        try withUnsafeBytes(of: &n) { try file.write($0) }
        try json.withUnsafeBytes { try file.write($0) }
        for name in names {
            let t = tensors[name]!
            try rawBytes(t).withUnsafeBytes { try file.write($0) }
        }
        try file.commit()
    }

    private static func rawBytes(_ t: Tensor) -> Data {
        switch t.dtype {
        case .float32: return t.withUnsafePointer(of: Float.self) { Data(bytes: $0, count: t.count * 4) }
        case .float64: return t.withUnsafePointer(of: Double.self) { Data(bytes: $0, count: t.count * 8) }
        case .int32: return t.withUnsafePointer(of: Int32.self) { Data(bytes: $0, count: t.count * 4) }
        case .uint8: return t.withUnsafePointer(of: UInt8.self) { Data(bytes: $0, count: t.count) }
        }
    }

    /// The `__metadata__` map of a safetensors file, reading only the header
    /// (what a checkpoint was written by, without loading its tensors: the
    /// file is mapped, so only the header's pages are read).
    public static func readMetadata(_ path: String) throws -> [String: String] {
        try header(of: try mapped(path), path: path).metadata
    }

    /// Reads every tensor and the metadata of a safetensors file.
    public static func read(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data = try mapped(path)
        let (entries, metadata, headerEnd) = try header(of: data, path: path)
        let body = data.count - headerEnd
        var tensors: [String: Tensor] = [:]
        for (name, value) in entries {
            guard let entry = value as? [String: Any], let code = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw FormatError.badEntry(path: path, name: name, reason: "needs dtype, shape and two data_offsets")
            }
            guard let type = ElementType(rawValue: code) else {
                throw FormatError.badEntry(path: path, name: name, reason: "unsupported dtype \(code) (readable: "
                                           + ElementType.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw FormatError.badEntry(path: path, name: name, reason: "negative dimension in \(shape)") }
            // Overflow-checked: a crafted header's shape or offsets must not wrap around.
            var product: Int? = type.byteSize
            for d in shape { product = product.flatMap { p in
                let (r, overflow) = p.multipliedReportingOverflow(by: d)
                return overflow ? nil : r
            } }
            guard let bytes = product, bytes <= body else {
                throw FormatError.badEntry(path: path, name: name,
                                           reason: "shape \(shape) of \(code) needs more bytes than the \(body)-byte data holds")
            }
            let (end, overflow) = offsets[0].addingReportingOverflow(bytes)
            guard offsets[0] >= 0, !overflow, offsets[1] == end, offsets[1] <= body else {
                throw FormatError.badEntry(path: path, name: name,
                                           reason: "data_offsets \(offsets) do not hold \(bytes) bytes within the \(body)-byte data")
            }
            let slice = data.subdata(in: (headerEnd + offsets[0])..<(headerEnd + offsets[1]))
            let t: Tensor
            do { t = try slice.withUnsafeBytes { try decode($0, type: type, shape: shape) } }
            catch let error as ElementError { throw FormatError.badEntry(path: path, name: name, reason: error.reason) }
            tensors[name] = t
        }
        return (tensors, metadata)
    }

    /// The file's bytes, memory-mapped (pages are read when touched).
    private static func mapped(_ path: String) throws -> Data {
        do { return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) }
        catch {
            let exists = FileManager.default.fileExists(atPath: path)
            throw FormatError.unreadable(path: path, reason: exists ? error.localizedDescription : "no such file")
        }
    }

    /// The header of a safetensors file's bytes: the tensor entries (every
    /// key but `__metadata__`), the metadata, and where the tensor data starts.
    private static func header(of data: Data, path: String) throws
        -> (entries: [String: Any], metadata: [String: String], headerEnd: Int) {
        guard data.count >= 8 else { throw FormatError.truncated(path: path, reason: "\(data.count) bytes, fewer than the 8-byte header length") }
        let n = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
        guard n <= UInt64(data.count - 8) else {
            throw FormatError.truncated(path: path, reason: "header length \(n) exceeds the file (\(data.count) bytes)")
        }
        let headerEnd = 8 + Int(n)
        guard let object = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)),
              var entries = object as? [String: Any] else {
            throw FormatError.badHeader(path: path, reason: "the header is not a JSON object")
        }
        var metadata: [String: String] = [:]
        if let value = entries.removeValue(forKey: "__metadata__") {
            guard let m = value as? [String: String] else {
                throw FormatError.badHeader(path: path, reason: "__metadata__ is not a map of strings")
            }
            metadata = m
        }
        return (entries, metadata, headerEnd)
    }
}

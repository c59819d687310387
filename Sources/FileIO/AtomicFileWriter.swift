#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

/// Writes a file atomically: bytes go to a temporary file in the destination's directory, which is
/// flushed (`fsync`) and then renamed over the destination, so readers see either the old file or the
/// complete new one, never a partial write. The directory is fsynced after the rename so that the
/// rename itself survives a crash. If `commit()` is never called the temporary file is removed.
///
/// Writes are buffered (1 MiB) to keep system calls off the per-record path.
public final class AtomicFileWriter {
    /// The final destination path.
    public let path: String
    /// The temporary file being written (same directory as `path`).
    public let temporaryPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let bufferCapacity = 1 << 20
    private var finished = false

    /// Opens a temporary file next to `path`. Throws `FileIOError` if it cannot be created.
    public init(path: String) throws {
        self.path = path
        let directory = AtomicFileWriter.directory(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(directory)/.\(base).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw FileIOError.fromErrno(path: path, operation: "create temporary file in \(directory)")
        }
        fd = descriptor
        temporaryPath = String(cString: template)
        // mkstemp creates mode 0600; give the file the usual 0644 (minus umask) like open(2) would.
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o644 & ~mask)
        buffer.reserveCapacity(bufferCapacity)
    }

    deinit {
        if !finished {
            close(fd)
            unlink(temporaryPath)
        }
    }

    /// Appends bytes to the file.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > bufferCapacity {
            try flushBuffer()
        }
        if bytes.count >= bufferCapacity {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends a byte array to the file.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends the UTF-8 encoding of `text` to the file.
    public func write(_ text: String) throws {
        var copy = text
        try copy.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Flushes, fsyncs and renames the temporary file onto `path`, then fsyncs the directory.
    public func commit() throws {
        precondition(!finished, "AtomicFileWriter.commit called twice for \(path)")
        try flushBuffer()
        guard fsync(fd) == 0 else { throw FileIOError.fromErrno(path: temporaryPath, operation: "fsync") }
        guard close(fd) == 0 else { throw FileIOError.fromErrno(path: temporaryPath, operation: "close") }
        finished = true
        guard rename(temporaryPath, path) == 0 else {
            let error = FileIOError.fromErrno(path: path, operation: "rename from \(temporaryPath)")
            unlink(temporaryPath)
            throw error
        }
        let dirFD = open(AtomicFileWriter.directory(of: path), O_RDONLY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// Abandons the write: closes and removes the temporary file; `path` is left untouched.
    public func abort() {
        guard !finished else { return }
        finished = true
        close(fd)
        unlink(temporaryPath)
    }

    private func flushBuffer() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError.fromErrno(path: temporaryPath, operation: "write")
            }
            offset += n
        }
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}

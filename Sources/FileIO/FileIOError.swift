#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed operating-system call on a named file: which file, which operation, and `errno`'s text.
public struct FileIOError: Error, CustomStringConvertible, Equatable {
    /// The file (or directory) the operation was applied to.
    public var path: String
    /// The operation that failed, e.g. `"open"`, `"read"`, `"fsync"`, `"rename"`.
    public var operation: String
    /// The `errno` value reported by the system.
    public var code: Int32

    /// Creates an error for `operation` on `path` with the given `errno` code.
    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    /// Captures the current `errno` for `operation` on `path`.
    public static func fromErrno(path: String, operation: String) -> FileIOError {
        FileIOError(path: path, operation: operation, code: errno)
    }

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        "\(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a line to standard error without Foundation (Collectives has no dependencies).
enum FileHandleStandardError {
    static func write(_ message: String) {
        let line = message.hasSuffix("\n") ? message : message + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { fputs($0.baseAddress!, stderr) }
        fflush(stderr)
    }
}

/// Writes `message` as one line to standard error (what an aborting rank says).
public func writeToStandardError(_ message: String) { FileHandleStandardError.write(message) }

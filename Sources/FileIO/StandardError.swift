#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `text` to standard error, whole (partial writes and interrupted
/// calls are retried). A diagnostic that cannot be written (standard error
/// on a full disk, a closed pipe) is dropped: it must not stop the work or
/// trap, which Foundation's `FileHandle.write` does on such errors.
public func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if written > 0 {
            bytes = bytes.dropFirst(written)
        } else if written < 0 && errno == EINTR {
            continue
        } else {
            return
        }
    }
}

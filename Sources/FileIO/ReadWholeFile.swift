#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole (small to medium) file into memory with POSIX calls, reporting failures as
/// `FileIOError` with the path, the failing call and `errno`.
public func readWholeFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw FileIOError.fromErrno(path: path, operation: "open") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileIOError.fromErrno(path: path, operation: "stat") }
    if (info.st_mode & S_IFMT) == S_IFDIR { throw FileIOError(path: path, operation: "read", code: EISDIR) }
    var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
    var count = 0
    while true {
        if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
        let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
        if got < 0 {
            if errno == EINTR { continue }
            throw FileIOError.fromErrno(path: path, operation: "read")
        }
        if got == 0 { break }
        count += got
    }
    bytes.removeSubrange(count...)
    return bytes
}

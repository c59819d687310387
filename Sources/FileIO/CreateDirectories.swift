#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates `path` and any missing parents (`mkdir -p`). Throws
/// ``FileIOError`` naming the first directory that could not be made and the
/// system's reason (a file in the way, no permission, a read-only disk),
/// so a run or a dataset fails before any work with a message a user can act on.
public func createDirectories(_ path: String) throws {
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
        prefix += component
        var info = stat()
        if stat(prefix, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw FileIOError(path: prefix, operation: "create directory", code: ENOTDIR) }
        } else if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            throw FileIOError.fromErrno(path: prefix, operation: "create directory")
        }
        prefix += "/"
    }
}

import FileIO
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writer per run directory: an exclusive `flock` on `<dir>/.lock`,
/// held while a run writes there. A second `yt8m train` on the same `--out`
/// (another terminal, a scheduler that started the job twice) would
/// otherwise interleave two runs' checkpoints and metrics; it now stops
/// before any work, naming the process that holds the directory.
///
/// The lock goes with the process: when a run is killed the system drops
/// it, so a stale `.lock` file never blocks the resume. The file is left in
/// place on release, since removing it would race with a process that has
/// just opened it.
public final class RunDirectoryLock {
    /// The lock file.
    public let path: String
    private var descriptor: Int32

    /// Takes the directory (creating it if needed; creating the lock file
    /// is also the early check that the directory can be written). Throws
    /// ``RunDirectoryError/locked(directory:pid:)`` when another run holds it
    /// and `FileIOError` when the directory cannot be written.
    public init(directory: String) throws {
        try createDirectories(directory)
        path = directory + "/.lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileIOError.fromErrno(path: path, operation: "create the run's lock file") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            close(descriptor)
            descriptor = -1
            if code == EWOULDBLOCK { throw RunDirectoryError.locked(directory: directory, pid: holder) }
            throw FileIOError(path: path, operation: "lock", code: code)
        }
        let pid = Array("\(getpid())\n".utf8)
        guard ftruncate(descriptor, 0) == 0, pid.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, $0.count, 0) }) == pid.count else {
            let error = FileIOError.fromErrno(path: path, operation: "write")
            release()
            throw error
        }
    }

    /// Gives the directory back (also done when the lock is deallocated or the process ends).
    public func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

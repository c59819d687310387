import Foundation
import Tensor

/// The one way the benchmarks start a process and wait for it: the runner's
/// workload processes, the peers' Python processes, B9's `mpirun` and B10's
/// `yt8m train`.
///
/// It spawns with `posix_spawn` and waits with `wait4`, not with Foundation's
/// `Process`, because `wait4` gives that one process's rusage (B10 reports
/// each `yt8m train`'s peak resident memory): `Process` reaps the child
/// itself without exposing it, and `RUSAGE_CHILDREN` is a maximum over all
/// children so far, not per run.
struct ChildProcess {
    /// Where the child's standard error goes.
    enum StandardError {
        /// A temporary log file, returned in ``Result/errorLog`` and removed
        /// at exit: for children whose standard error is noise unless they
        /// fail (the Python frameworks log their start-up there).
        case logged
        /// This process's standard error, as the child writes it: its
        /// warnings and failure messages show as they come.
        case inherited
    }

    /// What a child did, once it has exited.
    struct Result {
        /// The exit code, or 128 + the signal that ended the child (as a shell reports it).
        let status: Int32
        /// All the child wrote on standard output.
        let output: String
        /// All it wrote on standard error when that was ``StandardError/logged``
        /// (empty otherwise), for the caller to show when the child failed.
        let errorLog: String
        /// Seconds from the start to the exit.
        let wallSeconds: Double
        /// User plus system CPU seconds (of the child and the descendants it waited for).
        let cpuSeconds: Double
        /// Peak resident memory in MB (Linux reports KiB): the child's, or
        /// the largest of a descendant it waited for (mpirun's ranks).
        let peakMB: Double

        var succeeded: Bool { status == 0 }

        /// The last line of standard output: where the benchmark children print their JSON figures.
        var lastOutputLine: Substring? { output.split(separator: "\n").last }

        /// The last `count` lines of ``errorLog``, for a failure message.
        func errorLines(last count: Int) -> ArraySlice<Substring> { errorLog.split(separator: "\n").suffix(count) }
    }

    /// The program's path (absolute, or relative to the working directory; `PATH` is not searched).
    let executable: String
    var arguments: [String] = []
    /// The child's whole environment (this process's by default).
    var environment: [String: String] = ProcessInfo.processInfo.environment
    var standardError: StandardError = .logged

    /// This benchmark executable, for the processes that run it again in another mode.
    static var thisExecutable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    /// Starts the child, reads its standard output to the end and waits for
    /// it to exit. Throws ``ChildProcessError`` when it cannot be started
    /// (a child that starts and fails is a ``Result`` with a non-zero status).
    func run() throws -> Result {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }

        // Standard output: a pipe. Its descriptors are close-on-exec so that
        // only the child's descriptor 1 holds the write end, and reading
        // reaches the end when the child (and whatever inherited its output) exits.
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw ChildProcessError("cannot make a pipe for \(executable): \(errnoText())") }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        let output = FileHandle(fileDescriptor: readEnd, closeOnDealloc: true)
        let childOutput = FileHandle(fileDescriptor: writeEnd, closeOnDealloc: true)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)

        // Standard error, when logged: a fresh file (mkstemps, so concurrent runs
        // never share one), the child's descriptor 2, read back by path at exit.
        var log: (path: String, descriptor: Int32)?
        if standardError == .logged {
            var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("yt8m-child-XXXXXX.log").path.utf8CString)
            let descriptor = mkstemps(&template, 4)
            guard descriptor >= 0 else { throw ChildProcessError("cannot make a log file for \(executable): \(errnoText())") }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            log = (String(cString: template), descriptor)
            posix_spawn_file_actions_adddup2(&actions, descriptor, 2)
        }
        defer { if let log { close(log.descriptor); unlink(log.path) } }

        // As Foundation's Process does: the child starts with every signal at its
        // default action and none blocked, whatever this process changed.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        sigdelset(&signals, SIGKILL)
        sigdelset(&signals, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        let start = MonotonicClock.seconds()
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        // The child has its copy; this one would keep the pipe from ever ending.
        try? childOutput.close()
        guard spawned == 0 else { throw ChildProcessError("cannot start \(executable): \(String(cString: strerror(spawned)))") }

        // Read to the end before waiting: a child blocked on a full pipe would never exit.
        let data = output.readDataToEndOfFile()
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw ChildProcessError("waiting for \(executable): \(errnoText())") }
        }
        let wallSeconds = MonotonicClock.seconds() - start

        let errorLog = log.flatMap { FileManager.default.contents(atPath: $0.path) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitCode, output: String(decoding: data, as: UTF8.self), errorLog: errorLog,
                      wallSeconds: wallSeconds, cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime),
                      peakMB: Double(usage.ru_maxrss) / 1024)
    }

    private func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    private func errnoText() -> String { String(cString: strerror(errno)) }
}

/// A child process that could not be started or waited for.
struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import FileIO
import Tensor
import Foundation

/// CPU used by other processes, so a benchmark can wait for a quiet machine
/// and say how quiet it was. On these shared 2-core machines a busy second
/// core slows PyTorch's thread pool far more than the lost core explains
/// (B4 went from 0.6 s to 3–8 s a step), which would make ratios meaningless.
enum MachineLoad {
    /// Busy and total jiffies over all CPUs, from /proc/stat.
    static func jiffies() -> (busy: Double, total: Double) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return (0, 0) }
        let v = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard v.count >= 5 else { return (0, 0) }
        let total = v.reduce(0, +)
        return (total - v[3] - v[4], total)
    }

    /// CPU seconds used by this process's finished children so far.
    static func childrenCPUSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
            + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Waits (up to `maxWait` seconds) for a second in which other processes
    /// used under `threshold` of the machine; returns the last measured share.
    @discardableResult
    static func waitForQuiet(threshold: Double = 0.10, maxWait: Double = 120) -> Double {
        guard maxWait > 0 else { return 0 }
        let start = Date()
        var share = 1.0
        repeat {
            let a = jiffies()
            Thread.sleep(forTimeInterval: 1)
            let b = jiffies()
            share = b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0
            if share < threshold { return share }
        } while Date().timeIntervalSince(start) < maxWait
        writeToStandardError(String(format: "warning: the machine stayed busy (%.0f%% CPU used by other processes); figures will be noisy\n", share * 100))
        return share
    }

    /// Runs `body` (which runs one child process) and returns the share of
    /// the machine that *other* processes used meanwhile.
    static func foreignShare(during body: () throws -> Void) rethrows -> Double {
        let a = jiffies(), ownA = childrenCPUSeconds()
        try body()
        let b = jiffies(), ownB = childrenCPUSeconds()
        let total = (b.total - a.total) / ticksPerSecond
        guard total > 0 else { return 0 }
        let busy = (b.busy - a.busy) / ticksPerSecond
        return max(0, busy - (ownB - ownA)) / total
    }
}

import Foundation
import Tensor

/// Wall-clock timing with warm-up and the median of the timed runs.
enum Timing {
    /// Untimed steps before the timed ones in one round (`--warmup`).
    static var warmupSteps = 2
    /// Timed steps in one round (`--steps`); the round reports their median.
    static var timedSteps = 10

    /// Runs `body` `warmup` times untimed, then `runs` times; the median in ms.
    static func medianMilliseconds(warmup: Int = warmupSteps, runs: Int = timedSteps, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = MonotonicClock.seconds()
            body()
            times.append((MonotonicClock.seconds() - t0) * 1000)
        }
        return median(times)
    }

    /// Runs `body` with GEMM timing on; its result and the GFLOP/s inside
    /// the GEMM calls it made (warm-up included: the same calls repeat).
    static func withGemmRate<R>(_ body: () -> R) -> (R, Double) {
        Gemm.timing.reset()
        Gemm.timing.isEnabled = true
        let result = body()
        Gemm.timing.isEnabled = false
        let totals = Gemm.timing.totals
        return (result, totals.flop / totals.seconds / 1e9)
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Peak resident memory of this process in MB (Linux reports KiB).
    static func peakResidentMB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}

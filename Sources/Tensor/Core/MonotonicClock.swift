import Foundation

/// The system's monotonic clock, for measuring durations: GEMM timing here,
/// step and progress times in Training, the benchmarks' timed steps.
///
/// Unlike `Date`, it never jumps when the wall clock is set (NTP, the user),
/// so the difference of two readings is always the time that passed.
public enum MonotonicClock {
    /// Seconds since an arbitrary fixed point (`CLOCK_MONOTONIC`); only
    /// differences of two readings mean anything.
    public static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

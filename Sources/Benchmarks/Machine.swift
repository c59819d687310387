import CBLAS
import CMachineProbe
import Foundation
import Tensor

/// What the benchmark figures were measured on: the CPU, its vector ISAs,
/// the measured fp32 FMA ceiling of each on the benchmark's threads, and the
/// OpenBLAS build and core in use. A ratio means little without it: the same
/// code runs at half the speed on the same CPU when OpenBLAS is pinned to its
/// AVX2 kernels.
struct Machine: Codable {
    /// `model name` of /proc/cpuinfo with its family and model numbers.
    var cpu: String
    /// The vector ISAs the probe can use here, best last ("avx2", "avx512").
    var isas: [String]
    /// Measured fp32 FMA GFLOP/s on `threads` threads, by ISA.
    var fmaCeilingGFLOPs: [String: Double]
    var threads: Int
    /// `openblas_get_config()`: version and build options.
    var openblasConfig: String
    /// The OpenBLAS variables of the runner's environment (nil when unset).
    var openblasVariables: [String: String]

    /// The ISA with the highest ceiling, or nil when none was measured.
    var bestISA: String? { fmaCeilingGFLOPs.max { $0.value < $1.value }?.key }

    /// The environment variables that pin OpenBLAS's kernels and caches. The
    /// machines here set them for the tests and CI; the runner never changes
    /// them, but can run a column of children without them.
    static let openblasVariableNames = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]

    static func describe(threads: Int) -> Machine {
        let env = ProcessInfo.processInfo.environment
        var ceilings: [String: Double] = [:]
        var isas: [String] = []
        if mp_has_avx2_fma() != 0 {
            isas.append("avx2")
            ceilings["avx2"] = fmaCeiling(threads: threads, avx512: false)
        }
        if mp_has_avx512f() != 0 {
            isas.append("avx512")
            ceilings["avx512"] = fmaCeiling(threads: threads, avx512: true)
        }
        return Machine(cpu: cpuName(), isas: isas, fmaCeilingGFLOPs: ceilings, threads: threads,
                       openblasConfig: String(cString: openblas_get_config()),
                       openblasVariables: env.filter { openblasVariableNames.contains($0.key) })
    }

    /// The OpenBLAS core this process loaded (OPENBLAS_CORETYPE decides it
    /// when set), e.g. "Haswell" or "SkylakeX".
    static func openblasCore() -> String { String(cString: openblas_get_corename()) }

    /// The ISA of an OpenBLAS core's kernels, so B0 can be set against the
    /// ceiling of the ISA it actually runs.
    static func isa(ofOpenBLASCore core: String) -> String? {
        switch core.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return "avx512"
        case "haswell", "zen", "skylake": return "avx2"
        default: return nil
        }
    }

    /// The best of three timed runs of the probe on every thread at once,
    /// each about 0.3 s long once a first run has sized it.
    private static func fmaCeiling(threads: Int, avx512: Bool) -> Double {
        func run(_ iterations: Int) -> (flop: Double, seconds: Double) {
            let start = MonotonicClock.seconds()
            let flop = Atomic()
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                flop.add(avx512 ? mp_fma_avx512(iterations) : mp_fma_avx2(iterations))
            }
            return (flop.value, MonotonicClock.seconds() - start)
        }
        let trial = run(10_000_000)
        let iterations = max(1, Int(10_000_000 * 0.3 / max(trial.seconds, 1e-3)))
        let best = (0..<3).map { _ in run(iterations) }.map { $0.flop / $0.seconds }.max()!
        return best / 1e9
    }

    private static func cpuName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        func field(_ name: String) -> String? {
            for line in text.split(separator: "\n") where line.hasPrefix(name) {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        let name = field("model name") ?? "unknown CPU"
        guard let family = field("cpu family"), let model = field("model") else { return name }
        return "\(name) (family \(family), model \(model))"
    }
}

/// A sum several threads add to.
private final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var sum = 0.0
    func add(_ x: Double) { lock.lock(); sum += x; lock.unlock() }
    var value: Double { lock.lock(); defer { lock.unlock() }; return sum }
}

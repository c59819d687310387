import CKernels
import Foundation

/// Float32 exp and tanh written branch-free (Cephes expf/tanhf polynomials,
/// ~1–2 ulp) so the loop vectoriser turns a plain loop over them into SIMD
/// code: exp, sigmoid and tanh then run near memory speed instead of one
/// libm call per element (on x86 the CKernels AVX2 and AVX-512 loops, the
/// same arithmetic, run instead when ``isa`` allows). float64 keeps libm:
/// it is the gradient-check type, where accuracy matters more than speed. Public and inlinable so
/// kernels outside Tensor (custom ops) vectorise the same way.
public enum VectorMath {
    /// The instruction sets the float32 kernels are built for, narrowest first.
    public enum ISA: Int, Comparable, CaseIterable, Sendable {
        /// The Swift loops, compiled for baseline x86-64 (SSE2) or arm64.
        case portable
        /// The CKernels loops built for AVX2 + FMA, 8 lanes.
        case avx2
        /// The CKernels loops built for AVX-512 (F, DQ, BW, VL), 16 lanes.
        case avx512

        /// The name ``VectorMath/kernels`` reports: `portable`, `avx2+fma` or `avx512`.
        public var name: String { ["portable", "avx2+fma", "avx512"][rawValue] }

        /// Orders by width, so `min` caps one set at another.
        public static func < (a: ISA, b: ISA) -> Bool { a.rawValue < b.rawValue }
    }

    /// The widest set this CPU runs (`ck_cpu_isa`: AVX-512 needs F, DQ, BW
    /// and VL besides AVX2 and FMA); always `portable` off x86.
    public static var cpuISA: ISA { ISA(rawValue: Int(ck_cpu_isa())) ?? .portable }

    /// The set the kernels run with, from the CPU's and a cap in
    /// `TENSOR_VECTOR_KERNELS`. The one place the choice is made: every
    /// dispatch site switches on this, and a test of one path passes its
    /// `isa` explicitly instead.
    public static let isa: ISA = {
        let value = ProcessInfo.processInfo.environment["TENSOR_VECTOR_KERNELS"]
        guard let chosen = select(cpu: cpuISA, environment: value) else {
            // An environment variable is outside input: a typo must not stop a
            // training run, so say so and run the CPU's own kernels.
            fputs("warning: TENSOR_VECTOR_KERNELS=\(value ?? "") is not portable, avx2 or avx512; "
                  + "using the CPU's \(cpuISA.name) kernels\n", stderr)
            return cpuISA
        }
        return chosen
    }()

    /// The kernels' set for a CPU running `cpu` and `TENSOR_VECTOR_KERNELS`
    /// set to `environment`: unset or empty, the CPU's; `portable`, `avx2`
    /// (or `avx2+fma`, the name ``kernels`` reports) or `avx512`, that set
    /// capped at the CPU's (`avx2` keeps the AVX2 path
    /// testable on an AVX-512 machine; CI runs the suite once with
    /// `portable`, the path arm64 and pre-AVX2 CPUs take); nil for any other
    /// value. Pure, so tests check it without setting the variable.
    public static func select(cpu: ISA, environment: String?) -> ISA? {
        switch environment {
        case nil, "": return cpu
        case "portable": return .portable
        case "avx2", "avx2+fma": return min(cpu, .avx2)
        case "avx512": return min(cpu, .avx512)
        default: return nil
        }
    }

    /// The element-wise kernels in use: `avx512`, `avx2+fma` or `portable`.
    public static var kernels: String { isa.name }

    /// `avx512` or `avx2` for those sets and nil for `portable`: each
    /// dispatch site names its kernel's two C forms once and runs the Swift
    /// loop on nil.
    @inline(__always)
    package static func pick<F>(_ isa: ISA, avx512: F, avx2: F) -> F? {
        switch isa {
        case .avx512: return avx512
        case .avx2: return avx2
        case .portable: return nil
        }
    }

    /// The float32 functions with AVX2 and AVX-512 span kernels.
    package enum Function: Sendable {
        case exp, sigmoid, tanh
    }

    /// y[i] = f(x[i]) for i in 0..<n on the calling thread with the kernels
    /// of `isa` (a parameter so tests run every path). y may be x (in
    /// place) but must not otherwise overlap it.
    package static func apply(_ f: Function, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                              isa: ISA = isa) {
        typealias Kernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void
        let simd: Kernel?
        switch f {
        case .exp: simd = pick(isa, avx512: ck_exp_avx512, avx2: ck_exp_avx2)
        case .sigmoid: simd = pick(isa, avx512: ck_sigmoid_avx512, avx2: ck_sigmoid_avx2)
        case .tanh: simd = pick(isa, avx512: ck_tanh_avx512, avx2: ck_tanh_avx2)
        }
        if let simd { return simd(x, y, n) }
        // Loops written out (not through a closure) so each one is inlined and vectorised.
        switch f {
        case .exp: for i in 0..<n { y[i] = exp(x[i]) }
        case .sigmoid: for i in 0..<n { y[i] = sigmoid(x[i]) }
        case .tanh: for i in 0..<n { y[i] = tanh(x[i]) }
        }
    }

    /// eˣ: x = n·ln2 + r, eʳ by a degree-6 polynomial, 2ⁿ through the exponent bits.
    /// Results below float32's normal range (x < −87.34) are flushed to 0.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        let xc = Swift.min(Swift.max(x, -87.33654), 88.72283)
        // Round x·log2(e) to an integer with the 1.5·2²³ trick: the integer
        // lands in the low mantissa bits of t.
        let t = xc * 1.44269504088896341 + 12582912
        let n = t - 12582912
        let r = xc - n * 0.693359375 + n * 2.12194440e-4          // ln2 split in two for exactness
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        p = p * r * r + r + 1
        let k = Int32(bitPattern: t.bitPattern) &- Int32(bitPattern: Float(12582912).bitPattern)
        // 2ᵏ as two factors 2^(k>>1)·2^(k−k>>1): k reaches 128 near the
        // overflow limit, one exponent field past the largest finite power.
        let h = k &>> 1
        let s1 = Float(bitPattern: UInt32(bitPattern: (h &+ 127) &<< 23))
        let s2 = Float(bitPattern: UInt32(bitPattern: (k &- h &+ 127) &<< 23))
        let y = p * s1 * s2
        return x > 88.72283 ? .infinity : (x < -87.33654 ? 0 : (x != x ? x : y))
    }

    /// tanh: an odd polynomial for |x| < 0.625, else sign(x)·(1 − 2/(e^{2|x|} + 1)).
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let ax = Float(bitPattern: x.bitPattern & 0x7FFF_FFFF)
        let z = x * x
        var p: Float = -5.70498872745e-3
        p = p * z + 2.06390887954e-2
        p = p * z - 5.37397155531e-2
        p = p * z + 1.33314422036e-1
        p = p * z - 3.33332819422e-1
        let small = x + x * z * p
        let large = 1 - 2 / (exp(2 * ax) + 1)
        let signed = Float(bitPattern: large.bitPattern | (x.bitPattern & 0x8000_0000))
        return ax < 0.625 ? small : signed
    }

    /// 1 / (1 + e⁻ˣ)
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
}

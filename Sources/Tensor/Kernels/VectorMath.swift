import CKernels
import Foundation

/// Float32 exp and tanh written branch-free (Cephes expf/tanhf polynomials,
/// ~1–2 ulp) so the loop vectoriser turns a plain loop over them into SIMD
/// code: exp, sigmoid and tanh then run near memory speed instead of one
/// libm call per element. float64 keeps libm: it is the gradient-check
/// type, where accuracy matters more than speed. Public and inlinable so
/// kernels outside Tensor (custom ops) vectorise the same way.
public enum VectorMath {
    /// Whether the AVX2 + FMA loops of the CKernels target run here: the CPU
    /// has them and `TENSOR_VECTOR_KERNELS=portable` does not switch them off.
    static let hasAVX2: Bool = ck_has_avx2_fma() != 0 && !portableOnly

    /// `TENSOR_VECTOR_KERNELS=portable`: only the portable Swift loops run,
    /// as on a CPU without AVX2 or on arm64. CI runs the test suite once
    /// this way, so that path is tested on every machine.
    static let portableOnly = ProcessInfo.processInfo.environment["TENSOR_VECTOR_KERNELS"] == "portable"

    /// The element-wise kernels in use: `avx2+fma` or `portable`.
    public static var kernels: String { hasAVX2 ? "avx2+fma" : "portable" }

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

import XCTest
@testable import Tensor

/// The packed-operand GEMM (`Gemm.PackedOperand`, the recurrences' per-step
/// product) on each path this CPU runs, against float64 products of the same
/// float32 inputs, computed here. The shapes cover whole tiles and every
/// remainder: rows 1…25 (the AVX2 tile is 6 rows, the AVX-512 one 12),
/// columns short of, equal to and past a panel (16 or 32), and depths past
/// one pass (512 for AVX2, 256 for AVX-512). The bound on C[i, j] is the
/// standard one for a float32 dot product of length k, (k + 2)·u·Σₚ|a_ip·b_pj|
/// plus the rounding of beta·c, with u = 2⁻²⁴.
final class PackedGemmTests: XCTestCase {
    func testPortablePath() throws { try check(.portable) }
    func testAVX2Path() throws { try check(.avx2) }
    func testAVX512Path() throws { try check(.avx512) }

    func check(_ isa: VectorMath.ISA) throws {
        guard isa <= VectorMath.cpuISA else {
            throw XCTSkip("\(isa.name) GEMM: this CPU runs only up to \(VectorMath.cpuISA.name)")
        }
        var rng = RandomGenerator(seed: 11)
        let shapes: [(m: Int, n: Int, k: Int)] = [
            (1, 1, 1), (5, 15, 7), (6, 16, 512), (7, 17, 513), (12, 32, 256), (13, 33, 257), (25, 100, 600),
            (32, 2048 / 16, 64), (11, 31, 1030),
        ]
        for (m, n, k) in shapes {
            for transposed in [false, true] {
                for beta: Float in [0, 1, 0.5] {
                    checkProduct(m: m, n: n, k: k, transposed: transposed, beta: beta, isa: isa, rng: &rng)
                }
            }
        }
    }

    func checkProduct(m: Int, n: Int, k: Int, transposed: Bool, beta: Float, isa: VectorMath.ISA,
                      rng: inout RandomGenerator) {
        // Strides wider than the rows, so a kernel reading past a row is caught.
        let lda = k + 3, ldb = (transposed ? k : n) + 2, ldc = n + 5
        let a = (0..<(m * lda)).map { _ in Float(rng.uniform(-1, 1)) }
        let b = (0..<((transposed ? n : k) * ldb)).map { _ in Float(rng.uniform(-1, 1)) }
        // With beta 0, C starts as NaN: the kernel must not read it.
        var c = (0..<(m * ldc)).map { _ in beta == 0 ? Float.nan : Float(rng.uniform(-1, 1)) }
        let before = c
        let packed = b.withUnsafeBufferPointer {
            Gemm.PackedOperand($0.baseAddress!, ldb: ldb, transposed: transposed, rows: k, columns: n, isa: isa)
        }
        XCTAssertEqual(packed.isa, isa)
        a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                Gemm.run(m: m, a: a.baseAddress!, lda: lda, times: packed, c: c.baseAddress!, ldc: ldc, beta: beta)
            }
        }
        let what = "\(isa.name) m \(m) n \(n) k \(k) transposed \(transposed) beta \(beta)"
        let u = 0x1p-24
        var failures = 0
        for i in 0..<m {
            for j in 0..<ldc {
                let got = c[i * ldc + j]
                guard j < n else {
                    // Past the row's n columns C is untouched.
                    if got.bitPattern != before[i * ldc + j].bitPattern { failures += 1 }
                    continue
                }
                var sum = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let bpj = Double(transposed ? b[j * ldb + p] : b[p * ldb + j])
                    sum += Double(a[i * lda + p]) * bpj
                    magnitude += Swift.abs(Double(a[i * lda + p]) * bpj)
                }
                let old = beta == 0 ? 0 : Double(before[i * ldc + j])
                let want = sum + Double(beta) * old
                let bound = Double(k + 2) * u * magnitude + 2 * u * Swift.abs(Double(beta) * old) + Double(Float.leastNormalMagnitude)
                if !(Swift.abs(Double(got) - want) <= bound) {
                    if failures < 5 { XCTFail("\(what): C[\(i), \(j)] = \(got), float64 \(want), off by more than \(bound)") }
                    failures += 1
                }
            }
        }
        XCTAssertEqual(failures, 0, what)
    }

    /// The operand is a copy: changing the buffer it was packed from does
    /// not change later products.
    func testTheOperandOwnsItsCopy() {
        var b: [Float] = [1, 2, 3, 4]  // B [2, 2]
        let packed = b.withUnsafeBufferPointer {
            Gemm.PackedOperand($0.baseAddress!, ldb: 2, transposed: false, rows: 2, columns: 2)
        }
        b = [0, 0, 0, 0]
        let a: [Float] = [1, 1]
        var c: [Float] = [0, 0]
        Gemm.run(m: 1, a: a, lda: 2, times: packed, c: &c, ldc: 2)
        XCTAssertEqual(c, [4, 6], "[1 1]·[[1 2] [3 4]]")
        XCTAssertEqual(b, [0, 0, 0, 0])
    }
}

import Foundation
import XCTest
@testable import Tensor

/// Every float32 kernel with AVX2 and AVX-512 forms (exp, sigmoid, tanh,
/// row softmax and log-softmax, row layer norm, the Adam, RMSprop and SGD
/// updates) on each instruction set this CPU runs, against float64
/// references computed here from the same float32 inputs. Errors are counted
/// in float32 ulps of a stated scale, with float32's smallest normal value as
/// the least unit: the kernels flush results below the normal range to zero
/// (documented), and denormal inputs carry only absolute precision. Each
/// bound is derived where it is asserted.
final class KernelPathTests: XCTestCase {
    func testPortableKernels() throws { try checkKernels(.portable) }
    func testAVX2Kernels() throws { try checkKernels(.avx2) }
    func testAVX512Kernels() throws { try checkKernels(.avx512) }

    func checkKernels(_ isa: VectorMath.ISA) throws {
        guard isa <= VectorMath.cpuISA else {
            throw XCTSkip("\(isa.name) kernels: this CPU runs only up to \(VectorMath.cpuISA.name)")
        }
        checkTranscendentals(isa)
        checkSoftmax(isa)
        checkLayerNorm(isa)
        checkAdam(isa)
        checkRMSprop(isa)
        checkSGD(isa)
    }

    /// `TENSOR_VECTOR_KERNELS` caps the CPU's set (`avx2` keeps the AVX2 path
    /// testable on an AVX-512 machine), checked on the pure selection so no
    /// variable is set in-process; and this process runs what its own
    /// variable selects (CI runs the suite with `portable` and these tests
    /// with `avx2`).
    func testTheEnvironmentCapsTheInstructionSet() {
        XCTAssertEqual(VectorMath.select(cpu: .avx512, environment: nil), .avx512)
        XCTAssertEqual(VectorMath.select(cpu: .avx512, environment: ""), .avx512)
        XCTAssertEqual(VectorMath.select(cpu: .avx512, environment: "avx2"), .avx2)
        XCTAssertEqual(VectorMath.select(cpu: .avx512, environment: "avx2+fma"), .avx2, "the name `kernels` reports")
        XCTAssertEqual(VectorMath.select(cpu: .avx512, environment: "portable"), .portable)
        XCTAssertEqual(VectorMath.select(cpu: .avx512, environment: "avx512"), .avx512)
        XCTAssertEqual(VectorMath.select(cpu: .avx2, environment: "avx512"), .avx2)
        XCTAssertEqual(VectorMath.select(cpu: .avx2, environment: nil), .avx2)
        XCTAssertEqual(VectorMath.select(cpu: .avx2, environment: "portable"), .portable)
        XCTAssertEqual(VectorMath.select(cpu: .portable, environment: "avx2"), .portable)
        XCTAssertEqual(VectorMath.select(cpu: .portable, environment: nil), .portable)
        XCTAssertNil(VectorMath.select(cpu: .avx512, environment: "sse4"))
        XCTAssertEqual(VectorMath.ISA.allCases.map(\.name), ["portable", "avx2+fma", "avx512"])
        let value = ProcessInfo.processInfo.environment["TENSOR_VECTOR_KERNELS"]
        // A value select rejects is reported and the CPU's own set runs.
        XCTAssertEqual(VectorMath.isa, VectorMath.select(cpu: VectorMath.cpuISA, environment: value) ?? VectorMath.cpuISA)
        XCTAssertEqual(VectorMath.kernels, VectorMath.isa.name)
    }

    /// Whole rows and element ranges go to one thread, so one thread and
    /// several give the same bits.
    func testResultsDoNotDependOnTheThreadCount() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 5)
        let x = Tensor.normal([64, 1001], mean: 0, std: 3, dtype: .float32, using: &rng)
        func outputs() -> [[Float]] {
            [exp(x).floats, tanh(x).floats, sigmoid(x).floats, softmax(x).floats, logSoftmax(x).floats,
             layerNormalize(x).floats]
        }
        Parallel.threads = 1
        let one = outputs()
        Parallel.threads = 3
        XCTAssertEqual(one, outputs())
    }

    // MARK: the error measure

    /// |got − want| in float32 ulps of `scale` (|want| unless given), the
    /// unit at least float32's smallest normal value; 0 when both are NaN or
    /// the same infinity, +∞ when only one is.
    static func ulps(_ got: Float, _ want: Double, scale: Double? = nil) -> Double {
        if want.isNaN || got.isNaN { return want.isNaN && got.isNaN ? 0 : .infinity }
        let rounded = Float(want)
        if rounded.isInfinite || got.isInfinite { return got == rounded ? 0 : .infinity }
        let unit = Swift.max(Double(Float(Swift.abs(scale ?? want)).ulp), Double(Float.leastNormalMagnitude))
        return Swift.abs(Double(got) - want) / unit
    }

    /// Fails (once per element, and only then: the sweeps are long) when
    /// `got` is more than `bound` ulps from `want`.
    func assertWithin(_ bound: Double, _ got: Float, _ want: Double, scale: Double? = nil,
                      _ what: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
        let error = Self.ulps(got, want, scale: scale)
        if !(error <= bound) {
            XCTFail("\(what()) = \(got), float64 reference \(want): \(error) ulp > \(bound)", file: file, line: line)
        }
    }

    /// A float32 denormal (2⁻¹³⁶), written so no literal underflows.
    static let denormal = Float.leastNormalMagnitude / 1024

    // MARK: exp, sigmoid, tanh

    /// A dense sweep over the whole range (tanh's switch at 0.625, exp's
    /// overflow and underflow limits), then the edges: ±0, tiny, denormal,
    /// huge, ±∞ and NaN.
    static let transcendentalInputs: [Float] = {
        var xs = stride(from: -90.0, through: 90.0, by: 0.01).map { Float($0) }
        xs += [0, -0.0, 1e-8, -1e-8, 0.625, -0.625, 0.6249, 88.7, 88.73, -87.3, -87.34, -87.35, 100, -100, 1e30, -1e30,
               .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
               denormal, -denormal, .leastNormalMagnitude, .infinity, -.infinity, .nan]
        return xs
    }()

    func checkTranscendentals(_ isa: VectorMath.ISA) {
        let xs = Self.transcendentalInputs
        XCTAssertNotEqual(xs.count % 16, 0, "the sweep should end in a partial vector")
        let ops: [(UnaryOp, VectorMath.Function, (Double) -> Double)] = [
            (.exp, .exp, { Foundation.exp($0) }),
            (.sigmoid, .sigmoid, { 1 / (1 + Foundation.exp(-$0)) }),
            (.tanh, .tanh, { Foundation.tanh($0) }),
        ]
        for (op, f, reference) in ops {
            // Suffixes of the inputs: nothing, one element, one short of and
            // one past a 16-lane vector (all edges), and all but the first
            // element (an unaligned start); a sentinel checks nothing is
            // written past the end.
            for n in [0, 1, 15, 17, xs.count - 1] {
                let start = xs.count - n
                var y = [Float](repeating: 7, count: n + 1)
                xs.withUnsafeBufferPointer { x in
                    y.withUnsafeMutableBufferPointer { y in
                        XCTAssertTrue(op.vectorForward(x.baseAddress! + start, y.baseAddress!, n, isa: isa))
                    }
                }
                XCTAssertEqual(y[n], 7, "\(isa.name) \(op.name) wrote past \(n) elements")
                // In place (the recurrences activate their gates so): the same bits.
                var inPlace = Array(xs[start...])
                inPlace.withUnsafeMutableBufferPointer { p in
                    if let base = p.baseAddress { VectorMath.apply(f, base, base, n, isa: isa) }
                }
                XCTAssertTrue(zip(inPlace, y).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(isa.name) \(op.name) in place, n \(n)")
                for i in 0..<n {
                    // 4 ulp: the Cephes polynomials are within ~2 ulp of eʳ
                    // and of tanh's small branch, the 2ⁿ scaling is exact, and
                    // sigmoid and tanh's large branch add an addition and a
                    // division (0.5 ulp each) to exp's error, which
                    // e/(1 + e) ≤ 1 does not amplify.
                    let v = xs[start + i]
                    assertWithin(4, y[i], reference(Double(v)), "\(isa.name) \(op.name)(\(v))")
                }
            }
        }
    }

    // MARK: softmax and log-softmax

    func checkSoftmax(_ isa: VectorMath.ISA) {
        var rng = RandomGenerator(seed: 11)
        for n in [1, 3, 15, 16, 17, 33, 100, 257] {
            // Random logits of a small and of a wide spread, denormal-range
            // and huge values, a one-hot row with −∞ elsewhere, and a NaN.
            let rows: [[Float]] = [
                (0..<n).map { _ in Float.random(in: -10...10, using: &rng) },
                (0..<n).map { _ in Float.random(in: -60...60, using: &rng) },
                (0..<n).map { $0 % 2 == 0 ? Self.denormal : -Self.denormal },
                (0..<n).map { $0 % 3 == 0 ? 1e30 : -1e30 },
                (0..<n).map { $0 == n / 2 ? 1 : -.infinity },
                (0..<n).map { $0 == n - 1 ? .nan : Float($0) },
            ]
            let x = rows.flatMap { $0 }
            for log in [false, true] {
                var y = [Float](repeating: 0, count: x.count)
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeMutableBufferPointer { y in
                        SoftmaxKernel.forwardFloat(x.baseAddress!, y.baseAddress!, outer: rows.count, n: n, inner: 1,
                                                   log: log, isa: isa)
                    }
                }
                for (r, row) in rows.enumerated() {
                    if row.contains(where: \.isNaN) {
                        XCTAssertTrue(y[(r * n)..<(r * n + n)].allSatisfy(\.isNaN), "\(isa.name) softmax of a row with a NaN")
                        continue
                    }
                    let m = Double(row.max()!)
                    let d = row.map { Double($0) - m }, e = d.map { Foundation.exp($0) }, s = e.reduce(0, +)
                    // The sum's relative error in ulps: each term's (4 for exp,
                    // and |x − m| from rounding the float32 difference, which
                    // exp turns into a relative error), weighted by the term,
                    // plus the rounding of n terms in 8 or 16 partial sums, a
                    // tail and their tree (≤ n/8 + 20 additions).
                    let sumError = 4 + zip(d, e).reduce(0) { $0 + ($1.1 > 0 ? $1.1 / s * Swift.abs($1.0) : 0) }
                        + Double(n) / 8 + 20
                    for i in 0..<n {
                        let got = y[r * n + i], what = "\(isa.name) \(log ? "log-softmax" : "softmax") n \(n) row \(r) [\(i)]"
                        if log {
                            // x − (m + log s): the shift's and the result's
                            // roundings (1.5 ulp) and log's error, the sum's
                            // relative error as an absolute one, all in ulps
                            // of the operands (at least 1, where an absolute
                            // error of 2⁻²³ is one ulp).
                            let scale = Swift.max(Swift.abs(Double(row[i])), Swift.abs(m) + Swift.abs(Foundation.log(s)), 1)
                            assertWithin(sumError + 3, got, d[i] - Foundation.log(s), scale: scale, what)
                        } else {
                            // e/s: the term's own error (4 + |x − m|), the sum's,
                            // and the reciprocal's and product's roundings.
                            assertWithin(4 + Swift.min(Swift.abs(d[i]), 100) + sumError + 1, got, e[i] / s, what)
                        }
                    }
                }
            }
        }
    }

    // MARK: layer norm

    func checkLayerNorm(_ isa: VectorMath.ISA) {
        var rng = RandomGenerator(seed: 12)
        let epsilon: Float = 1e-5
        for n in [1, 2, 15, 16, 17, 100, 257] {
            // Centred values, a large mean, a constant row (σ² = 0), denormal
            // and ±1e15 values, a NaN and an infinity.
            let rows: [[Float]] = [
                (0..<n).map { _ in Float.random(in: -3...3, using: &rng) },
                (0..<n).map { _ in 100 + Float.random(in: -1...1, using: &rng) },
                [Float](repeating: 5, count: n),
                (0..<n).map { $0 % 2 == 0 ? Self.denormal : -3 * Self.denormal },
                (0..<n).map { _ in Float.random(in: -1e15...1e15, using: &rng) },
                (0..<n).map { $0 == 0 ? .nan : 1 },
                (0..<n).map { $0 == n - 1 ? .infinity : 1 },
            ]
            let x = rows.flatMap { $0 }
            var y = [Float](repeating: 0, count: x.count), rstd = [Float](repeating: 0, count: rows.count)
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    rstd.withUnsafeMutableBufferPointer { rstd in
                        LayerNormKernel.forwardFloat(x.baseAddress!, y.baseAddress!, rstd.baseAddress!, rows: rows.count, n: n,
                                                     epsilon: epsilon, isa: isa)
                    }
                }
            }
            for (r, row) in rows.enumerated() {
                let xs = row.map(Double.init), mean = xs.reduce(0, +) / Double(n)
                let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
                let rs = 1 / (variance + Double(epsilon)).squareRoot()
                let meanAbs = xs.reduce(0) { $0 + Swift.abs($1) } / Double(n)
                let what = "\(isa.name) layer norm n \(n) row \(r)"
                // 1/√(σ² + ε): two passes, so the mean's error cancels from
                // the variance to first order; the squares' sum (n/8 + 20
                // roundings of 2⁻²⁴), halved by the root, plus the centring,
                // squaring, root and division: n/8 + 24 ulp (2⁻²³ units).
                assertWithin(Double(n) / 8 + 24, rstd[r], rs, "\(what) rstd")
                for i in 0..<n {
                    // (x − μ)·r: the mean's error (its sum's n/8 + 20 roundings
                    // of Σ|x|) scaled by r, in ulps of r·mean|x|, and the
                    // relative error of r in ulps of y, both within ulps of the
                    // larger of the two: n/4 + 48.
                    let want = (xs[i] - mean) * rs
                    assertWithin(Double(n) / 4 + 48, y[r * n + i], want, scale: Swift.max(Swift.abs(want), rs * meanAbs),
                                 "\(what) [\(i)]")
                }
            }
        }
    }

    // MARK: optimizer updates

    /// Weights in [−1, 1], gradients of either sign with 0.1 ≤ |g| ≤ 10 (so an
    /// L2 term of 0.01·w cannot cancel them), and state of the gradient's
    /// sign, so no update cancels itself and relative errors stay bounded;
    /// then the edges: zero state and gradient, huge (1e15) and
    /// denormal-range gradients, NaN and ∞. 1003 elements: not a multiple of 16.
    static func optimizerInputs(seed: UInt64) -> (w: [Float], g: [Float], state: [Float]) {
        var rng = RandomGenerator(seed: seed)
        var w: [Float] = [], g: [Float] = [], state: [Float] = []
        for _ in 0..<997 {
            let gi = Float.random(in: 0.1...10, using: &rng) * (Bool.random(using: &rng) ? 1 : -1)
            w.append(Float.random(in: -1...1, using: &rng))
            g.append(gi)
            state.append(gi * Float.random(in: 0...2, using: &rng))
        }
        w += [0.5, -0.5, 0.25, 0.75, 1, -1]
        g += [0, 1e15, -denormal, .nan, .infinity, -3]
        state += [0, 0, 0, 0, 0, 0]
        return (w, g, state)
    }

    /// Runs `body` over 0..<n in two chunks, so each kernel's offset into its
    /// buffers is tested as well as its start.
    func inTwoChunks(_ n: Int, _ body: (Range<Int>) -> Void) {
        body(0..<5)
        body(5..<n)
    }

    func checkAdam(_ isa: VectorMath.ISA) {
        let (w0, g, m0) = Self.optimizerInputs(seed: 21)
        let n = w0.count
        let v0 = g.map { $0.isFinite ? $0 * $0 * 0.5 : 0 }
        let b1: Float = 0.9, b2: Float = 0.999, eps: Float = 1e-8
        let stepSize = Float(1e-3 / (1 - pow(0.9, 3.0))), invC2 = 1 / Float((1 - pow(0.999, 3.0)).squareRoot())
        // Adam (L2 added to the gradient) and AdamW (decoupled decay of the weights).
        for (l2, wDecay) in [(Float(0.01), Float(1)), (Float(0), Float(1 - 1e-5))] {
            var w = w0, m = m0, v = v0
            inTwoChunks(n) { r in
                OptimizerKernels.adamFloat(r, w: &w, g: g, m: &m, v: &v, b1: b1, b2: b2, eps: eps, l2: l2, wDecay: wDecay,
                                           stepSize: stepSize, invC2: invC2, isa: isa)
            }
            let (B1, B2, L2) = (Double(b1), Double(b2), Double(l2))
            for i in 0..<n {
                let wi = Double(w0[i]), gi = Double(g[i]) + L2 * wi, gScale = Swift.max(Swift.abs(Double(g[i])), Swift.abs(L2 * wi))
                let mi = B1 * Double(m0[i]) + (1 - B1) * gi, vi = B2 * Double(v0[i]) + (1 - B2) * gi * gi
                let decayed = wi * Double(wDecay), delta = Double(stepSize) * mi / (vi.squareRoot() * Double(invC2) + Double(eps))
                let what = "\(isa.name) Adam l2 \(l2) [\(i)] g \(g[i])"
                // m: g + l2·w rounds (0.5 ulp of the larger), then two
                // products and a sum: 3 ulp of the larger term.
                assertWithin(3, m[i], mi, scale: Swift.max(B1 * Swift.abs(Double(m0[i])), (1 - B1) * gScale), "\(what) m")
                // v: the gradient's rounding doubled by the square: 4 ulp.
                assertWithin(4, v[i], vi, scale: Swift.max(B2 * Double(v0[i]), (1 - B2) * gScale * gScale), "\(what) v")
                // w: Δ's relative error is m's 3, half v's 4 under the root and
                // five roundings of 0.5; the decay and the subtraction add 1.5:
                // 10 ulp of the largest of w·decay, Δ and the result.
                let wScale = Swift.max(Swift.abs(decayed), Swift.abs(delta), Swift.abs(decayed - delta))
                assertWithin(10, w[i], decayed - delta, scale: wScale, "\(what) w")
            }
        }
    }

    func checkRMSprop(_ isa: VectorMath.ISA) {
        let (w0, g, b0) = Self.optimizerInputs(seed: 22)
        let n = w0.count
        // v ≥ g² and ḡ ≤ 0.1·|g|, so v − ḡ² cannot cancel.
        let v0 = g.map { $0.isFinite ? $0 * $0 * 1.5 : 0 }, mean0 = g.map { $0.isFinite ? $0 * 0.05 : 0 }
        let lr: Float = 0.01, alpha: Float = 0.99, eps: Float = 1e-8, wd: Float = 0.01
        for (momentum, centered) in [(Float(0), false), (Float(0.9), false), (Float(0), true), (Float(0.9), true)] {
            var w = w0, v = v0, b = b0, mean = mean0
            w.withUnsafeMutableBufferPointer { w in
                v.withUnsafeMutableBufferPointer { v in
                    b.withUnsafeMutableBufferPointer { b in
                        mean.withUnsafeMutableBufferPointer { mean in
                            inTwoChunks(n) { r in
                                OptimizerKernels.rmspropFloat(r, w: w.baseAddress!, g: g, v: v.baseAddress!,
                                                              b: momentum > 0 ? b.baseAddress! : nil,
                                                              mean: centered ? mean.baseAddress! : nil, lr: lr, alpha: alpha,
                                                              eps: eps, wd: wd, momentum: momentum, isa: isa)
                            }
                        }
                    }
                }
            }
            let (A, WD, MU) = (Double(alpha), Double(wd), Double(momentum))
            for i in 0..<n {
                let wi = Double(w0[i]), gi = Double(g[i]) + WD * wi, gScale = Swift.max(Swift.abs(Double(g[i])), Swift.abs(WD * wi))
                let vi = A * Double(v0[i]) + (1 - A) * gi * gi
                let mi = A * Double(mean0[i]) + (1 - A) * gi
                let scaled = gi / ((centered ? vi - mi * mi : vi).squareRoot() + Double(eps))
                let bi = MU * Double(b0[i]) + scaled, step = momentum > 0 ? bi : scaled
                let what = "\(isa.name) RMSprop momentum \(momentum) centred \(centered) [\(i)] g \(g[i])"
                // v 4 and ḡ 3 ulp as Adam's moments.
                assertWithin(4, v[i], vi, scale: Swift.max(A * Double(v0[i]), (1 - A) * gScale * gScale), "\(what) v")
                if centered {
                    assertWithin(3, mean[i], mi, scale: Swift.max(A * Swift.abs(Double(mean0[i])), (1 - A) * gScale), "\(what) ḡ")
                }
                // g/(√· + ε): the gradient's 1, v's 4 (5 with the small ḡ²
                // taken off) halved by the root, and three roundings: 5 ulp;
                // the momentum sum of like signs adds 1, the step 1.5 more.
                if momentum > 0 {
                    assertWithin(8, b[i], bi, scale: Swift.max(MU * Swift.abs(Double(b0[i])), Swift.abs(scaled)), "\(what) b")
                }
                let want = wi - Double(lr) * step
                let wScale = Swift.max(Swift.abs(wi), Swift.abs(want), Double(lr) * Swift.abs(step))
                assertWithin(10, w[i], want, scale: wScale, "\(what) w")
            }
        }
    }

    func checkSGD(_ isa: VectorMath.ISA) {
        let (w0, g, buf0) = Self.optimizerInputs(seed: 23)
        let n = w0.count
        let lr: Float = 0.1, wd: Float = 0.01
        // Plain, heavy-ball momentum on its first and a later step, Nesterov.
        for (mu, fresh, nesterov) in [(Float(0), false, false), (Float(0.9), true, false), (Float(0.9), false, false),
                                      (Float(0.9), false, true)] {
            var w = w0, buf = buf0
            w.withUnsafeMutableBufferPointer { w in
                buf.withUnsafeMutableBufferPointer { buf in
                    inTwoChunks(n) { r in
                        OptimizerKernels.sgdFloat(r, w: w.baseAddress!, g: g, buf: mu > 0 ? buf.baseAddress! : nil, lr: lr, mu: mu,
                                                  wd: wd, fresh: fresh, nesterov: nesterov, isa: isa)
                    }
                }
            }
            let MU = Double(mu)
            for i in 0..<n {
                let wi = Double(w0[i]), d = Double(g[i]) + Double(wd) * wi
                let bi = fresh ? d : MU * Double(buf0[i]) + d
                let step = mu == 0 ? d : (nesterov ? d + MU * bi : bi)
                let terms = Swift.max(Swift.abs(Double(g[i])), Swift.abs(Double(wd) * wi), MU * Swift.abs(Double(buf0[i])))
                let what = "\(isa.name) SGD μ \(mu) fresh \(fresh) Nesterov \(nesterov) [\(i)] g \(g[i])"
                // The buffer: g + wd·w and μ·b + d, 0.5 ulp each with the
                // product, of the largest term: 3 ulp; the Nesterov sum of
                // like signs 1 more, the step and subtraction 1.5: 6 ulp.
                if mu > 0 { assertWithin(3, buf[i], bi, scale: Swift.max(terms, Swift.abs(bi)), "\(what) buffer") }
                let want = wi - Double(lr) * step
                let wScale = Swift.max(Swift.abs(wi), Swift.abs(want), Double(lr) * Swift.max(Swift.abs(step), 2 * terms))
                assertWithin(6, w[i], want, scale: wScale, "\(what) w")
            }
        }
    }
}

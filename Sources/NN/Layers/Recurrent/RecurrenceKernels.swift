import Tensor

/// Gate nonlinearities of the recurrent kernels: float32 uses the
/// vectorisable ``VectorMath`` forms (spans through the AVX-512, AVX2 or
/// portable kernels ``VectorMath/isa`` picks), float64 (gradient checks) libm.
protocol RecurrentElement: FloatingElement {
    static func logistic(_ x: Self) -> Self
    static func hyperbolicTangent(_ x: Self) -> Self
    /// y[j] = σ(x[j]) for j in 0..<n; y may be x.
    static func logistic(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// y[j] = tanh(x[j]) for j in 0..<n; y may be x.
    static func hyperbolicTangent(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
}

extension Float: RecurrentElement {
    @inline(__always) static func logistic(_ x: Float) -> Float { VectorMath.sigmoid(x) }
    @inline(__always) static func hyperbolicTangent(_ x: Float) -> Float { VectorMath.tanh(x) }
    @inline(__always) static func logistic(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        VectorMath.apply(.sigmoid, x, y, n)
    }
    @inline(__always) static func hyperbolicTangent(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        VectorMath.apply(.tanh, x, y, n)
    }
}

extension Double: RecurrentElement {
    @inline(__always) static func logistic(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + Double.exp(-x)) : { let e = Double.exp(x); return e / (1 + e) }()
    }
    @inline(__always) static func hyperbolicTangent(_ x: Double) -> Double { Double.tanh(x) }
    @inline(__always) static func logistic(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for j in 0..<n { y[j] = logistic(x[j]) }
    }
    @inline(__always) static func hyperbolicTangent(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for j in 0..<n { y[j] = hyperbolicTangent(x[j]) }
    }
}

/// Which input frame each step of a recurrence reads, for a batch of
/// sequences of lengths `lengths` padded to `time` steps.
///
/// Step s of example b reads frame s (forward), or frame L_b − 1 − s
/// (reversed, so the backward direction starts at the sequence's own last
/// valid frame). Steps s ≥ L_b are padding: they read frame s and carry the
/// state unchanged, so the state at a padded frame is the last valid one.
struct RecurrenceSchedule {
    let batch: Int
    let time: Int
    let hidden: Int
    let lengths: [Int]
    let reversed: Bool

    @inline(__always) func isActive(_ b: Int, _ s: Int) -> Bool { s < lengths[b] }

    @inline(__always) func frame(_ b: Int, _ s: Int) -> Int {
        let l = lengths[b]
        return s < l && reversed ? l - 1 - s : s
    }
}

/// The recurrent weight as every step's GEMM reads it, op(W) [k, n]:
/// float32 packs it once per sequence (``Gemm/PackedOperand``: a BLAS call
/// would repack the whole weight at every step), float64, the
/// gradient-check type, passes it to OpenBLAS in place.
struct StepWeight<T: RecurrentElement> {
    let weight: UnsafePointer<T>
    let transposed: Bool
    let k: Int
    let n: Int
    let packed: Gemm.PackedOperand?

    /// op(W) is Wᵀ of a row-major [n, k] `weight` when `transposed`, else `weight` [k, n] itself.
    init(_ weight: UnsafePointer<T>, transposed: Bool, k: Int, n: Int) {
        (self.weight, self.transposed, self.k, self.n) = (weight, transposed, k, n)
        packed = T.self == Float.self
            ? Gemm.PackedOperand(UnsafeRawPointer(weight).assumingMemoryBound(to: Float.self), ldb: transposed ? k : n,
                                 transposed: transposed, rows: k, columns: n)
            : nil
    }

    /// c[m, n] = a[m, k]·op(W) + beta·c.
    @inline(__always)
    func multiply(m: Int, _ a: UnsafePointer<T>, lda: Int, into c: UnsafeMutablePointer<T>, ldc: Int, beta: T) {
        if let packed {
            Gemm.run(m: m, a: UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), lda: lda, times: packed,
                     c: UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc: ldc, beta: Float(beta))
        } else {
            Gemm.run(T.self, transA: false, transB: transposed, m: m, n: n, k: k, a: a, lda: lda,
                     b: weight, ldb: transposed ? k : n, c: c, ldc: ldc, beta: beta)
        }
    }
}

/// The loops of the fused LSTM, GRU and QRNN-pooling primitives. Buffers in
/// *processing order* are [time, batch, …] indexed by step s; buffers in
/// *time order* are [batch, time, …] indexed by frame.
///
/// The rows of a batch never interact in a recurrence, so LSTM and GRU split
/// the batch into one slice per thread (``Parallel/forEachSlice(_:work:_:)``)
/// and each thread runs its slice through every step with single-threaded
/// GEMMs ([B/threads, H]·W_hhᵀ, against W_hh packed once: ``StepWeight``):
/// no synchronisation per step (OpenBLAS's own threading of a 64-row GEMM
/// costs two thread hand-offs per step, three times per step here).
enum RecurrenceKernel {
    // MARK: LSTM

    /// Runs the LSTM over all steps. `gates` [T, B, 4H] receives the
    /// activated gates (i, f, g, o), `hiddens` and `cells` [T + 1, B, H] the
    /// states before (index s) and after (index s + 1) each step, `states`
    /// [B, T, 2H] the pair (hₜ, cₜ) at each frame.
    static func lstmForward<T: RecurrentElement>(
        _ plan: RecurrenceSchedule, projections: UnsafePointer<T>, bias: UnsafePointer<T>?, weight: UnsafePointer<T>,
        initialHidden: UnsafePointer<T>, initialCell: UnsafePointer<T>,
        gates: UnsafeMutablePointer<T>, hiddens: UnsafeMutablePointer<T>, cells: UnsafeMutablePointer<T>,
        states: UnsafeMutablePointer<T>
    ) {
        let nb = plan.batch, nt = plan.time, h = plan.hidden, g4 = 4 * h
        hiddens.update(from: initialHidden, count: nb * h)
        cells.update(from: initialCell, count: nb * h)
        let recurrent = StepWeight(weight, transposed: true, k: h, n: g4)
        Parallel.forEachSlice(nb, work: nt * nb * g4 * h) { rows in
            let lo = rows.lowerBound
            for s in 0..<nt {
                let gs = gates + s * nb * g4
                let hp = hiddens + s * nb * h, hn = hiddens + (s + 1) * nb * h
                let cp = cells + s * nb * h, cn = cells + (s + 1) * nb * h
                for b in rows {
                    let src = projections + (b * nt + plan.frame(b, s)) * g4, dst = gs + b * g4
                    if let bias { for j in 0..<g4 { dst[j] = src[j] + bias[j] } } else { dst.update(from: src, count: g4) }
                }
                recurrent.multiply(m: rows.count, hp + lo * h, lda: h, into: gs + lo * g4, ldc: g4, beta: 1)
                for b in rows {
                    let out = states + (b * nt + plan.frame(b, s)) * 2 * h
                    let hpb = hp + b * h, hnb = hn + b * h, cpb = cp + b * h, cnb = cn + b * h
                    guard plan.isActive(b, s) else {
                        hnb.update(from: hpb, count: h)
                        cnb.update(from: cpb, count: h)
                        out.update(from: hpb, count: h)
                        (out + h).update(from: cpb, count: h)
                        continue
                    }
                    let a = gs + b * g4
                    T.logistic(a, a, 2 * h)
                    T.hyperbolicTangent(a + 2 * h, a + 2 * h, h)
                    T.logistic(a + 3 * h, a + 3 * h, g4 - 3 * h)
                    for j in 0..<h { cnb[j] = a[h + j] * cpb[j] + a[j] * a[2 * h + j] }
                    T.hyperbolicTangent(cnb, hnb, h)
                    for j in 0..<h { hnb[j] *= a[3 * h + j] }
                    out.update(from: hnb, count: h)
                    (out + h).update(from: cnb, count: h)
                }
            }
        }
    }

    /// Back-propagation through time for ``lstmForward``. `gradStates` is the
    /// gradient of `states` [B, T, 2H]; fills `gradGates` [T, B, 4H]
    /// (processing order), `gradProjections` [B, T, 4H] (time order) and the
    /// gradients of the initial states `gradHidden`, `gradCell` [B, H].
    static func lstmBackward<T: RecurrentElement>(
        _ plan: RecurrenceSchedule, gradStates: UnsafePointer<T>, weight: UnsafePointer<T>,
        gates: UnsafePointer<T>, cells: UnsafePointer<T>,
        gradGates: UnsafeMutablePointer<T>, gradProjections: UnsafeMutablePointer<T>,
        gradHidden: UnsafeMutablePointer<T>, gradCell: UnsafeMutablePointer<T>
    ) {
        let nb = plan.batch, nt = plan.time, h = plan.hidden, g4 = 4 * h
        gradHidden.update(repeating: 0, count: nb * h)
        gradCell.update(repeating: 0, count: nb * h)
        let recurrent = StepWeight(weight, transposed: false, k: g4, n: h)
        Parallel.forEachSlice(nb, work: nt * nb * g4 * h) { rows in
            let lo = rows.lowerBound
            let scratch = UnsafeMutablePointer<T>.allocate(capacity: 3 * h)
            defer { scratch.deallocate() }
            let tc = scratch, gh = scratch + h, gc = scratch + 2 * h
            for s in stride(from: nt - 1, through: 0, by: -1) {
                let gs = gates + s * nb * g4, ds = gradGates + s * nb * g4
                let cp = cells + s * nb * h, cn = cells + (s + 1) * nb * h
                for b in rows {
                    let frame = plan.frame(b, s)
                    let go = gradStates + (b * nt + frame) * 2 * h
                    let dh = gradHidden + b * h, dc = gradCell + b * h
                    let d = ds + b * g4, dp = gradProjections + (b * nt + frame) * g4
                    guard plan.isActive(b, s) else {
                        for j in 0..<h { dh[j] += go[j]; dc[j] += go[h + j] }
                        d.update(repeating: 0, count: g4)
                        dp.update(repeating: 0, count: g4)
                        continue
                    }
                    // One short loop per quantity (few pointers each) so every loop vectorises.
                    let a = gs + b * g4, cpb = cp + b * h, cnb = cn + b * h
                    let i = a, f = a + h, g = a + 2 * h, o = a + 3 * h
                    let di = d, df = d + h, dg = d + 2 * h, dout = d + 3 * h
                    T.hyperbolicTangent(cnb, tc, h)
                    for j in 0..<h { gh[j] = dh[j] + go[j] }
                    for j in 0..<h { gc[j] = dc[j] + go[h + j] + gh[j] * o[j] * (1 - tc[j] * tc[j]) }
                    for j in 0..<h { di[j] = gc[j] * g[j] * i[j] * (1 - i[j]) }
                    for j in 0..<h { df[j] = gc[j] * cpb[j] * f[j] * (1 - f[j]) }
                    for j in 0..<h { dg[j] = gc[j] * i[j] * (1 - g[j] * g[j]) }
                    for j in 0..<h { dout[j] = gh[j] * tc[j] * o[j] * (1 - o[j]) }
                    for j in 0..<h { dc[j] = gc[j] * f[j] }
                    dh.update(repeating: 0, count: h)
                    dp.update(from: d, count: g4)
                }
                // dh_{s−1} = dA_s · W_hh; padded rows have dA = 0 and keep their carried gradient.
                recurrent.multiply(m: rows.count, ds + lo * g4, lda: g4, into: gradHidden + lo * h, ldc: h, beta: 1)
            }
        }
    }

    // MARK: GRU

    /// Runs the GRU over all steps. `gates` [T, B, 4H] receives (r, z, n, ĥn)
    /// with ĥn = W_hn·h + b_hn, `hiddens` [T + 1, B, H] the states, `scratch`
    /// [B, 3H] is workspace, `outputs` [B, T, H] hₜ at each frame.
    static func gruForward<T: RecurrentElement>(
        _ plan: RecurrenceSchedule, projections: UnsafePointer<T>, inputBias: UnsafePointer<T>?,
        weight: UnsafePointer<T>, recurrentBias: UnsafePointer<T>?, initialHidden: UnsafePointer<T>,
        gates: UnsafeMutablePointer<T>, hiddens: UnsafeMutablePointer<T>, scratch: UnsafeMutablePointer<T>,
        outputs: UnsafeMutablePointer<T>
    ) {
        let nb = plan.batch, nt = plan.time, h = plan.hidden, g3 = 3 * h, g4 = 4 * h
        hiddens.update(from: initialHidden, count: nb * h)
        let recurrent = StepWeight(weight, transposed: true, k: h, n: g3)
        Parallel.forEachSlice(nb, work: nt * nb * g3 * h) { rows in
            let lo = rows.lowerBound
            for s in 0..<nt {
                let hp = hiddens + s * nb * h, hn = hiddens + (s + 1) * nb * h, gs = gates + s * nb * g4
                if let recurrentBias {
                    for b in rows { (scratch + b * g3).update(from: recurrentBias, count: g3) }
                }
                recurrent.multiply(m: rows.count, hp + lo * h, lda: h, into: scratch + lo * g3, ldc: g3,
                                   beta: recurrentBias == nil ? 0 : 1)
                for b in rows {
                    let frame = plan.frame(b, s)
                    let out = outputs + (b * nt + frame) * h
                    let hpb = hp + b * h, hnb = hn + b * h
                    guard plan.isActive(b, s) else {
                        hnb.update(from: hpb, count: h)
                        out.update(from: hpb, count: h)
                        continue
                    }
                    let x = projections + (b * nt + frame) * g3, hh = scratch + b * g3, a = gs + b * g4
                    if let inputBias {
                        for j in 0..<(2 * h) { a[j] = x[j] + inputBias[j] + hh[j] }
                        for j in 0..<h { a[2 * h + j] = x[2 * h + j] + inputBias[2 * h + j] }
                    } else {
                        for j in 0..<(2 * h) { a[j] = x[j] + hh[j] }
                        (a + 2 * h).update(from: x + 2 * h, count: h)
                    }
                    T.logistic(a, a, 2 * h)
                    (a + 3 * h).update(from: hh + 2 * h, count: h)
                    for j in 0..<h { a[2 * h + j] += a[j] * a[3 * h + j] }
                    T.hyperbolicTangent(a + 2 * h, a + 2 * h, h)
                    for j in 0..<h {
                        let z = a[h + j]
                        hnb[j] = (1 - z) * a[2 * h + j] + z * hpb[j]
                    }
                    out.update(from: hnb, count: h)
                }
            }
        }
    }

    /// Back-propagation through time for ``gruForward``: fills
    /// `gradRecurrent` [T, B, 3H] (gradient of W_hh·h + b_hh, processing
    /// order), `gradProjections` [B, T, 3H] (time order) and `gradHidden` [B, H].
    static func gruBackward<T: RecurrentElement>(
        _ plan: RecurrenceSchedule, gradOutputs: UnsafePointer<T>, weight: UnsafePointer<T>,
        gates: UnsafePointer<T>, hiddens: UnsafePointer<T>,
        gradRecurrent: UnsafeMutablePointer<T>, gradProjections: UnsafeMutablePointer<T>,
        gradHidden: UnsafeMutablePointer<T>
    ) {
        let nb = plan.batch, nt = plan.time, h = plan.hidden, g3 = 3 * h, g4 = 4 * h
        gradHidden.update(repeating: 0, count: nb * h)
        let recurrent = StepWeight(weight, transposed: false, k: g3, n: h)
        Parallel.forEachSlice(nb, work: nt * nb * g3 * h) { rows in
            let lo = rows.lowerBound
            let gh = UnsafeMutablePointer<T>.allocate(capacity: h)
            defer { gh.deallocate() }
            for s in stride(from: nt - 1, through: 0, by: -1) {
                let gs = gates + s * nb * g4, ds = gradRecurrent + s * nb * g3, hp = hiddens + s * nb * h
                for b in rows {
                    let frame = plan.frame(b, s)
                    let go = gradOutputs + (b * nt + frame) * h
                    let dh = gradHidden + b * h, d = ds + b * g3, dp = gradProjections + (b * nt + frame) * g3
                    guard plan.isActive(b, s) else {
                        for j in 0..<h { dh[j] += go[j] }
                        d.update(repeating: 0, count: g3)
                        dp.update(repeating: 0, count: g3)
                        continue
                    }
                    // One short loop per quantity (few pointers each) so every loop vectorises.
                    let a = gs + b * g4, hpb = hp + b * h
                    let r = a, z = a + h, n = a + 2 * h, hn = a + 3 * h
                    let dr = dp, dz = dp + h, dn = dp + 2 * h, dhn = d + 2 * h
                    for j in 0..<h { gh[j] = dh[j] + go[j] }
                    for j in 0..<h { dn[j] = gh[j] * (1 - z[j]) * (1 - n[j] * n[j]) }
                    for j in 0..<h { dr[j] = dn[j] * hn[j] * r[j] * (1 - r[j]) }
                    for j in 0..<h { dz[j] = gh[j] * (hpb[j] - n[j]) * z[j] * (1 - z[j]) }
                    d.update(from: dp, count: 2 * h)
                    for j in 0..<h { dhn[j] = dn[j] * r[j] }
                    for j in 0..<h { dh[j] = gh[j] * z[j] }
                }
                recurrent.multiply(m: rows.count, ds + lo * g3, lda: g3, into: gradHidden + lo * h, ldc: h, beta: 1)
            }
        }
    }

    // MARK: QRNN pooling

    /// The activated gates of one frame: `row` ← (tanh a_Z, σ(a_F), σ(a_O)),
    /// in place over a private row with the span kernels.
    @inline(__always)
    static func poolingActivations<T: RecurrentElement>(_ a: UnsafePointer<T>, _ row: UnsafeMutablePointer<T>,
                                                        hidden h: Int, gated: Bool) {
        row.update(from: a, count: (gated ? 3 : 2) * h)
        T.hyperbolicTangent(row, row, h)
        T.logistic(row + h, row + h, (gated ? 2 : 1) * h)
    }

    /// QRNN f- or fo-pooling from gate pre-activations `gates` [B, T, G·H]
    /// (G = 3: Z, F, O; G = 2: Z, F): z = tanh, f = σ·s·m, o = σ;
    /// cₜ = f·z + (1 − f)·c_{t−1}. Writes (hₜ, cₜ) = (o·cₜ, cₜ) to `states`
    /// [B, T, 2H] for G = 3, cₜ to [B, T, H] for G = 2. `mask` [B, T, H] is
    /// optional (zoneout), `scale` a constant.
    static func poolingForward<T: RecurrentElement>(_ gates: UnsafePointer<T>, mask: UnsafePointer<T>?, scale: T,
                                                    initial: UnsafePointer<T>, states: UnsafeMutablePointer<T>,
                                                    batch: Int, time: Int, hidden h: Int, gated: Bool) {
        let gw = (gated ? 3 : 2) * h, sw = gated ? 2 * h : h, co = gated ? h : 0
        Parallel.forEachChunk(batch, costPerItem: 8 * time * h) { rows in
            let act = UnsafeMutablePointer<T>.allocate(capacity: gw)
            defer { act.deallocate() }
            let z = act, f = act + h, o = act + 2 * h
            for b in rows {
                var prev = initial + b * h
                for t in 0..<time {
                    let row = b * time + t, out = states + row * sw, c = out + co
                    poolingActivations(gates + row * gw, act, hidden: h, gated: gated)
                    if let m = mask { let mr = m + row * h; for j in 0..<h { f[j] *= scale * mr[j] } }
                    else if scale != 1 { for j in 0..<h { f[j] *= scale } }
                    for j in 0..<h { c[j] = f[j] * z[j] + (1 - f[j]) * prev[j] }
                    if gated { for j in 0..<h { out[j] = o[j] * c[j] } }
                    prev = UnsafePointer(c)
                }
            }
        }
    }

    /// Gradients of ``poolingForward`` with respect to the gate
    /// pre-activations and the initial memory, given the forward `states`.
    static func poolingBackward<T: RecurrentElement>(_ g: UnsafePointer<T>, gates: UnsafePointer<T>, mask: UnsafePointer<T>?,
                                                     scale: T, initial: UnsafePointer<T>, states: UnsafePointer<T>,
                                                     gradGates: UnsafeMutablePointer<T>, gradInitial: UnsafeMutablePointer<T>,
                                                     batch: Int, time: Int, hidden h: Int, gated: Bool) {
        let gw = (gated ? 3 : 2) * h, sw = gated ? 2 * h : h, co = gated ? h : 0
        Parallel.forEachChunk(batch, costPerItem: 12 * time * h) { rows in
            let act = UnsafeMutablePointer<T>.allocate(capacity: gw + h)
            defer { act.deallocate() }
            let z = act, sigma = act + h, o = act + 2 * h, keep = act + gw
            for b in rows {
                let carry = gradInitial + b * h
                carry.update(repeating: 0, count: h)
                for t in stride(from: time - 1, through: 0, by: -1) {
                    let row = b * time + t
                    let da = gradGates + row * gw, gs = g + row * sw
                    let c = states + row * sw + co, prev = t > 0 ? c - sw : initial + b * h
                    poolingActivations(gates + row * gw, act, hidden: h, gated: gated)
                    if let m = mask { let mr = m + row * h; for j in 0..<h { keep[j] = scale * mr[j] } }
                    else { keep.update(repeating: scale, count: h) }
                    if gated {
                        let dO = da + 2 * h
                        for j in 0..<h { dO[j] = gs[j] * c[j] * o[j] * (1 - o[j]) }
                        for j in 0..<h { carry[j] += gs[co + j] + gs[j] * o[j] }
                    } else {
                        for j in 0..<h { carry[j] += gs[j] }
                    }
                    let dF = da + h
                    for j in 0..<h {
                        let dc = carry[j], f = sigma[j] * keep[j]
                        da[j] = dc * f * (1 - z[j] * z[j])
                        dF[j] = dc * (z[j] - prev[j]) * keep[j] * sigma[j] * (1 - sigma[j])
                        carry[j] = dc * (1 - f)
                    }
                }
            }
        }
    }
}

// Fused recurrences: the whole time loop of an LSTM, a GRU or QRNN
// fo-pooling is one differentiable primitive, so a sequence of T steps
// records one graph node instead of ~15·T, and back-propagation through time
// runs as tight loops with one GEMM per step.
//
// The input projections x·W_ihᵀ of every step are computed beforehand by the
// caller in one GEMM over [B·T, F]; these primitives do the part that must
// run step by step. They are NN's custom ops (``NNOp``), recorded through
// Tensor's public `Tensor.record` like any built-in.

import Tensor

/// Checks shared by the recurrences.
enum RecurrenceChecks {
    /// The checked per-example lengths of a [batch, time, …] input: every
    /// length in 1...time (all `time` when nil).
    static func lengths(_ lengths: [Int]?, batch: Int, time: Int, op: String) -> [Int] {
        guard let lengths else { return [Int](repeating: time, count: batch) }
        precondition(lengths.count == batch, "\(op): \(lengths.count) lengths for a batch of \(batch)")
        for l in lengths where l < 1 || l > time {
            preconditionFailure("\(op): length \(l) outside 1...\(time) (lengths \(lengths))")
        }
        return lengths
    }

    /// Stops unless `x` is floating point; names the op.
    static func requireFloat(_ op: String, _ x: Tensor) {
        precondition(x.dtype.isFloatingPoint, "\(op): needs a float32 or float64 tensor, got \(x.dtype) of shape \(x.shape)")
    }

    /// Stops unless both tensors have the same dtype; names the op and shapes.
    static func requireSameDType(_ op: String, _ a: Tensor, _ b: Tensor) {
        precondition(a.dtype == b.dtype,
                     "\(op): dtypes differ: \(a.dtype)\(a.shape) vs \(b.dtype)\(b.shape); convert one with converted(to:)")
    }

    /// Column sums of a [rows, columns] buffer (bias gradients).
    static func columnSums(of x: Tensor, rows: Int, columns: Int) -> Tensor {
        x.reshaped(to: [rows, columns]).sum(axes: [0])
    }
}

/// The LSTM recurrence (Hochreiter & Schmidhuber 1997) over precomputed input
/// projections, PyTorch's gate order (i, f, g, o):
/// aₜ = pₜ + b_ih + b_hh + W_hh·h_{t−1}; i, f, o = σ(a), g = tanh(a); cₜ = f⊙c_{t−1} + i⊙g; hₜ = o⊙tanh(cₜ).
///
/// - Parameters:
///   - projections: [B, T, 4H], x·W_ihᵀ for every frame.
///   - recurrentWeight: W_hh, [4H, H].
///   - initialHidden: h₋₁, [B, H].
///   - initialCell: c₋₁, [B, H].
///   - inputBias: b_ih, [4H], or nil.
///   - recurrentBias: b_hh, [4H], or nil (the two biases simply add).
///   - lengths: valid frames per example (1...T). Frames past a sequence's
///     length leave its state unchanged.
///   - reversed: run each sequence backwards from its own last valid frame
///     (L_b − 1 down to 0), the backward direction of a bidirectional LSTM.
/// - Returns: [B, T, 2H] holding (hₜ, cₜ) at each frame, in frame order. At
///   padded frames it holds the last valid state, so the final state of
///   every sequence is at frame T − 1 (forward) or frame 0 (reversed).
public func lstmRecurrence(_ projections: Tensor, recurrentWeight: Tensor, initialHidden: Tensor, initialCell: Tensor,
                           inputBias: Tensor? = nil, recurrentBias: Tensor? = nil,
                           lengths: [Int]? = nil, reversed: Bool = false) -> Tensor {
    let op = "lstmRecurrence"
    RecurrenceChecks.requireFloat(op, projections)
    let w = recurrentWeight
    let shapes = "projections \(projections.shape), recurrentWeight \(w.shape), initialHidden \(initialHidden.shape), initialCell \(initialCell.shape)"
        + (inputBias.map { ", inputBias \($0.shape)" } ?? "") + (recurrentBias.map { ", recurrentBias \($0.shape)" } ?? "")
    precondition(projections.rank == 3 && w.rank == 2 && w.shape[0] == 4 * w.shape[1] && projections.shape[2] == w.shape[0],
                 "\(op): needs projections [B, T, 4H] and recurrentWeight [4H, H]; got \(shapes)")
    let (nb, nt, h) = (projections.shape[0], projections.shape[1], w.shape[1])
    precondition(nt >= 1 && initialHidden.shape == [nb, h] && initialCell.shape == [nb, h]
                 && (inputBias?.shape ?? [4 * h]) == [4 * h] && (recurrentBias?.shape ?? [4 * h]) == [4 * h],
                 "\(op): expected T ≥ 1, initial states [\(nb), \(h)] and biases [\(4 * h)]; got \(shapes)")
    for t in [w, initialHidden, initialCell] + [inputBias, recurrentBias].compactMap({ $0 }) {
        RecurrenceChecks.requireSameDType(op, projections, t)
    }
    let plan = RecurrenceSchedule(batch: nb, time: nt, hidden: h,
                                  lengths: RecurrenceChecks.lengths(lengths, batch: nb, time: nt, op: op), reversed: reversed)
    let bias: Tensor? = switch (inputBias, recurrentBias) {
    case let (i?, r?): withoutGrad { i + r }
    case let (i?, nil): i
    case let (nil, r?): r
    case (nil, nil): nil
    }
    let dtype = projections.dtype
    var gates = Tensor(uninitializedShape: [nt, nb, 4 * h], dtype: dtype)
    var hiddens = Tensor(uninitializedShape: [nt + 1, nb, h], dtype: dtype)
    var cells = Tensor(uninitializedShape: [nt + 1, nb, h], dtype: dtype)
    var states = Tensor(uninitializedShape: [nb, nt, 2 * h], dtype: dtype)
    func forward<T: RecurrentElement>(_: T.Type) {
        withExtendedLifetime(bias) {
            RecurrenceKernel.lstmForward(plan, projections: projections.unsafePointer(of: T.self),
                                         bias: bias?.unsafePointer(of: T.self), weight: w.unsafePointer(of: T.self),
                                         initialHidden: initialHidden.unsafePointer(of: T.self),
                                         initialCell: initialCell.unsafePointer(of: T.self),
                                         gates: gates.unsafeMutablePointer(of: T.self), hiddens: hiddens.unsafeMutablePointer(of: T.self),
                                         cells: cells.unsafeMutablePointer(of: T.self), states: states.unsafeMutablePointer(of: T.self))
        }
    }
    if dtype == .float32 { forward(Float.self) } else { forward(Double.self) }
    let (gates0, hiddens0, cells0) = (gates, hiddens, cells)

    let w0 = w.detached()
    let inputs = [projections, w, initialHidden, initialCell] + [inputBias, recurrentBias].compactMap { $0 }
    let result = states
    return Tensor.record(NNOp.lstmRecurrence, result, inputs) { g, needs in
        var gradGates = Tensor(uninitializedShape: [nt, nb, 4 * h], dtype: dtype)
        var gradProjections = Tensor(uninitializedShape: [nb, nt, 4 * h], dtype: dtype)
        var gradHidden = Tensor(uninitializedShape: [nb, h], dtype: dtype)
        var gradCell = Tensor(uninitializedShape: [nb, h], dtype: dtype)
        var gradWeight: Tensor? = nil
        func backward<T: RecurrentElement>(_: T.Type) {
            // The kernel needs every buffer (dA carries the recurrence); only
            // the weight GEMM and the bias sums are skipped when not needed.
            RecurrenceKernel.lstmBackward(plan, gradStates: g.unsafePointer(of: T.self), weight: w0.unsafePointer(of: T.self),
                                          gates: gates0.unsafePointer(of: T.self), cells: cells0.unsafePointer(of: T.self),
                                          gradGates: gradGates.unsafeMutablePointer(of: T.self),
                                          gradProjections: gradProjections.unsafeMutablePointer(of: T.self),
                                          gradHidden: gradHidden.unsafeMutablePointer(of: T.self),
                                          gradCell: gradCell.unsafeMutablePointer(of: T.self))
            if needs[1] {
                // dW_hh = Σₛ dAₛᵀ·h_{s−1}: one GEMM over all steps.
                var gw = Tensor(uninitializedShape: [4 * h, h], dtype: dtype)
                Gemm.run(T.self, transA: true, transB: false, m: 4 * h, n: h, k: nt * nb,
                         a: gradGates.unsafePointer(of: T.self), lda: 4 * h, b: hiddens0.unsafePointer(of: T.self), ldb: h,
                         c: gw.unsafeMutablePointer(of: T.self), ldc: h)
                gradWeight = gw
            }
        }
        if dtype == .float32 { backward(Float.self) } else { backward(Double.self) }
        // Both biases add to the same pre-activations: each gets Σ dA.
        let biasNeeds = needs.dropFirst(4)
        let gradBias = biasNeeds.contains(true) ? RecurrenceChecks.columnSums(of: gradGates, rows: nt * nb, columns: 4 * h) : nil
        return [needs[0] ? gradProjections : nil, gradWeight, needs[2] ? gradHidden : nil, needs[3] ? gradCell : nil]
            + biasNeeds.map { $0 ? gradBias : nil }
    }
}

/// The GRU recurrence (Cho et al. 2014) over precomputed input projections,
/// PyTorch's gate order (r, z, n) and reset placement:
/// r, z = σ(x_{r,z} + b_i + W_h{r,z}·h_{t−1} + b_h); n = tanh(x_n + b_in + r⊙(W_hn·h_{t−1} + b_hn)); hₜ = (1 − z)⊙n + z⊙h_{t−1}.
///
/// - Parameters:
///   - projections: [B, T, 3H], x·W_ihᵀ for every frame.
///   - recurrentWeight: W_hh, [3H, H].
///   - initialHidden: h₋₁, [B, H].
///   - inputBias: b_ih, [3H], or nil.
///   - recurrentBias: b_hh, [3H], or nil (b_hn sits inside r⊙(·)).
///   - lengths: valid frames per example (1...T); frames past a sequence's length leave its state unchanged.
///   - reversed: run each sequence backwards from its own last valid frame, the backward direction of a bidirectional GRU.
/// - Returns: [B, T, H] holding hₜ at each frame, in frame order; padded
///   frames hold the last valid state (final state at frame T − 1 forward,
///   frame 0 reversed).
public func gruRecurrence(_ projections: Tensor, recurrentWeight: Tensor, initialHidden: Tensor,
                          inputBias: Tensor? = nil, recurrentBias: Tensor? = nil,
                          lengths: [Int]? = nil, reversed: Bool = false) -> Tensor {
    let op = "gruRecurrence"
    RecurrenceChecks.requireFloat(op, projections)
    let w = recurrentWeight
    let shapes = "projections \(projections.shape), recurrentWeight \(w.shape), initialHidden \(initialHidden.shape)"
        + (inputBias.map { ", inputBias \($0.shape)" } ?? "") + (recurrentBias.map { ", recurrentBias \($0.shape)" } ?? "")
    precondition(projections.rank == 3 && w.rank == 2 && w.shape[0] == 3 * w.shape[1] && projections.shape[2] == w.shape[0],
                 "\(op): needs projections [B, T, 3H] and recurrentWeight [3H, H]; got \(shapes)")
    let (nb, nt, h) = (projections.shape[0], projections.shape[1], w.shape[1])
    precondition(nt >= 1 && initialHidden.shape == [nb, h]
                 && (inputBias?.shape ?? [3 * h]) == [3 * h] && (recurrentBias?.shape ?? [3 * h]) == [3 * h],
                 "\(op): expected T ≥ 1, initial state [\(nb), \(h)] and biases [\(3 * h)]; got \(shapes)")
    for t in [w, initialHidden] + [inputBias, recurrentBias].compactMap({ $0 }) {
        RecurrenceChecks.requireSameDType(op, projections, t)
    }
    let plan = RecurrenceSchedule(batch: nb, time: nt, hidden: h,
                                  lengths: RecurrenceChecks.lengths(lengths, batch: nb, time: nt, op: op), reversed: reversed)
    let dtype = projections.dtype
    var gates = Tensor(uninitializedShape: [nt, nb, 4 * h], dtype: dtype)
    var hiddens = Tensor(uninitializedShape: [nt + 1, nb, h], dtype: dtype)
    var outputs = Tensor(uninitializedShape: [nb, nt, h], dtype: dtype)
    func forward<T: RecurrentElement>(_: T.Type) {
        let scratch = UnsafeMutablePointer<T>.allocate(capacity: nb * 3 * h)
        defer { scratch.deallocate() }
        RecurrenceKernel.gruForward(plan, projections: projections.unsafePointer(of: T.self),
                                    inputBias: inputBias?.unsafePointer(of: T.self), weight: w.unsafePointer(of: T.self),
                                    recurrentBias: recurrentBias?.unsafePointer(of: T.self),
                                    initialHidden: initialHidden.unsafePointer(of: T.self), gates: gates.unsafeMutablePointer(of: T.self),
                                    hiddens: hiddens.unsafeMutablePointer(of: T.self), scratch: scratch,
                                    outputs: outputs.unsafeMutablePointer(of: T.self))
    }
    if dtype == .float32 { forward(Float.self) } else { forward(Double.self) }
    let (gates0, hiddens0) = (gates, hiddens)

    let w0 = w.detached()
    let hasInputBias = inputBias != nil, hasRecurrentBias = recurrentBias != nil
    let inputs = [projections, w, initialHidden] + [inputBias, recurrentBias].compactMap { $0 }
    let result = outputs
    return Tensor.record(NNOp.gruRecurrence, result, inputs) { g, needs in
        var gradRecurrent = Tensor(uninitializedShape: [nt, nb, 3 * h], dtype: dtype)
        var gradProjections = Tensor(uninitializedShape: [nb, nt, 3 * h], dtype: dtype)
        var gradHidden = Tensor(uninitializedShape: [nb, h], dtype: dtype)
        var gradWeight: Tensor? = nil
        func backward<T: RecurrentElement>(_: T.Type) {
            RecurrenceKernel.gruBackward(plan, gradOutputs: g.unsafePointer(of: T.self), weight: w0.unsafePointer(of: T.self),
                                         gates: gates0.unsafePointer(of: T.self), hiddens: hiddens0.unsafePointer(of: T.self),
                                         gradRecurrent: gradRecurrent.unsafeMutablePointer(of: T.self),
                                         gradProjections: gradProjections.unsafeMutablePointer(of: T.self),
                                         gradHidden: gradHidden.unsafeMutablePointer(of: T.self))
            if needs[1] {
                var gw = Tensor(uninitializedShape: [3 * h, h], dtype: dtype)
                Gemm.run(T.self, transA: true, transB: false, m: 3 * h, n: h, k: nt * nb,
                         a: gradRecurrent.unsafePointer(of: T.self), lda: 3 * h, b: hiddens0.unsafePointer(of: T.self), ldb: h,
                         c: gw.unsafeMutablePointer(of: T.self), ldc: h)
                gradWeight = gw
            }
        }
        if dtype == .float32 { backward(Float.self) } else { backward(Double.self) }
        var grads: [Tensor?] = [needs[0] ? gradProjections : nil, gradWeight, needs[2] ? gradHidden : nil]
        if hasInputBias {
            grads.append(needs[3] ? RecurrenceChecks.columnSums(of: gradProjections, rows: nb * nt, columns: 3 * h) : nil)
        }
        if hasRecurrentBias {
            grads.append(needs[grads.count] ? RecurrenceChecks.columnSums(of: gradRecurrent, rows: nt * nb, columns: 3 * h) : nil)
        }
        return grads
    }
}

/// QRNN pooling (Bradbury et al. 2017; salesforce/pytorch-qrnn `QRNNLayer`
/// with `ForgetMult`) from the gate pre-activations of every frame:
/// z = tanh(a_Z), f = σ(a_F)·s·m, o = σ(a_O); cₜ = fₜ⊙zₜ + (1 − fₜ)⊙c_{t−1}; hₜ = oₜ⊙cₜ.
///
/// - Parameters:
///   - gates: [B, T, 3H] holding a_Z | a_F | a_O (fo-pooling), or
///     [B, T, 2H] holding a_Z | a_F (f-pooling, hₜ = cₜ).
///   - initialCell: c₋₁, [B, H].
///   - forgetMask: optional m [B, T, H], a constant (zoneout's Bernoulli(1 − p) mask in training).
///   - forgetScale: constant s (1 − p for zoneout in evaluation).
/// - Returns: [B, T, 2H] holding (hₜ, cₜ) for fo-pooling, [B, T, H] holding
///   cₜ for f-pooling. The activations, the time loop and its reverse for
///   the gradient all run inside this one primitive.
public func qrnnPooling(_ gates: Tensor, initialCell: Tensor, forgetMask: Tensor? = nil, forgetScale: Double = 1) -> Tensor {
    let op = "qrnnPooling"
    RecurrenceChecks.requireFloat(op, gates)
    let shapes = "gates \(gates.shape), initialCell \(initialCell.shape)" + (forgetMask.map { ", forgetMask \($0.shape)" } ?? "")
    precondition(gates.rank == 3 && initialCell.rank == 2 && initialCell.shape[0] == gates.shape[0] && initialCell.shape[1] > 0
                 && (gates.shape[2] == 3 * initialCell.shape[1] || gates.shape[2] == 2 * initialCell.shape[1]),
                 "\(op): needs gates [B, T, 3H] or [B, T, 2H] and initialCell [B, H]; got \(shapes)")
    let (nb, nt, h) = (gates.shape[0], gates.shape[1], initialCell.shape[1])
    precondition(forgetMask == nil || forgetMask!.shape == [nb, nt, h], "\(op): forgetMask must be [\(nb), \(nt), \(h)]; got \(shapes)")
    RecurrenceChecks.requireSameDType(op, gates, initialCell)
    if let forgetMask { RecurrenceChecks.requireSameDType(op, gates, forgetMask) }
    let gated = gates.shape[2] == 3 * h
    var states = Tensor(uninitializedShape: [nb, nt, gated ? 2 * h : h], dtype: gates.dtype)
    let a0 = gates.detached(), c0 = initialCell.detached(), m0 = forgetMask?.detached()
    func forward<T: RecurrentElement>(_: T.Type) {
        RecurrenceKernel.poolingForward(a0.unsafePointer(of: T.self), mask: m0?.unsafePointer(of: T.self), scale: T(forgetScale),
                                        initial: c0.unsafePointer(of: T.self), states: states.unsafeMutablePointer(of: T.self),
                                        batch: nb, time: nt, hidden: h, gated: gated)
    }
    if gates.dtype == .float32 { forward(Float.self) } else { forward(Double.self) }
    let result = states
    return Tensor.record(NNOp.qrnnPooling, result, [gates, initialCell]) { g, needs in
        // One reverse pass yields both gradients; it runs whenever either is needed.
        var gradGates = Tensor(uninitializedShape: a0.shape, dtype: a0.dtype)
        var gradInitial = Tensor(uninitializedShape: c0.shape, dtype: a0.dtype)
        func backward<T: RecurrentElement>(_: T.Type) {
            RecurrenceKernel.poolingBackward(g.unsafePointer(of: T.self), gates: a0.unsafePointer(of: T.self),
                                             mask: m0?.unsafePointer(of: T.self), scale: T(forgetScale),
                                             initial: c0.unsafePointer(of: T.self), states: result.unsafePointer(of: T.self),
                                             gradGates: gradGates.unsafeMutablePointer(of: T.self),
                                             gradInitial: gradInitial.unsafeMutablePointer(of: T.self),
                                             batch: nb, time: nt, hidden: h, gated: gated)
        }
        if a0.dtype == .float32 { backward(Float.self) } else { backward(Double.self) }
        return [needs[0] ? gradGates : nil, needs[1] ? gradInitial : nil]
    }
}

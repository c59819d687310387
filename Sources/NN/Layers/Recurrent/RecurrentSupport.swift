import Tensor

/// What a recurrent network returns for a batch of sequences [B, T, F].
public struct RecurrentOutput {
    /// [B, T, H·directions]: the last layer's hₜ at every frame (both
    /// directions concatenated, forward first), zero at padded frames.
    public let output: Tensor
    /// [layers·directions, B, H]: each layer's and direction's state after
    /// the sequence's last valid frame (PyTorch's `h_n`; layer-major, forward
    /// before reverse). For a QRNN this is the memory cₜ, as pytorch-qrnn returns.
    public let hidden: Tensor
    /// [layers·directions, B, H]: the LSTM's final cell states (`c_n`); nil otherwise.
    public let cell: Tensor?
}

/// The weights of one layer and direction of an LSTM or GRU in PyTorch's
/// layout, the gates stacked along the first axis (LSTM i, f, g, o; GRU r, z, n).
public struct RecurrentWeights {
    /// W_ih, [gates·H, inputs].
    public let weightIH: Parameter
    /// W_hh, [gates·H, H].
    public let weightHH: Parameter
    /// b_ih, [gates·H].
    public let biasIH: Parameter?
    /// b_hh, [gates·H].
    public let biasHH: Parameter?

    /// W_ih and the biases from `inputInit` (default PyTorch's
    /// U(−1/√H, 1/√H)); W_hh from `recurrentInit` applied to each gate's
    /// [H, H] block, so with `.orthogonal()` every gate's recurrent matrix is
    /// orthogonal (Saxe et al. 2014).
    init(gates: Int, inputSize: Int, hiddenSize h: Int, bias: Bool, inputInit: Initializer?,
         recurrentInit: Initializer, dtype: DType, rng: inout RandomGenerator) {
        let k = 1 / Double(h).squareRoot()
        let uniform = Initializer.uniform(low: -k, high: k)
        weightIH = Parameter((inputInit ?? uniform).make([gates * h, inputSize], dtype: dtype, using: &rng))
        let blocks = (0..<gates).map { _ in recurrentInit.make([h, h], dtype: dtype, using: &rng) }
        weightHH = Parameter(Tensor.concat(blocks, axis: 0))
        biasIH = bias ? Parameter(uniform.make([gates * h], dtype: dtype, using: &rng)) : nil
        biasHH = bias ? Parameter(uniform.make([gates * h], dtype: dtype, using: &rng)) : nil
    }
}

/// The reflection of an LSTM or GRU under PyTorch's state-dict names:
/// `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`, with
/// `_reverse` appended for the backward direction, so checkpoints exchange
/// with `torch.nn.LSTM` / `torch.nn.GRU` unchanged.
func pytorchRecurrentMirror(_ subject: Any, _ weights: [[RecurrentWeights]]) -> Mirror {
    var children: [Mirror.Child] = []
    for (k, layer) in weights.enumerated() {
        for (d, w) in layer.enumerated() {
            let suffix = "_l\(k)" + (d == 1 ? "_reverse" : "")
            children.append((label: "weight_ih" + suffix, value: w.weightIH))
            children.append((label: "weight_hh" + suffix, value: w.weightHH))
            if let b = w.biasIH { children.append((label: "bias_ih" + suffix, value: b)) }
            if let b = w.biasHH { children.append((label: "bias_hh" + suffix, value: b)) }
        }
    }
    return Mirror(subject, children: children, displayStyle: .class, ancestorRepresentation: .suppressed)
}

/// Checks a batch-first input [B, T, F] and its lengths for `layer`.
func checkSequenceInput(_ x: Tensor, features: Int, lengths: [Int]?, layer: String) {
    precondition(x.rank == 3 && x.shape[2] == features && x.shape[1] >= 1,
                 "\(layer): input \(x.shape) must be [batch, time ≥ 1, \(features) features]")
    if let lengths {
        precondition(lengths.count == x.shape[0] && lengths.allSatisfy { $0 >= 1 && $0 <= x.shape[1] },
                     "\(layer): lengths \(lengths) must give one length in 1...\(x.shape[1]) per example of input \(x.shape)")
    }
}

/// Checks an optional initial state against [count, B, H] and returns slice k as [B, H] (zeros when nil).
func initialState(_ state: Tensor?, index k: Int, count: Int, batch: Int, hidden: Int, dtype: DType,
                  layer: String, name: String) -> Tensor {
    guard let state else { return Tensor.zeros([batch, hidden], dtype: dtype) }
    precondition(state.shape == [count, batch, hidden],
                 "\(layer): \(name) \(state.shape) must be [\(count), \(batch), \(hidden)] (layers·directions, batch, hidden)")
    return state.sliced(axis: 0, range: k..<(k + 1)).reshaped(to: [batch, hidden])
}

/// x [B, T, F] with the frames past each sequence's length set to zero
/// (x itself when nothing is padded).
func maskingPaddedFrames(_ x: Tensor, lengths: [Int]?) -> Tensor {
    let time = x.shape[1]
    guard let lengths, lengths.contains(where: { $0 < time }) else { return x }
    var values = [Double](repeating: 0, count: lengths.count * time)
    for (b, l) in lengths.enumerated() { for t in 0..<l { values[b * time + t] = 1 } }
    return x * Tensor(values, shape: [lengths.count, time, 1]).converted(to: x.dtype)
}

/// The frame at each sequence's last valid step: y[b] = x[b, L_b − 1] for
/// x [B, T, F] (x[b, T − 1] when `lengths` is nil). Differentiable in x.
public func lastValidFrame(_ x: Tensor, lengths: [Int]?) -> Tensor {
    precondition(x.rank == 3 && x.shape[1] >= 1, "lastValidFrame: input \(x.shape) must be [batch, time ≥ 1, features]")
    let (nb, nt, nf) = (x.shape[0], x.shape[1], x.shape[2])
    guard let lengths else { return x.sliced(axis: 1, range: (nt - 1)..<nt).reshaped(to: [nb, nf]) }
    precondition(lengths.count == nb && lengths.allSatisfy { $0 >= 1 && $0 <= nt },
                 "lastValidFrame: lengths \(lengths) must give one length in 1...\(nt) per example of input \(x.shape)")
    var index = [Int32](repeating: 0, count: nb * nf)
    for b in 0..<nb { for j in 0..<nf { index[b * nf + j] = Int32(lengths[b] - 1) } }
    return x.gather(axis: 1, indices: Tensor(index, shape: [nb, 1, nf])).reshaped(to: [nb, nf])
}

/// Inverted dropout with a mask drawn from `rng`: x·m/(1 − p), m ~ Bernoulli(1 − p).
func dropoutBetweenLayers(_ x: Tensor, probability p: Double, rng: inout RandomGenerator) -> Tensor {
    let keep = Tensor.bernoulli(x.shape, probability: 1 - p, dtype: x.dtype, using: &rng)
    return x * (keep * (1 / (1 - p)))
}

/// Runs a stack of (possibly bidirectional) recurrent layers. `direction`
/// maps (layer input, layer, direction) to that direction's outputs
/// [B, T, H] and final states; layer outputs are concatenated over
/// directions, dropped out between layers, and masked to zero at padded
/// frames at the end.
func runRecurrentStack(_ x: Tensor, lengths: [Int]?, layers: Int, directions: Int, dropout: Double, training: Bool,
                       rng: inout RandomGenerator,
                       direction: (Tensor, Int, Int) -> (output: Tensor, hidden: Tensor, cell: Tensor?)) -> RecurrentOutput {
    var input = x
    var hiddens: [Tensor] = [], cells: [Tensor] = []
    for l in 0..<layers {
        if l > 0 && training && dropout > 0 { input = dropoutBetweenLayers(input, probability: dropout, rng: &rng) }
        let runs = (0..<directions).map { direction(input, l, $0) }
        hiddens += runs.map(\.hidden)
        cells += runs.compactMap(\.cell)
        input = directions == 1 ? runs[0].output : Tensor.concat(runs.map(\.output), axis: 2)
    }
    input = maskingPaddedFrames(input, lengths: lengths)
    return RecurrentOutput(output: input, hidden: Tensor.stack(hiddens, axis: 0),
                           cell: cells.isEmpty ? nil : Tensor.stack(cells, axis: 0))
}

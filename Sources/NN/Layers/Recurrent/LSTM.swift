import Tensor

/// A multi-layer, optionally bidirectional LSTM over batch-first sequences
/// (Hochreiter & Schmidhuber 1997), with PyTorch's `torch.nn.LSTM` gates and
/// parameters: iₜ, fₜ, gₜ, oₜ = σ, σ, tanh, σ(W_ih·xₜ + b_ih + W_hh·h_{t−1} + b_hh);
/// cₜ = fₜ⊙c_{t−1} + iₜ⊙gₜ; hₜ = oₜ⊙tanh(cₜ).
///
/// Parameters carry PyTorch's state-dict names, `weight_ih_l0`,
/// `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` and `…_l0_reverse` for the
/// backward direction (W [4H, in], gates stacked i, f, g, o), so checkpoints
/// load into `torch.nn.LSTM(batch_first=True)` unchanged; in Swift they are
/// `weights[layer][direction]`.
///
/// Each layer and direction computes the input projections of all frames in
/// one GEMM over [B·T, F]; the recurrence is one fused primitive
/// (``lstmRecurrence(_:recurrentWeight:initialHidden:initialCell:inputBias:recurrentBias:lengths:reversed:)``)
/// with one [B, H]×[H, 4H] GEMM per step.
///
/// Sequences of different lengths: pass `lengths` (1…T per example). A
/// sequence's state stops changing after its last valid frame, the backward
/// direction starts at that frame, outputs at padded frames are zero, and
/// `hidden`/`cell` hold the last valid states, so padding never changes a
/// result.
///
/// `forgetBias` adds a constant to the forget gate's pre-activation, as
/// TensorFlow's `BasicLSTMCell(forget_bias=1.0)` of the YouTube-8M starter
/// code does; 0 is PyTorch's LSTM.
public final class LSTM: Module, Layer, CustomReflectable {
    /// F, features per input frame.
    public let inputSize: Int
    /// H, units of the hidden state.
    public let hiddenSize: Int
    /// Stacked layers.
    public let layerCount: Int
    /// Whether each layer also reads the sequences backwards.
    public let isBidirectional: Bool
    /// Dropout probability on the outputs of every layer but the last (training only).
    public let dropout: Double
    /// Constant added to the forget gate's pre-activation (TensorFlow's `forget_bias`).
    public let forgetBias: Double
    /// `weights[layer][direction]`, direction 0 forward, 1 reverse.
    public let weights: [[RecurrentWeights]]
    var rng: RandomGenerator

    /// - Parameters:
    ///   - inputSize: F, features per frame of the input.
    ///   - hiddenSize: H, units of the hidden and cell states.
    ///   - layers: stacked layers; layer k > 0 reads the outputs of layer k − 1 (H·directions features).
    ///   - bidirectional: add a direction that reads each sequence backwards.
    ///   - bias: learn b_ih and b_hh (PyTorch's `bias`).
    ///   - dropout: between layers, as PyTorch's `dropout`.
    ///   - forgetBias: TensorFlow's constant forget-gate bias (1.0 in the starter `LstmModel`).
    ///   - inputInit: W_ih initialiser, default PyTorch's U(−1/√H, 1/√H) (biases always use it).
    ///   - recurrentInit: applied to each gate's [H, H] block of W_hh, default orthogonal.
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    ///   - seed: seeds the dropout masks.
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, bias: Bool = true,
                dropout: Double = 0, forgetBias: Double = 0, inputInit: Initializer? = nil,
                recurrentInit: Initializer = .orthogonal(), dtype: DType = .float32,
                rng: inout RandomGenerator, seed: UInt64 = 0x157D) {
        precondition(inputSize > 0 && hiddenSize > 0 && layers > 0,
                     "LSTM: sizes must be positive, got input \(inputSize), hidden \(hiddenSize), layers \(layers)")
        precondition(dropout >= 0 && dropout < 1, "LSTM: dropout must be in [0, 1), got \(dropout)")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        layerCount = layers
        isBidirectional = bidirectional
        self.dropout = dropout
        self.forgetBias = forgetBias
        let directions = bidirectional ? 2 : 1
        weights = (0..<layers).map { k in
            (0..<directions).map { _ in
                RecurrentWeights(gates: 4, inputSize: k == 0 ? inputSize : hiddenSize * directions, hiddenSize: hiddenSize,
                                 bias: bias, inputInit: inputInit, recurrentInit: recurrentInit, dtype: dtype, rng: &rng)
            }
        }
        self.rng = RandomGenerator(seed: seed)
    }

    /// 1, or 2 for a bidirectional LSTM.
    public var directionCount: Int { isBidirectional ? 2 : 1 }

    /// PyTorch's parameter names (`weight_ih_l0`, `weight_hh_l0_reverse`, …) for the state dict.
    public var customMirror: Mirror { pytorchRecurrentMirror(self, weights) }

    /// The outputs [B, T, H·directions] of a batch of full-length sequences.
    public func forward(_ x: Tensor) -> Tensor { self(x, lengths: nil).output }

    /// Runs the LSTM over x [B, T, inputSize].
    /// - Parameters:
    ///   - x: the input sequences [B, T, inputSize].
    ///   - lengths: valid frames per example (1…T); nil when every sequence fills T.
    ///   - initialHidden: h₀ of every layer and direction, [layers·directions, B, H]; zeros when nil.
    ///   - initialCell: c₀, [layers·directions, B, H]; zeros when nil.
    public func callAsFunction(_ x: Tensor, lengths: [Int]?, initialHidden: Tensor? = nil,
                               initialCell: Tensor? = nil) -> RecurrentOutput {
        checkSequenceInput(x, features: inputSize, lengths: lengths, layer: "LSTM")
        let (nb, nt, h) = (x.shape[0], x.shape[1], hiddenSize)
        let count = layerCount * directionCount
        let forgetConstant: Tensor? = forgetBias == 0 ? nil : {
            var v = [Double](repeating: 0, count: 4 * h)
            for j in h..<(2 * h) { v[j] = forgetBias }
            return Tensor(v).converted(to: x.dtype)
        }()
        return runRecurrentStack(x, lengths: lengths, layers: layerCount, directions: directionCount, dropout: dropout,
                                 training: isTraining, rng: &rng) { input, l, d in
            let w = weights[l][d], k = l * directionCount + d
            let h0 = initialState(initialHidden, index: k, count: count, batch: nb, hidden: h, dtype: x.dtype,
                                  layer: "LSTM", name: "initialHidden")
            let c0 = initialState(initialCell, index: k, count: count, batch: nb, hidden: h, dtype: x.dtype,
                                  layer: "LSTM", name: "initialCell")
            var inputBias = w.biasIH?.value
            if let forgetConstant { inputBias = inputBias.map { $0 + forgetConstant } ?? forgetConstant }
            let projections = matmul(input, w.weightIH.value, transposeB: true)
            let states = lstmRecurrence(projections, recurrentWeight: w.weightHH.value, initialHidden: h0, initialCell: c0,
                                        inputBias: inputBias, recurrentBias: w.biasHH?.value,
                                        lengths: lengths, reversed: d == 1)
            // The final state sits at the last frame forwards, at frame 0 backwards.
            let last = d == 0 ? nt - 1 : 0
            let final = states[nil, last..<(last + 1)].reshaped(to: [nb, 2 * h])
            return (states[nil, nil, 0..<h], final[nil, 0..<h], final[nil, h..<(2 * h)])
        }
    }
}

import Tensor

/// A multi-layer, optionally bidirectional GRU over batch-first sequences
/// (Cho et al. 2014), with PyTorch's `torch.nn.GRU` gates and parameters:
/// rₜ, zₜ = σ(W_i{r,z}·xₜ + b_i{r,z} + W_h{r,z}·h_{t−1} + b_h{r,z});
/// nₜ = tanh(W_in·xₜ + b_in + rₜ⊙(W_hn·h_{t−1} + b_hn)); hₜ = (1 − zₜ)⊙nₜ + zₜ⊙h_{t−1}.
///
/// Parameters carry PyTorch's state-dict names (`weight_ih_l0`, …,
/// `bias_hh_l1_reverse`; W [3H, in], gates stacked r, z, n); in Swift they
/// are `weights[layer][direction]`. The reset gate multiplies W_hn·h + b_hn
/// (PyTorch and cuDNN), not h before the product (the 2014 paper and
/// TensorFlow's `GRUCell`).
///
/// Input projections of all frames are one GEMM per layer and direction;
/// the recurrence is the fused
/// ``gruRecurrence(_:recurrentWeight:initialHidden:inputBias:recurrentBias:lengths:reversed:)``.
/// `lengths` works as for ``LSTM``: padding never changes a result.
public final class GRU: Module, Layer, CustomReflectable {
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
    /// `weights[layer][direction]`, direction 0 forward, 1 reverse.
    public let weights: [[RecurrentWeights]]
    var rng: RandomGenerator

    /// - Parameters:
    ///   - inputSize: F, features per frame of the input.
    ///   - hiddenSize: H, units of the hidden state.
    ///   - layers: stacked layers; layer k > 0 reads the outputs of layer k − 1.
    ///   - bidirectional: add a direction that reads each sequence backwards.
    ///   - bias: learn b_ih and b_hh.
    ///   - dropout: between layers, as PyTorch's `dropout`.
    ///   - inputInit: W_ih initialiser, default PyTorch's U(−1/√H, 1/√H) (biases always use it).
    ///   - recurrentInit: applied to each gate's [H, H] block of W_hh, default orthogonal.
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    ///   - seed: seeds the dropout masks.
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, bidirectional: Bool = false, bias: Bool = true,
                dropout: Double = 0, inputInit: Initializer? = nil, recurrentInit: Initializer = .orthogonal(),
                dtype: DType = .float32, rng: inout RandomGenerator, seed: UInt64 = 0x6A0) {
        precondition(inputSize > 0 && hiddenSize > 0 && layers > 0,
                     "GRU: sizes must be positive, got input \(inputSize), hidden \(hiddenSize), layers \(layers)")
        precondition(dropout >= 0 && dropout < 1, "GRU: dropout must be in [0, 1), got \(dropout)")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        layerCount = layers
        isBidirectional = bidirectional
        self.dropout = dropout
        let directions = bidirectional ? 2 : 1
        weights = (0..<layers).map { k in
            (0..<directions).map { _ in
                RecurrentWeights(gates: 3, inputSize: k == 0 ? inputSize : hiddenSize * directions, hiddenSize: hiddenSize,
                                 bias: bias, inputInit: inputInit, recurrentInit: recurrentInit, dtype: dtype, rng: &rng)
            }
        }
        self.rng = RandomGenerator(seed: seed)
    }

    /// 1, or 2 for a bidirectional GRU.
    public var directionCount: Int { isBidirectional ? 2 : 1 }

    /// PyTorch's parameter names (`weight_ih_l0`, `weight_hh_l0_reverse`, …) for the state dict.
    public var customMirror: Mirror { pytorchRecurrentMirror(self, weights) }

    /// The outputs [B, T, H·directions] of a batch of full-length sequences.
    public func forward(_ x: Tensor) -> Tensor { self(x, lengths: nil).output }

    /// Runs the GRU over x [B, T, inputSize].
    /// - Parameters:
    ///   - x: the input sequences [B, T, inputSize].
    ///   - lengths: valid frames per example (1…T); nil when every sequence fills T.
    ///   - initialHidden: [layers·directions, B, H]; zeros when nil.
    public func callAsFunction(_ x: Tensor, lengths: [Int]?, initialHidden: Tensor? = nil) -> RecurrentOutput {
        checkSequenceInput(x, features: inputSize, lengths: lengths, layer: "GRU")
        let (nb, nt, h) = (x.shape[0], x.shape[1], hiddenSize)
        let count = layerCount * directionCount
        return runRecurrentStack(x, lengths: lengths, layers: layerCount, directions: directionCount, dropout: dropout,
                                 training: isTraining, rng: &rng) { input, l, d in
            let w = weights[l][d]
            let h0 = initialState(initialHidden, index: l * directionCount + d, count: count, batch: nb, hidden: h,
                                  dtype: x.dtype, layer: "GRU", name: "initialHidden")
            let projections = matmul(input, w.weightIH.value, transposeB: true)
            let outputs = gruRecurrence(projections, recurrentWeight: w.weightHH.value, initialHidden: h0,
                                        inputBias: w.biasIH?.value, recurrentBias: w.biasHH?.value,
                                        lengths: lengths, reversed: d == 1)
            // The final state sits at the last frame forwards, at frame 0 backwards.
            let last = d == 0 ? nt - 1 : 0
            return (outputs, outputs[nil, last..<(last + 1)].reshaped(to: [nb, h]), nil)
        }
    }
}

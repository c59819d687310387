import Tensor

/// One Transformer encoder layer (Vaswani et al. 2017) over [B, T, D], as
/// `torch.nn.TransformerEncoderLayer(batch_first=True)`:
/// post-norm (PyTorch's default) x ← LN₁(x + Drop(SA(x))), x ← LN₂(x + Drop(FFN(x)));
/// pre-norm (`normFirst`, Xiong et al. 2020) x ← x + Drop(SA(LN₁(x))), x ← x + Drop(FFN(LN₂(x)));
/// FFN(x) = Linear₂(Drop(act(Linear₁(x)))), act = ReLU or GELU.
///
/// Sub-modules carry PyTorch's names (`selfAttn`, `linear1`, `linear2`,
/// `norm1`, `norm2`), so state dicts convert key by key. The attention
/// weights get the same dropout probability, as in PyTorch.
public final class TransformerEncoderLayer: Module, Layer {
    /// The activation between the two feed-forward layers.
    public enum Activation: Sendable {
        /// ReLU, PyTorch's default (`"relu"`).
        case relu
        /// GELU, exact erf form (PyTorch's `"gelu"`).
        case gelu
    }

    /// The self-attention block (`self_attn`).
    public let selfAttn: MultiHeadSelfAttention
    /// The feed-forward block's first layer, dModel → feedForward (`linear1`).
    public let linear1: Linear
    /// Dropout between the feed-forward layers (`dropout`).
    public let dropout: Dropout
    /// The feed-forward block's second layer, feedForward → dModel (`linear2`).
    public let linear2: Linear
    /// The layer norm of the attention block (`norm1`).
    public let norm1: LayerNorm
    /// The layer norm of the feed-forward block (`norm2`).
    public let norm2: LayerNorm
    /// Dropout on the attention block's output (`dropout1`).
    public let dropout1: Dropout
    /// Dropout on the feed-forward block's output (`dropout2`).
    public let dropout2: Dropout
    /// The feed-forward block's non-linearity.
    public let activation: Activation
    /// Pre-norm when true, post-norm (PyTorch's default) when false.
    public let normFirst: Bool

    /// - Parameters:
    ///   - dModel: D, the frame size in and out.
    ///   - numHeads: attention heads; must divide D.
    ///   - feedForward: hidden size of the feed-forward block (PyTorch's `dim_feedforward`).
    ///   - dropout: one probability for the attention weights, the feed-forward hidden layer and both residual branches.
    ///   - activation: the feed-forward block's non-linearity (PyTorch's default ReLU).
    ///   - normFirst: layer norm before each sub-block instead of after (PyTorch's `norm_first`).
    ///   - layerNormEpsilon: ε of both layer norms (PyTorch's `layer_norm_eps`, 1e-5).
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    public init(dModel: Int, numHeads: Int, feedForward: Int = 2048, dropout: Double = 0.1,
                activation: Activation = .relu, normFirst: Bool = false, layerNormEpsilon: Double = 1e-5,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        selfAttn = MultiHeadSelfAttention(embedDim: dModel, numHeads: numHeads, dropout: dropout, dtype: dtype, rng: &rng)
        linear1 = Linear(dModel, feedForward, dtype: dtype, rng: &rng)
        self.dropout = Dropout(dropout, seed: rng.next())
        linear2 = Linear(feedForward, dModel, dtype: dtype, rng: &rng)
        norm1 = LayerNorm(dModel, epsilon: layerNormEpsilon, dtype: dtype)
        norm2 = LayerNorm(dModel, epsilon: layerNormEpsilon, dtype: dtype)
        dropout1 = Dropout(dropout, seed: rng.next())
        dropout2 = Dropout(dropout, seed: rng.next())
        self.activation = activation
        self.normFirst = normFirst
    }

    /// Width of the input and output vectors.
    public var dModel: Int { selfAttn.embedDim }

    /// The layer over every frame (no padding).
    public func forward(_ x: Tensor) -> Tensor { callAsFunction(x, mask: nil) }

    /// The layer with attention restricted to the real frames of each video
    /// (padding positions are still transformed, and should be ignored).
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The layer over x [B, T, dModel]; masked frames are not attended to.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor {
        precondition(x.rank == 3 && x.shape[2] == dModel,
                     "TransformerEncoderLayer: input \(x.shape) must be [batch, time, \(dModel)]")
        mask?.check(x, layer: "TransformerEncoderLayer")
        if normFirst {
            let a = x + dropout1(selfAttn(norm1(x), mask: mask))
            return a + dropout2(feedForward(norm2(a)))
        }
        let a = norm1(x + dropout1(selfAttn(x, mask: mask)))
        return norm2(a + dropout2(feedForward(a)))
    }

    /// The feed-forward block alone: Linear₂(Drop(act(Linear₁(x)))).
    public func feedForward(_ x: Tensor) -> Tensor {
        let hidden = linear1(x)
        let activated: Tensor
        switch activation {
        case .relu: activated = relu(hidden)
        case .gelu: activated = gelu(hidden)
        }
        return linear2(dropout(activated))
    }
}

/// A stack of ``TransformerEncoderLayer``s with an optional final
/// LayerNorm, as `torch.nn.TransformerEncoder(layer, numLayers, norm)`:
/// parameters `layers.0.selfAttn.inProjWeight`, …, `norm.weight`.
/// Pre-norm stacks usually want the final norm; post-norm ones do not.
public final class TransformerEncoder: Module, Layer {
    /// The encoder layers, applied in order (`layers.0`, `layers.1`, …).
    public let layers: [TransformerEncoderLayer]
    /// The final layer norm, or nil (PyTorch's `norm`).
    public let norm: LayerNorm?

    /// `numLayers` independently initialised layers with the given options.
    public init(numLayers: Int, dModel: Int, numHeads: Int, feedForward: Int = 2048, dropout: Double = 0.1,
                activation: TransformerEncoderLayer.Activation = .relu, normFirst: Bool = false,
                finalNorm: Bool = false, layerNormEpsilon: Double = 1e-5,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(numLayers >= 1, "TransformerEncoder: needs at least one layer, got \(numLayers)")
        var layers: [TransformerEncoderLayer] = []
        for _ in 0..<numLayers {
            layers.append(TransformerEncoderLayer(dModel: dModel, numHeads: numHeads, feedForward: feedForward,
                                                  dropout: dropout, activation: activation, normFirst: normFirst,
                                                  layerNormEpsilon: layerNormEpsilon, dtype: dtype, rng: &rng))
        }
        self.layers = layers
        norm = finalNorm ? LayerNorm(dModel, epsilon: layerNormEpsilon, dtype: dtype) : nil
    }

    /// The encoder over x [B, T, dModel] with every frame valid.
    public func forward(_ x: Tensor) -> Tensor { callAsFunction(x, mask: nil) }

    /// The layers in order, each attending to the real frames of each video.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The encoder over x [B, T, dModel]; masked frames are not attended to.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor {
        let y = layers.reduce(x) { $1($0, mask: mask) }
        return norm.map { $0(y) } ?? y
    }
}

import Tensor

/// Multi-head self-attention (Vaswani et al. 2017) over [B, T, D], as
/// `torch.nn.MultiheadAttention(D, heads, batch_first=True)` called with
/// query = key = value = x and a key padding mask:
/// headₕ = softmax(QₕKₕᵀ/√d + M)·Vₕ, Q = xW_qᵀ + b_q (likewise K, V), y = [head₁ … head_H]·W_oᵀ + b_o,
/// with d = D/H and M = −10⁹ on padding keys.
///
/// Parameters use PyTorch's names in camel case: `inProjWeight` [3D, D]
/// (rows 0..<D project queries, D..<2D keys, 2D..<3D values),
/// `inProjBias` [3D], `outProj.weight` [D, D], `outProj.bias` [D]; a
/// state dict converts key by key (`in_proj_weight` ↔ `inProjWeight`).
/// Initialisation as PyTorch: Glorot-uniform in-projection, zero biases,
/// U(±1/√D) output weight.
///
/// Masking: padding frames are never attended to, so real frames' outputs
/// do not depend on padding. A video with no real frame gets all-zero
/// attention weights (its output is `outProj.bias`), never NaN. Outputs at
/// padding positions are computed like the others (as PyTorch's) and
/// should be ignored downstream (``maskedMean(_:mask:)``).
///
/// Cost: three GEMMs over B·T rows for Q, K, V (1/√d folded into the small
/// query weights), one copy each to put heads first, batched QKᵀ with the
/// transpose passed to BLAS (no copy of K), batched P·V, one copy to merge
/// heads, one output GEMM.
public final class MultiHeadSelfAttention: Module, Layer {
    /// W_q, W_k and W_v stacked, [3·embedDim, embedDim] (PyTorch's `in_proj_weight`).
    public let inProjWeight: Parameter
    /// Their biases, [3·embedDim] (`in_proj_bias`), or nil without bias.
    public let inProjBias: Parameter?
    /// The output projection (`out_proj`).
    public let outProj: Linear
    /// Dropout on the attention weights (PyTorch's `dropout`).
    public let dropout: Dropout
    /// Attention heads; each attends over embedDim / numHeads dimensions.
    public let numHeads: Int

    /// - Parameters:
    ///   - embedDim: D, the size of each frame in and out.
    ///   - numHeads: H; must divide D.
    ///   - dropout: probability of dropping an attention weight in training.
    ///   - bias: whether the in- and out-projections have biases.
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    public init(embedDim: Int, numHeads: Int, dropout: Double = 0, bias: Bool = true,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(embedDim > 0 && numHeads > 0 && embedDim % numHeads == 0,
                     "MultiHeadSelfAttention: embedDim \(embedDim) must be a positive multiple of numHeads \(numHeads)")
        inProjWeight = Parameter(Initializer.glorotUniform().make([3 * embedDim, embedDim], dtype: dtype, using: &rng))
        inProjBias = bias ? Parameter(Tensor.zeros([3 * embedDim], dtype: dtype)) : nil
        outProj = Linear(embedDim, embedDim, bias: bias, biasInit: .zeros, dtype: dtype, rng: &rng)
        self.dropout = Dropout(dropout, seed: rng.next())
        self.numHeads = numHeads
    }

    /// Width of the input and output vectors.
    public var embedDim: Int { inProjWeight.shape[1] }
    /// Dimensions per head.
    public var headDim: Int { embedDim / numHeads }

    /// Self-attention over every frame (no padding).
    public func forward(_ x: Tensor) -> Tensor { attend(x, mask: nil).output }

    /// Self-attention over the real frames of each video.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// Self-attention over x [B, T, embedDim]; masked frames are not attended to.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor { attend(x, mask: mask).output }

    /// The output [B, T, D] and the attention weights [B, H, T, T]
    /// (weights[b, h, query, key], before dropout; rows sum to 1 over the
    /// real keys, 0 for a video with no real frame).
    public func attend(_ x: Tensor, mask: SequenceMask?) -> (output: Tensor, weights: Tensor) {
        precondition(x.rank == 3 && x.shape[2] == embedDim,
                     "MultiHeadSelfAttention: input \(x.shape) must be [batch, time, \(embedDim)] (in-projection \(inProjWeight.shape))")
        mask?.check(x, layer: "MultiHeadSelfAttention")
        let (b, t, h, d) = (x.shape[0], x.shape[1], numHeads, headDim)
        let w = inProjWeight.value.split(count: 3, axis: 0)
        let bias = inProjBias?.value.split(count: 3, axis: 0)
        // [B, T, D] → [B, H, T, d]; the scale of the logits goes into the query weights.
        func project(_ i: Int, scale: Double) -> Tensor {
            var y = matmul(x, scale == 1 ? w[i] : w[i] * scale, transposeB: true)
            if let bias { y = y + (scale == 1 ? bias[i] : bias[i] * scale) }
            return y.reshaped(to: [b, t, h, d]).permuted([0, 2, 1, 3])
        }
        let q = project(0, scale: 1 / Double(d).squareRoot()), k = project(1, scale: 1), v = project(2, scale: 1)
        var logits = matmul(q, k, transposeB: true)                       // [B, H, T, T]
        var keyWeights: Tensor? = nil
        if let mask, !mask.isFull {
            logits = logits + mask.additiveBias(dtype: x.dtype).reshaped(to: [b, 1, 1, t])
            if mask.hasEmptySequences { keyWeights = mask.weights(dtype: x.dtype).reshaped(to: [b, 1, 1, t]) }
        }
        var p = softmax(logits, axis: -1)
        if let keyWeights { p = p * keyWeights }                          // all-padding rows → 0
        let heads = matmul(dropout(p), v)                                 // [B, H, T, d]
        let merged = heads.permuted([0, 2, 1, 3]).reshaped(to: [b, t, h * d])
        return (outProj(merged), p)
    }
}

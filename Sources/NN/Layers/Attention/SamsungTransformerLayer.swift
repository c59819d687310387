import Tensor

/// The self-attention layer of the Samsung 2018 YouTube-8M "transformer"
/// (twoleggedeye/youtube8m sequence_models/attention.py, `MultiHeadSelfAttention`
/// + one step of `TransformerEncoder`), docs/zoo.md:
/// y = ReLU(Drop([A₁ … A_H]·W_oᵀ + b_o)), Aₕ = softmax_keys((x+P)Qₕ·((x+P)Kₕ)ᵀ / √D_in)·x·Vₕ,
/// with per-head projections Qₕ, Kₕ: D_in → D_out and Vₕ: D_in → D_out (no
/// bias), position codes P added to queries and keys only (not values),
/// temperature √D_in (the *input* size, not the head size), and no
/// residual, LayerNorm or feed-forward block.
///
/// Parameters: `queryProjections`, `keyProjections`, `valueProjections`
/// [H, D_in, D_out] (the reference's layout, applied as x·Qₕ), Glorot-normal
/// with PyTorch's fans for a 3-D tensor (fan-in D_in·D_out, fan-out
/// H·D_out), and `projection` Linear(H·D_out → D_out).
///
/// Masking follows the reference's intent: padding keys get zero weight,
/// and padding queries (whose every key-query pair the reference masks)
/// give zero attention output, so they leave the projection as ReLU(b_o).
/// The reference masks with −∞ and then overwrites the NaN rows with 0;
/// here a large negative logit and a multiply give the same values with
/// no NaN anywhere. Not ours, from the reference's classifier: the padding
/// mask inferred from |x|.sum > 0, the mean over time including padding
/// rows, and the sigmoid output fed to BCE-with-logits (a double sigmoid);
/// models here pool with ``maskedMean(_:mask:)`` and emit logits.
public final class SamsungTransformerLayer: Module, Layer {
    /// Position codes added to queries and keys.
    public enum PositionCoding: Sendable {
        /// No position information ("without positional encoding").
        case none
        /// The reference's sin(2π·t·2(j+1)/maxLength) (``SinusoidalPositionalEncoding/samsungTable(length:dim:frequencyFactor:dtype:)``).
        case samsungSine(maxLength: Int)
        /// Vaswani's sin/cos table (``SinusoidalPositionalEncoding/vaswaniTable(length:dim:dtype:)``).
        case sinusoidal(maxLength: Int)
    }

    /// Each head's query projection, [heads, inputSize, outputSize].
    public let queryProjections: Parameter
    /// Each head's key projection, [heads, inputSize, outputSize].
    public let keyProjections: Parameter
    /// Each head's value projection, [heads, inputSize, outputSize].
    public let valueProjections: Parameter
    /// The projection of the concatenated heads back to the output width.
    public let projection: Linear
    /// Dropout on the attention output, training only.
    public let dropout: Dropout
    /// [maxLength, D_in], or nil without position codes (a constant, not saved).
    public let positionCodes: Tensor?
    /// √D_in.
    public let temperature: Double

    /// - Parameters:
    ///   - inputSize: D_in, the frame size in.
    ///   - outputSize: D_out, the per-head value size and the frame size out.
    ///   - numHeads: H.
    ///   - dropout: after the output projection (the reference's default 0.3).
    ///   - positionCoding: defaults to the reference's codes with its `max_length` default 500.
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    public init(inputSize: Int, outputSize: Int, numHeads: Int, dropout: Double = 0.3,
                positionCoding: PositionCoding = .samsungSine(maxLength: 500),
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(inputSize > 0 && outputSize > 0 && numHeads > 0,
                     "SamsungTransformerLayer: sizes must be positive, got in \(inputSize), out \(outputSize), heads \(numHeads)")
        let shape = [numHeads, inputSize, outputSize]
        queryProjections = Parameter(Initializer.glorotNormal().make(shape, dtype: dtype, using: &rng))
        keyProjections = Parameter(Initializer.glorotNormal().make(shape, dtype: dtype, using: &rng))
        valueProjections = Parameter(Initializer.glorotNormal().make(shape, dtype: dtype, using: &rng))
        projection = Linear(numHeads * outputSize, outputSize, dtype: dtype, rng: &rng)
        self.dropout = Dropout(dropout, seed: rng.next())
        switch positionCoding {
        case .none: positionCodes = nil
        case .samsungSine(let n): positionCodes = SinusoidalPositionalEncoding.samsungTable(length: n, dim: inputSize, dtype: dtype)
        case .sinusoidal(let n): positionCodes = SinusoidalPositionalEncoding.vaswaniTable(length: n, dim: inputSize, dtype: dtype)
        }
        temperature = Double(inputSize).squareRoot()
    }

    /// Attention heads.
    public var numHeads: Int { queryProjections.shape[0] }
    /// Features per input frame.
    public var inputSize: Int { queryProjections.shape[1] }
    /// Features per head.
    public var outputSize: Int { queryProjections.shape[2] }

    /// The layer over x [B, T, inputSize] with every frame valid.
    public func forward(_ x: Tensor) -> Tensor { callAsFunction(x, mask: nil) }

    /// [B, T, D_in] → [B, T, D_out], attending to the real frames of each video.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The layer over x [B, T, inputSize]; masked frames are not attended to.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor {
        precondition(x.rank == 3 && x.shape[2] == inputSize,
                     "SamsungTransformerLayer: input \(x.shape) must be [batch, time, \(inputSize)] (projections \(queryProjections.shape))")
        let (b, t, h, d) = (x.shape[0], x.shape[1], numHeads, outputSize)
        mask?.check(x, layer: "SamsungTransformerLayer")
        var keysAndQueries = x
        if let positionCodes {
            precondition(t <= positionCodes.shape[0],
                         "SamsungTransformerLayer: input \(x.shape) has \(t) steps, more than the \(positionCodes.shape[0]) position codes")
            keysAndQueries = x + positionCodes.sliced(axis: 0, range: 0..<t).converted(to: x.dtype)
        }
        // x·Wₕ for every head in one GEMM: [H, D_in, D_out] → [D_in, H·D_out], then heads first.
        func project(_ input: Tensor, _ w: Parameter, scale: Double) -> Tensor {
            var weights = w.value.permuted([1, 0, 2]).reshaped(to: [inputSize, h * d])
            if scale != 1 { weights = weights * scale }
            return matmul(input, weights).reshaped(to: [b, t, h, d]).permuted([0, 2, 1, 3])
        }
        let q = project(keysAndQueries, queryProjections, scale: 1 / temperature)
        let k = project(keysAndQueries, keyProjections, scale: 1)
        let v = project(x, valueProjections, scale: 1)
        var logits = matmul(q, k, transposeB: true)                        // [B, H, T, T]
        var queryWeights: Tensor? = nil, keyWeights: Tensor? = nil
        if let mask, !mask.isFull {
            logits = logits + mask.additiveBias(dtype: x.dtype).reshaped(to: [b, 1, 1, t])
            queryWeights = mask.weights(dtype: x.dtype).reshaped(to: [b, t, 1])
            if mask.hasEmptySequences { keyWeights = mask.weights(dtype: x.dtype).reshaped(to: [b, 1, 1, t]) }
        }
        var p = softmax(logits, axis: -1)
        if let keyWeights { p = p * keyWeights }
        var heads = matmul(p, v).permuted([0, 2, 1, 3]).reshaped(to: [b, t, h * d])
        if let queryWeights { heads = heads * queryWeights }               // padding queries attend to nothing
        return relu(dropout(projection(heads)))
    }
}

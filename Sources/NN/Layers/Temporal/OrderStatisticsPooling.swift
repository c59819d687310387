import Tensor

/// Learned order-statistics pooling over time: per-frame scores sorted
/// along time per class, then mixed by a small network over the sorted
/// positions, the head of Samsung 2018 `ResNetLikeSort`
/// (twoleggedeye/youtube8m sequence_models/models.py), docs/zoo.md:
/// s[b, r, c] = r-th largest score of class c over video b's real frames (0 for r ≥ nᵦ),
/// y[b, c] = w₂·Drop(LeakyReLU(W₁·s[b, :, c] + b₁)) + b₂ (or y = w·s[b, :, c] + b without a hidden layer).
///
/// The input is per-frame scores [B, T', C] (a time-distributed dense
/// layer's output); T' > T keeps the T largest (top-k), T' < T pads with
/// zeros. The sorted values are differentiable (sort = gather), the order
/// is not. Parameters: `hidden` Linear(T → H) and `output` Linear(H → 1),
/// applied across the sorted positions as batched products (no transposed
/// copy), shared by every class: the reference's 1×1 convolutions
/// Conv1d(303 → 1000) and Conv1d(1000 → 1).
///
/// Differences from the reference, on purpose: it sorts ascending over all
/// 303 zero-padded frames, so the padding frames' scores mix with the real
/// ones; here the real frames are sorted descending and the ranks past the
/// video's length are 0 (for full-length videos this is the reference with
/// the mixing weights reversed). Its FCBlock's BatchNorm with batch
/// statistics (`track_running_stats=False`) is left to the model.
public final class OrderStatisticsPooling: Module, Layer {
    /// Linear(T → H) over each class's sorted scores, or nil without a hidden layer.
    public let hidden: Linear?
    /// Linear(H → 1) (or T → 1) mixing the ranks into one score per class.
    public let output: Linear
    /// Dropout after the hidden layer, training only.
    public let dropout: Dropout
    /// Slope of the LeakyReLU below 0.
    public let negativeSlope: Double

    /// - Parameters:
    ///   - frames: T, the number of sorted positions mixed (303 in the reference).
    ///   - hiddenSize: H (1000 in the reference), or nil for one linear mix of the order statistics.
    ///   - negativeSlope: of the LeakyReLU (PyTorch's 0.01).
    ///   - dropout: after the hidden activation (the reference's 0.5).
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    public init(frames: Int = 303, hiddenSize: Int? = 1000, negativeSlope: Double = 0.01, dropout: Double = 0.5,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(frames > 0 && (hiddenSize ?? 1) > 0,
                     "OrderStatisticsPooling: frames \(frames) and hidden size \(hiddenSize.map(String.init) ?? "nil") must be positive")
        hidden = hiddenSize.map { Linear(frames, $0, dtype: dtype, rng: &rng) }
        output = Linear(hiddenSize ?? frames, 1, dtype: dtype, rng: &rng)
        self.dropout = Dropout(dropout, seed: rng.next())
        self.negativeSlope = negativeSlope
    }

    /// T, the sorted positions mixed.
    public var frames: Int { hidden?.inFeatures ?? output.inFeatures }

    /// The pooling of per-frame scores x [B, T', C] with every frame valid, [B, C].
    public func forward(_ x: Tensor) -> Tensor { callAsFunction(x, mask: nil) }

    /// Per-frame scores [B, T', C] → one score per class [B, C].
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The pooling of per-frame scores x [B, T', C], [B, C]: each class's scores over the valid frames sorted descending and mixed by rank.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor {
        precondition(x.rank == 3, "OrderStatisticsPooling: input \(x.shape) must be [batch, time, classes]")
        let (b, c) = (x.shape[0], x.shape[2])
        let s = sortedScores(x, mask: mask)                                  // [B, T, C]
        func mix(_ layer: Linear, _ input: Tensor) -> Tensor {
            let y = matmul(layer.weight.value, input)                        // [out, T]·[B, T, C] → [B, out, C]
            return layer.bias.map { y + $0.value.reshaped(to: [layer.outFeatures, 1]) } ?? y
        }
        var z = s
        if let hidden { z = dropout(leakyRelu(mix(hidden, z), slope: negativeSlope)) }
        return mix(output, z).reshaped(to: [b, c])
    }

    /// s[b, r, c]: the real frames' scores of each class in descending
    /// order, zeros past each video's length, cut or padded to T ranks.
    public func sortedScores(_ x: Tensor, mask: SequenceMask?) -> Tensor {
        precondition(x.rank == 3, "OrderStatisticsPooling: input \(x.shape) must be [batch, time, classes]")
        mask?.check(x, layer: "OrderStatisticsPooling")
        let t = x.shape[1]
        var scores = x
        let partial = mask.map { !$0.isFull } ?? false
        if let mask, partial {
            scores = x.maskedFill(mask.padding.reshaped(to: [mask.batch, t, 1]), value: -.infinity)
        }
        var s = t > frames ? scores.topK(frames, axis: 1).values : scores.sorted(axis: 1, descending: true).values
        if let mask, partial {
            let kept = Swift.min(t, frames)
            let empty = mask.rankValid.sliced(axis: 1, range: 0..<kept) .== 0
            s = s.maskedFill(empty.reshaped(to: [mask.batch, kept, 1]), value: 0)
        }
        if t < frames { s = s.padded(axis: 1, before: 0, after: frames - t) }
        return s
    }
}

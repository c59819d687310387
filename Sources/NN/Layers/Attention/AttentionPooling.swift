import Tensor

/// Attention pooling over time, one score per frame (Samsung 2018
/// `EarlyConcatLSTM4`, twoleggedeye/youtube8m sequence_models/models.py;
/// docs/zoo.md): for frames x [B, T, D],
/// w_b = softmax over the real t of (a·x_{b,t} + c), y_b = Σ_t w_{b,t}·x_{b,t}, y [B, D].
///
/// The score is `attention`, a Linear(D → 1) (PyTorch names
/// `attention.weight` [1, D], `attention.bias` [1]). Intended math, not the
/// reference's shortcut: the softmax runs over each video's real frames only
/// (the reference pads the packed LSTM outputs with zero rows and lets
/// them take a share exp(c) of the softmax). A video without a real frame
/// pools to 0.
public final class AttentionPooling: Module, Layer {
    /// The score of each frame, features → 1.
    public let attention: Linear

    /// Attention pooling over frames of `features` features.
    public init(_ features: Int, dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(features > 0, "AttentionPooling: features must be positive, got \(features)")
        attention = Linear(features, 1, dtype: dtype, rng: &rng)
    }

    /// D.
    public var features: Int { attention.inFeatures }

    /// The pooled vectors [B, D] over every frame.
    public func forward(_ x: Tensor) -> Tensor { pool(x, mask: nil).output }

    /// The pooled vectors [B, D] over the real frames of each video.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The attention-weighted mean [B, features] of frames x [B, T, features]; masked frames get weight 0.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor { pool(x, mask: mask).output }

    /// The pooled vectors [B, D] and the attention weights [B, T] (a
    /// distribution over each video's real frames, 0 on padding).
    public func pool(_ x: Tensor, mask: SequenceMask?) -> (output: Tensor, weights: Tensor) {
        precondition(x.rank == 3 && x.shape[2] == features,
                     "AttentionPooling: input \(x.shape) must be [batch, time, \(features)]")
        mask?.check(x, layer: "AttentionPooling")
        let scores = attention(x).reshaped(to: [x.shape[0], x.shape[1]])
        let (pooled, weights) = attentionPool(x, scores: scores, mask: mask)
        return (pooled, weights)
    }
}

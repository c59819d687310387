import Tensor

/// Mean over each video's real frames: [B, T, F] → [B, F],
/// y_b = (1/nᵦ)·Σ_{t real} x_{b,t} (0 for an empty video). The pooling of
/// the starter code's `FrameLevelLogisticModel` (which sums the zero-padded
/// frames and divides by num_frames).
public final class TemporalMeanPooling: Module, Layer {
    /// The mean pooling; it has no parameters.
    public override init() {}
    /// The mean over every frame of x [B, T, F].
    public func forward(_ x: Tensor) -> Tensor { maskedMean(x, mask: nil) }
    /// The mean over the valid frames of x [B, T, F], traced as a layer.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The mean over the valid frames of x [B, T, F] (0 for a video with none).
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor { maskedMean(x, mask: mask) }
}

/// Maximum over each video's real frames: [B, T, F] → [B, F],
/// y_b = max_{t real} x_{b,t} (0 for an empty video), as the time pooling
/// of Samsung's `EarlyConcatAlternate` (docs/zoo.md), which takes the
/// maximum over the zero-padded frames too.
public final class TemporalMaxPooling: Module, Layer {
    /// The maximum pooling; it has no parameters.
    public override init() {}
    /// The maximum over every frame of x [B, T, F].
    public func forward(_ x: Tensor) -> Tensor { maskedMax(x, mask: nil) }
    /// The maximum over the valid frames of x [B, T, F], traced as a layer.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The maximum over the valid frames of x [B, T, F] (0 for a video with none).
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor { maskedMax(x, mask: mask) }
}

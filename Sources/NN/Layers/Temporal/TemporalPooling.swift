import Tensor

/// Mean over each video's real frames: [B, T, F] → [B, F],
/// y_b = (1/nᵦ)·Σ_{t real} x_{b,t} (0 for an empty video). The pooling of
/// the starter code's `FrameLevelLogisticModel` (which sums the zero-padded
/// frames and divides by num_frames).
public final class TemporalMeanPooling: Module, Layer {
    public override init() {}
    public func forward(_ x: Tensor) -> Tensor { maskedMean(x, mask: nil) }
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor { maskedMean(x, mask: mask) }
}

/// Maximum over each video's real frames: [B, T, F] → [B, F],
/// y_b = max_{t real} x_{b,t} (0 for an empty video), as the time pooling
/// of Samsung's `EarlyConcatAlternate` (docs/zoo.md), which takes the
/// maximum over the zero-padded frames too.
public final class TemporalMaxPooling: Module, Layer {
    public override init() {}
    public func forward(_ x: Tensor) -> Tensor { maskedMax(x, mask: nil) }
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor { maskedMax(x, mask: mask) }
}

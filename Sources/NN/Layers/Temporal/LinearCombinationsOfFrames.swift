import Tensor

/// Learned linear combinations of frames, Samsung 2018 `LinearCombinations`
/// (twoleggedeye/youtube8m sequence_models/models.py), docs/zoo.md:
/// y[b, h, f] = c[h] + Σ_{t<T} W[h, t]·x̃[b, t, f], where x̃ is x with its
/// padding frames zeroed, zero-padded (or truncated) to T frames. One set
/// of T weights per output "head", shared by every feature.
///
/// `combination` is the reference's Linear(T → heads) (weight [heads, T],
/// T = 303, heads = 3), applied across time as one batched product W·x̃
/// with no transposed copy. Output [B, heads, F]; the reference flattens
/// its transposed [B, F, heads] result, i.e. feature-major, so its
/// flattened order is f·heads + h where `reshaped(to: [B, heads·F])` of
/// ours gives h·F + f (a fixed permutation of the next layer's inputs).
public final class LinearCombinationsOfFrames: Module, Layer {
    /// The combination weights over the frames, frames → heads.
    public let combination: Linear

    /// - Parameters:
    ///   - frames: T, the padded length (the reference's MAX_SEQ_LEN = 303).
    ///   - heads: number of combinations (the reference's `head_size`, 3).
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    public init(frames: Int = 303, heads: Int = 3, dtype: DType = .float32, rng: inout RandomGenerator) {
        combination = Linear(frames, heads, dtype: dtype, rng: &rng)
    }

    /// Frames combined (the sequence length the layer expects).
    public var frames: Int { combination.inFeatures }
    /// Combinations per feature.
    public var heads: Int { combination.outFeatures }

    /// The combinations of x [B, T, F] with every frame valid.
    public func forward(_ x: Tensor) -> Tensor { callAsFunction(x, mask: nil) }

    /// [B, T', F] → [B, heads, F]; frames past T are dropped.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The combinations [B, heads, F] of x [B, T, F], padded frames zeroed first.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor {
        precondition(x.rank == 3, "LinearCombinationsOfFrames: input \(x.shape) must be [batch, time, features]")
        mask?.check(x, layer: "LinearCombinationsOfFrames")
        var frames = x
        if let mask, !mask.isFull {
            frames = frames * mask.weights(dtype: x.dtype).reshaped(to: [mask.batch, mask.time, 1])
        }
        let t = x.shape[1]
        if t > self.frames { frames = frames.sliced(axis: 1, range: 0..<self.frames) }
        if t < self.frames { frames = frames.padded(axis: 1, before: 0, after: self.frames - t) }
        var y = matmul(combination.weight.value, frames)                    // [heads, T]·[B, T, F] → [B, heads, F]
        if let bias = combination.bias { y = y + bias.value.reshaped(to: [heads, 1]) }
        return y
    }
}

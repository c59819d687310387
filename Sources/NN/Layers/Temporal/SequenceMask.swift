import Tensor

/// Which frames of each video in a padded batch [B, T, …] are real.
///
/// YouTube-8M videos have up to 300 frames; a batch pads the shorter ones
/// (at the end) to a common T. Layers that pool, attend or sort over time
/// take a `SequenceMask` so that padding frames never change the outputs of
/// real frames. Build it from the number of frames of each video
/// (`lengths`, frames 0..<length are real) or from a [B, T] uint8 mask
/// (non-zero = real, any pattern).
public struct SequenceMask {
    /// [B, T] uint8: 1 for a real frame, 0 for padding.
    public let valid: Tensor
    /// Number of real frames of each video.
    public let counts: [Int]
    /// The lengths when the real frames of every video come first (a mask
    /// built from lengths, or a [B, T] mask of that form); nil otherwise.
    public let lengths: [Int]?

    /// The additive logit that switches a padding frame off before a
    /// softmax: exp(−10⁹ − m) is exactly 0 in float32 and float64, and
    /// unlike −∞ a fully padded row stays finite (it is zeroed afterwards).
    public static let maskedLogit = -1e9

    /// A mask where frames 0..<lengths[b] of video b are real.
    public init(lengths: [Int], time: Int) {
        precondition(time >= 0 && lengths.allSatisfy { $0 >= 0 && $0 <= time },
                     "SequenceMask: lengths \(lengths) must lie in 0...\(time) (time steps)")
        var v = [UInt8](repeating: 0, count: lengths.count * time)
        for (b, n) in lengths.enumerated() { for t in 0..<n { v[b * time + t] = 1 } }
        valid = Tensor(v, shape: [lengths.count, time])
        counts = lengths
        self.lengths = lengths
    }

    /// A mask from a [B, T] uint8 tensor, non-zero where a frame is real.
    public init(_ mask: Tensor) {
        precondition(mask.rank == 2 && mask.dtype == .uint8,
                     "SequenceMask: mask must be uint8 [batch, time], got \(mask.dtype)\(mask.shape)")
        let (batch, time) = (mask.shape[0], mask.shape[1])
        let m = mask.scalars(as: UInt8.self).map { $0 != 0 ? UInt8(1) : 0 }
        valid = Tensor(m, shape: [batch, time])
        var counts = [Int](repeating: 0, count: batch)
        var prefix = true
        for b in 0..<batch {
            let row = m[(b * time)..<((b + 1) * time)]
            counts[b] = row.reduce(0) { $0 + Int($1) }
            if row.prefix(counts[b]).contains(0) { prefix = false }
        }
        self.counts = counts
        lengths = prefix ? counts : nil
    }

    /// B, sequences in the batch.
    public var batch: Int { valid.shape[0] }
    /// T, frames per sequence.
    public var time: Int { valid.shape[1] }
    /// True when every frame of every video is real (masking is a no-op).
    public var isFull: Bool { counts.allSatisfy { $0 == time } }
    /// True when some video has no real frame at all.
    public var hasEmptySequences: Bool { counts.contains(0) }

    /// 1 for real frames and 0 for padding, [B, T] of a float dtype.
    public func weights(dtype: DType) -> Tensor { valid.converted(to: dtype) }

    /// 1 where a frame is padding, [B, T] uint8 (for `maskedFill`).
    public var padding: Tensor { valid .== 0 }

    /// 0 for real frames and ``maskedLogit`` for padding, [B, T]: added to
    /// attention logits before a softmax over time.
    public func additiveBias(dtype: DType) -> Tensor {
        (weights(dtype: dtype) - 1) * -SequenceMask.maskedLogit
    }

    /// 1/nᵦ for the real frames of video b and 0 elsewhere, [B, T] (0 for
    /// an empty video): the weights of a mean over real frames.
    public func meanWeights(dtype: DType) -> Tensor {
        let inverse = counts.map { $0 > 0 ? 1 / Double($0) : 0 }
        return weights(dtype: dtype) * Tensor(inverse, shape: [batch, 1]).converted(to: dtype)
    }

    /// 1 for rank r < nᵦ of video b, 0 after: which positions of a
    /// per-video sorted list of real frames hold a value, [B, T] uint8.
    public var rankValid: Tensor { SequenceMask(lengths: counts, time: time).valid }

    /// Stops with a message naming `layer` unless `x` is [B, T, …] with this mask's B and T.
    public func check(_ x: Tensor, layer: String) {
        precondition(x.rank >= 2 && x.shape[0] == batch && x.shape[1] == time,
                     "\(layer): input \(x.shape) does not match the sequence mask [\(batch), \(time)] (batch, time)")
    }

    /// The mask after a convolution over time with this geometry: video b
    /// keeps ⌊(nᵦ + 2·padding − dilation·(width − 1) − 1)/stride⌋ + 1 output
    /// steps (0 when negative), the output length of the video alone. Needs
    /// a mask whose real frames come first (see ``lengths``).
    public func convolved(width: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> SequenceMask {
        guard let lengths else {
            preconditionFailure("SequenceMask.convolved: the mask's real frames do not come first in every video; build it from lengths")
        }
        func out(_ n: Int) -> Int {
            let span = n + 2 * padding - dilation * (width - 1) - 1
            return span < 0 ? 0 : span / stride + 1
        }
        return SequenceMask(lengths: lengths.map(out), time: out(time))
    }
}

/// Mean over the real frames of each video: x [B, T, …] → [B, …],
/// y_b = (1/nᵦ)·Σ_{t real} x_{b,t} (0 for a video with no real frame).
/// Without a mask (or with a full one) this is `x.mean(axis: 1)`. Computed
/// as one batched product of the [B, 1, T] mean weights with x.
public func maskedMean(_ x: Tensor, mask: SequenceMask?) -> Tensor {
    precondition(x.rank >= 2, "maskedMean: input \(x.shape) must be [batch, time, …]")
    mask?.check(x, layer: "maskedMean")
    guard let mask, !mask.isFull else { return x.mean(axis: 1) }
    let rest = Array(x.shape.dropFirst(2))
    let (b, t) = (x.shape[0], x.shape[1])
    let w = mask.meanWeights(dtype: x.dtype).reshaped(to: [b, 1, t])
    return matmul(w, x.reshaped(to: [b, t, rest.reduce(1, *)])).reshaped(to: [b] + rest)
}

/// Attention-weighted sum over the real frames of each video: for frames
/// x [B, T, D] and one score per frame [B, T], w_b = softmax over the real t
/// of the scores (0 on padding, and for every frame of a video with no real
/// frame), y_b = Σ_t w_{b,t}·x_{b,t}, as one batched product. Returns y
/// [B, D] and w [B, T].
public func attentionPool(_ x: Tensor, scores: Tensor, mask: SequenceMask?) -> (pooled: Tensor, weights: Tensor) {
    precondition(x.rank == 3 && scores.shape == [x.shape[0], x.shape[1]],
                 "attentionPool: frames \(x.shape) must be [batch, time, features] and scores \(scores.shape) [batch, time]")
    let (b, t, d) = (x.shape[0], x.shape[1], x.shape[2])
    var logits = scores
    if let mask, !mask.isFull { logits = logits + mask.additiveBias(dtype: x.dtype) }
    var w = softmax(logits, axis: 1)
    if let mask, mask.hasEmptySequences { w = w * mask.weights(dtype: x.dtype) }
    return (matmul(w.reshaped(to: [b, 1, t]), x).reshaped(to: [b, d]), w)
}

/// Maximum over the real frames of each video: x [B, T, …] → [B, …],
/// y_b = max_{t real} x_{b,t} (0 for a video with no real frame). The
/// gradient goes to the first maximal real frame.
public func maskedMax(_ x: Tensor, mask: SequenceMask?) -> Tensor {
    precondition(x.rank >= 2, "maskedMax: input \(x.shape) must be [batch, time, …]")
    mask?.check(x, layer: "maskedMax")
    guard let mask, !mask.isFull else { return max(x, axis: 1) }
    let ones = [Int](repeating: 1, count: x.rank - 2)
    let filled = x.maskedFill(mask.padding.reshaped(to: [mask.batch, mask.time] + ones), value: -.infinity)
    let y = max(filled, axis: 1)
    guard mask.hasEmptySequences else { return y }
    let empty = Tensor(mask.counts.map { UInt8($0 == 0 ? 1 : 0) }, shape: [mask.batch] + ones)
    return y.maskedFill(empty, value: 0)
}

import Tensor

/// The valid-frame mask of a padded batch of videos [B, T, D]: a [B, T, 1]
/// tensor of the input's dtype, 1 for frame t < lengths[b] and 0 for the
/// padding after it; nil when `lengths` is nil (every frame is valid).
///
/// `layer` names the caller in the precondition messages.
public func frameMask(for frames: Tensor, lengths: [Int]?, layer: String) -> Tensor? {
    precondition(frames.rank == 3, "\(layer): frames must be [batch, time, features], got \(frames.shape)")
    guard let lengths else { return nil }
    let b = frames.shape[0], t = frames.shape[1]
    precondition(lengths.count == b,
                 "\(layer): \(lengths.count) lengths for a batch of \(b) videos (frames \(frames.shape))")
    var values = [Double](repeating: 0, count: b * t)
    for (i, n) in lengths.enumerated() {
        precondition(n >= 0 && n <= t, "\(layer): length \(n) of video \(i) is outside 0...\(t) (frames \(frames.shape))")
        for j in 0..<n { values[i * t + j] = 1 }
    }
    return Tensor(values, shape: [b, t, 1]).converted(to: frames.dtype)
}

/// Batch normalisation of per-frame features [B, T, F] over the *valid*
/// frames only (Ioffe & Szegedy 2015; the soft-assignment BN of WILLOW's
/// NetVLAD/NetFV/Soft-DBoF): y = (z − μ)/√(σ² + ε)·γ + β with
/// μ = Σ m·z / Σ m and σ² = Σ m·(z − μ)² / Σ m over every (b, t) of mask m.
///
/// WILLOW samples frames with replacement so its batches hold no padding;
/// with padded batches, statistics over valid frames keep a video's
/// descriptor independent of how much padding its batch carries. Padded rows
/// are still normalised (with the valid-frame statistics) and must be masked
/// by the caller. Running statistics follow PyTorch (momentum on the new
/// value, unbiased running variance). The defaults ε = 1e-3, momentum 0.001
/// are TF-slim's `batch_norm` (decay 0.999), which the reference uses; raise
/// the momentum for short runs or the evaluation statistics lag behind.
/// State-dict names match `BatchNorm`: weight, bias, runningMean, runningVar.
/// With ``replicas`` set, the statistics are those of every replica's valid
/// frames (synchronised, as ``BatchNorm``'s).
public final class FrameBatchNorm: Module {
    /// γ, the per-feature scale.
    public let weight: Parameter
    /// β, the per-feature shift.
    public let bias: Parameter
    /// The running mean over valid frames, for evaluation.
    public let runningMean: Buffer
    /// The running unbiased variance over valid frames, for evaluation.
    public let runningVar: Buffer
    /// ε, added to the variance before its root (TF-slim's 1e-3).
    public let epsilon: Double
    /// The weight of a batch's statistics in the running ones (TF-slim's decay 0.999 as 0.001).
    public let momentum: Double
    /// The data-parallel replicas whose valid frames the statistics are taken
    /// over (synchronised, as ``BatchNorm/replicas``); nil for this process's batch alone.
    public var replicas: (any ReplicaGroup)?

    /// Batch normalisation over the valid frames of `features` features.
    public init(_ features: Int, epsilon: Double = 1e-3, momentum: Double = 0.001, dtype: DType = .float32) {
        precondition(features > 0, "FrameBatchNorm: features must be positive, got \(features)")
        weight = Parameter(Tensor.ones([features], dtype: dtype))
        bias = Parameter(Tensor.zeros([features], dtype: dtype))
        runningMean = Buffer(Tensor.zeros([features], dtype: dtype))
        runningVar = Buffer(Tensor.ones([features], dtype: dtype))
        self.epsilon = epsilon
        self.momentum = momentum
    }

    /// The number of normalised features.
    public var features: Int { runningMean.value.shape[0] }

    /// - Parameters:
    ///   - z: [B, T, F] (or any [..., F]).
    ///   - mask: [B, T, 1] valid-frame mask (``frameMask(for:lengths:layer:)``), nil for all frames.
    public func callAsFunction(_ z: Tensor, mask: Tensor?) -> Tensor { traced(forward(z, mask: mask)) }

    /// z normalised with the statistics of its valid frames in training (updating the running ones), with the running ones in evaluation.
    public func forward(_ z: Tensor, mask: Tensor?) -> Tensor {
        precondition(z.rank >= 2 && z.shape[z.rank - 1] == features,
                     "FrameBatchNorm: input \(z.shape) does not end in \(features) features")
        let normalized: Tensor
        if isTraining {
            let axes = Array(0..<(z.rank - 1))
            let n: Double
            let mean: Tensor, variance: Tensor
            if let replicas {
                if let mask {
                    precondition(mask.rank == z.rank && Array(mask.shape.dropLast()) == Array(z.shape.dropLast()) && mask.shape.last == 1,
                                 "FrameBatchNorm: mask \(mask.shape) does not fit input \(z.shape)")
                }
                var count = [mask.map { $0.sum().scalar } ?? Double(z.count / features)]
                replicas.sum(&count)
                n = count[0]
                precondition(n > 1, "FrameBatchNorm: training needs more than one valid frame over the replicas, got \(n) (input \(z.shape))")
                let masked = { (t: Tensor) in mask.map { t * $0 } ?? t }
                mean = replicaSum(masked(z).sum(axes: axes), over: replicas) * (1 / n)
                let centered = z - mean
                variance = replicaSum(masked(centered * centered).sum(axes: axes), over: replicas) * (1 / n)
                normalized = centered * rsqrt(variance + epsilon)
            } else if let mask {
                precondition(mask.rank == z.rank && Array(mask.shape.dropLast()) == Array(z.shape.dropLast()) && mask.shape.last == 1,
                             "FrameBatchNorm: mask \(mask.shape) does not fit input \(z.shape)")
                n = mask.sum().scalar
                precondition(n > 1, "FrameBatchNorm: training needs more than one valid frame, got \(n) (input \(z.shape))")
                mean = (z * mask).sum(axes: axes) * (1 / n)
                let centered = z - mean
                variance = (centered * centered * mask).sum(axes: axes) * (1 / n)
                normalized = centered * rsqrt(variance + epsilon)
            } else {
                n = Double(z.count / features)
                precondition(n > 1, "FrameBatchNorm: training needs more than one frame, got input \(z.shape)")
                mean = z.mean(axes: axes)
                let centered = z - mean
                variance = (centered * centered).mean(axes: axes)
                normalized = centered * rsqrt(variance + epsilon)
            }
            withoutGrad {
                let m = momentum
                runningMean.value = runningMean.value * (1 - m) + mean.detached() * m
                runningVar.value = runningVar.value * (1 - m) + variance.detached() * (m * n / (n - 1))
            }
        } else {
            normalized = (z - runningMean.value) * rsqrt(runningVar.value + epsilon)
        }
        return normalized * weight.value + bias.value
    }
}

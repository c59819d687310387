import Tensor

/// Batch normalisation over the last (feature) axis of [B, F] or
/// time-distributed [B, T, F] inputs (Ioffe & Szegedy 2015), PyTorch
/// conventions: in training, y = (x − μ_B)/√(σ²_B + ε)·γ + β with the biased
/// batch variance, and running statistics updated as
/// r ← (1 − momentum)·r + momentum·stat (running variance unbiased);
/// in evaluation the running statistics are used. The state dict is
/// `torch.nn.BatchNorm1d`'s: `weight`, `bias`, `running_mean`,
/// `running_var` and `num_batches_tracked`.
///
/// With ``replicas`` set (data-parallel training), the batch statistics are
/// those of the global batch across every replica, as PyTorch's
/// `SyncBatchNorm`: μ and σ² from sums over all replicas' examples, their
/// gradients summed back in the backward pass, so N ranks normalise exactly
/// what one process training the whole batch normalises.
public final class BatchNorm: Module, Layer {
    /// γ, the per-feature scale, or nil when not affine.
    public let weight: Parameter?
    /// β, the per-feature shift, or nil when not affine.
    public let bias: Parameter?
    /// The running mean evaluation normalises with (`running_mean`).
    public let runningMean: Buffer
    /// The running unbiased variance evaluation normalises with (`running_var`).
    public let runningVar: Buffer
    /// Training batches seen (an int32 scalar; PyTorch's int64
    /// `num_batches_tracked`, which it needs only without a momentum).
    public let numBatchesTracked: Buffer
    /// ε, added to the variance before its root.
    public let epsilon: Double
    /// The weight of a batch's statistics in the running ones (PyTorch's convention, 0.1).
    public let momentum: Double
    /// The data-parallel replicas whose batches form the global batch the
    /// statistics are taken over; nil for this process's batch alone.
    public var replicas: (any ReplicaGroup)?

    /// Batch normalisation over `features` features, PyTorch's `BatchNorm1d`.
    public init(_ features: Int, epsilon: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true,
                dtype: DType = .float32) {
        weight = affine ? Parameter(Tensor.ones([features], dtype: dtype)) : nil
        bias = affine ? Parameter(Tensor.zeros([features], dtype: dtype)) : nil
        runningMean = Buffer(Tensor.zeros([features], dtype: dtype))
        runningVar = Buffer(Tensor.ones([features], dtype: dtype))
        numBatchesTracked = Buffer(Tensor.zeros([], dtype: .int32), required: false)
        self.epsilon = epsilon
        self.momentum = momentum
    }

    /// The number of normalised features.
    public var features: Int { runningMean.value.shape[0] }

    /// x [N, features] normalised with the batch's statistics in training (updating the running ones), with the running ones in evaluation.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[x.rank - 1] == features,
                     "BatchNorm: input \(x.shape) does not end in \(features) features")
        let axes = Array(0..<(x.rank - 1))
        let normalized: Tensor
        if isTraining {
            let n: Int, mean: Tensor, variance: Tensor
            if let replicas {
                var count = [Double(x.count / features)]
                replicas.sum(&count)
                n = Int(count[0])
                precondition(n > 1, "BatchNorm: training needs more than one value per feature over the replicas, got input \(x.shape)")
                mean = replicaSum(x.sum(axes: axes), over: replicas) * (1 / count[0])
                let centered = x - mean
                variance = replicaSum((centered * centered).sum(axes: axes), over: replicas) * (1 / count[0])
                normalized = centered * rsqrt(variance + epsilon)
            } else {
                n = x.count / features
                precondition(n > 1, "BatchNorm: training needs more than one value per feature, got input \(x.shape)")
                mean = x.mean(axes: axes)
                let centered = x - mean
                variance = (centered * centered).mean(axes: axes)
                normalized = centered * rsqrt(variance + epsilon)
            }
            withoutGrad {
                let m = momentum
                runningMean.value = runningMean.value * (1 - m) + mean.detached() * m
                runningVar.value = runningVar.value * (1 - m) + variance.detached() * (m * Double(n) / Double(n - 1))
                numBatchesTracked.value = Tensor.full([], value: numBatchesTracked.value.scalar + 1, dtype: .int32)
            }
        } else {
            normalized = (x - runningMean.value) * rsqrt(runningVar.value + epsilon)
        }
        guard let weight, let bias else { return normalized }
        return normalized * weight.value + bias.value
    }
}

/// Layer normalisation over the last axis (Ba et al. 2016):
/// y = (x − mean)/√(var + ε)·γ + β, statistics per example.
public final class LayerNorm: Module, Layer {
    /// γ, the per-feature scale (initially 1).
    public let weight: Parameter
    /// β, the per-feature shift (initially 0).
    public let bias: Parameter
    /// ε, added to the variance before its root.
    public let epsilon: Double

    /// Layer normalisation over the last axis of `features` features, PyTorch's `LayerNorm`.
    public init(_ features: Int, epsilon: Double = 1e-5, dtype: DType = .float32) {
        weight = Parameter(Tensor.ones([features], dtype: dtype))
        bias = Parameter(Tensor.zeros([features], dtype: dtype))
        self.epsilon = epsilon
    }

    /// Each row of x [..., features] normalised to mean 0 and variance 1, then scaled and shifted.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1 && x.shape[x.rank - 1] == weight.shape[0],
                     "LayerNorm: input \(x.shape) does not end in \(weight.shape[0]) features")
        // One fused row kernel (AVX-512, AVX2 or portable for float32) for the statistics and the normalising.
        return layerNormalize(x, epsilon: epsilon) * weight.value + bias.value
    }
}

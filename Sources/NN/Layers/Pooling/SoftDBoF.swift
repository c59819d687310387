import Tensor

/// Soft deep bag of frames (WILLOW `SoftDBoF`, Miech et al. 2017):
/// a_tk = softmax_k(BN(x_t·W)), s_k = Σ_t a_tk, output L2(s) → [B, K];
/// with `maxPool`, also L2(max_t a_tk) concatenated → [B, 2K]
/// (`softdbof_maxpool`, default off).
///
/// Padding frames get a_tk = 0 (softmax outputs of valid frames are
/// positive, so the max-pool is over valid frames) and the batch norm uses
/// valid frames only. `logitPower` and `descriptorPower` as in ``NetVLAD``
/// (the descriptor power acts on s and on the max-pool before their L2).
/// WILLOW's batch-norm-off branch uses `tf.random_normal` as an initializer
/// and cannot run — here it adds a bias from N(0, 1/√D).
public final class SoftDBoF: Module, FramePooling, Layer {
    /// The soft assignment of each frame to the K clusters.
    public let assignment: SoftAssignment
    /// A signed power on the pooled descriptor before its normalisation, or nil.
    public let descriptorPower: SignedPower?
    /// Whether the L2-normalised max-pool of the assignments is concatenated to their sum.
    public let maxPool: Bool

    /// Soft deep bag of frames over frames of `featureSize` features with `clusters` clusters.
    public init(featureSize: Int, clusters: Int, maxPool: Bool = false, batchNorm: Bool = true,
                logitPower: PowerNormalization? = nil, descriptorPower: PowerNormalization? = nil,
                batchNormEpsilon: Double = 1e-3, batchNormMomentum: Double = 0.001,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        assignment = SoftAssignment(featureSize: featureSize, clusters: clusters, batchNorm: batchNorm,
                                    logitPower: logitPower, batchNormEpsilon: batchNormEpsilon,
                                    batchNormMomentum: batchNormMomentum, dtype: dtype, rng: &rng)
        self.descriptorPower = descriptorPower.map { SignedPower($0, dtype: dtype) }
        self.maxPool = maxPool
    }

    /// D, features per frame.
    public var featureSize: Int { assignment.featureSize }
    /// K, clusters.
    public var clusters: Int { assignment.clusters }
    /// K, or 2K with max-pooling.
    public var outputFeatures: Int { maxPool ? 2 * clusters : clusters }

    /// [B, T, D] → [B, K] (or [B, 2K] = [sum | max]).
    public func callAsFunction(_ frames: Tensor, lengths: [Int]?) -> Tensor { traced(forward(frames, lengths: lengths)) }

    /// The pooled assignments [B, K] (or [B, 2K] with `maxPool`) of frames [B, T, D] with `lengths` valid frames each (nil: all).
    public func forward(_ frames: Tensor, lengths: [Int]?) -> Tensor {
        let mask = frameMask(for: frames, lengths: lengths, layer: "SoftDBoF")
        let a = assignment(frames, mask: mask, layer: "SoftDBoF")               // [B, T, K]
        var pooled = a.sum(axis: 1)
        if let descriptorPower { pooled = descriptorPower(pooled) }
        pooled = rowL2(pooled)
        guard maxPool else { return pooled }
        var peak = max(a, axis: 1)
        if let descriptorPower { peak = descriptorPower(peak) }
        return Tensor.concat([pooled, rowL2(peak)], axis: 1)
    }
}

import Tensor

/// NetVLAD (Arandjelović et al. 2016), WILLOW variant (Miech et al. 2017,
/// `NetVLAD` in frame_level_models.py): a_tk = softmax_k(BN(x_t·W)),
/// v_kd = Σ_t a_tk x_td − (Σ_t a_tk)·c_kd, then L2 over d per cluster
/// (intra-normalisation), flattened and L2-normalised again → [B, K·D].
///
/// Padding frames (t ≥ lengths[b]) get a_tk = 0 and the batch norm of the
/// logits uses the valid frames only (``FrameBatchNorm``), so a video's
/// descriptor does not depend on the padding of its batch. The aggregation
/// is one batched GEMM aᵀ·x per video.
///
/// Options of the project decision "learnable power everywhere it fits":
/// `logitPower` applies sign(z)·|z|^p to the assignment logits, and
/// `descriptorPower` applies it to v before the two L2 normalisations.
///
/// Differences from the reference: the descriptor is flattened cluster-major
/// (index k·D + d) where WILLOW flattens its [D, K] layout d-major (a fixed
/// permutation of the next layer's rows); WILLOW's batch-norm-off branch
/// cannot run (it reads an undefined `cluster_size`) — here it adds a bias
/// drawn from N(0, 1/√D) as intended.
public final class NetVLAD: Module, FramePooling, Layer {
    /// The soft assignment of each frame to the K clusters.
    public let assignment: SoftAssignment
    /// Cluster centres c [K, D] (WILLOW `cluster_weights2`, init N(0, 1/√D)).
    public let clusterCentres: Parameter
    /// A signed power on the pooled descriptor before its normalisation, or nil.
    public let descriptorPower: SignedPower?

    /// NetVLAD over frames of `featureSize` features with `clusters` clusters.
    public init(featureSize: Int, clusters: Int, batchNorm: Bool = true,
                logitPower: PowerNormalization? = nil, descriptorPower: PowerNormalization? = nil,
                batchNormEpsilon: Double = 1e-3, batchNormMomentum: Double = 0.001,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        assignment = SoftAssignment(featureSize: featureSize, clusters: clusters, batchNorm: batchNorm,
                                    logitPower: logitPower, batchNormEpsilon: batchNormEpsilon,
                                    batchNormMomentum: batchNormMomentum, dtype: dtype, rng: &rng)
        clusterCentres = Parameter(Tensor.normal([clusters, featureSize], std: 1 / Double(featureSize).squareRoot(),
                                                 dtype: dtype, using: &rng))
        self.descriptorPower = descriptorPower.map { SignedPower($0, dtype: dtype) }
    }

    /// D, features per frame.
    public var featureSize: Int { assignment.featureSize }
    /// K, clusters.
    public var clusters: Int { assignment.clusters }
    /// K·D
    public var outputFeatures: Int { featureSize * clusters }

    /// [B, T, D] → [B, K·D].
    public func callAsFunction(_ frames: Tensor, lengths: [Int]?) -> Tensor { traced(forward(frames, lengths: lengths)) }

    /// The intra- and L2-normalised VLAD descriptor [B, K·D] of frames [B, T, D] with `lengths` valid frames each (nil: all).
    public func forward(_ frames: Tensor, lengths: [Int]?) -> Tensor {
        let mask = frameMask(for: frames, lengths: lengths, layer: "NetVLAD")
        let a = assignment(frames, mask: mask, layer: "NetVLAD")                 // [B, T, K]
        let aSum = a.sum(axis: 1).unsqueezed(axis: -1)                          // [B, K, 1]
        var v = matmul(a, frames, transposeA: true) - aSum * clusterCentres.value // [B, K, D]
        if let descriptorPower { v = descriptorPower(v) }
        return intraAndGlobalL2(v)
    }
}

/// NetRVLAD ("residual-less" VLAD, WILLOW's `LightVLAD`, `--lightvlad`):
/// NetVLAD without the centre term, v_kd = Σ_t a_tk x_td with
/// a_tk = softmax_k(BN(x_t·W)), then intra-L2 over d, flatten, global L2
/// → [B, K·D]. Padding, power options and layout as ``NetVLAD``.
public final class NetRVLAD: Module, FramePooling, Layer {
    /// The soft assignment of each frame to the K clusters.
    public let assignment: SoftAssignment
    /// A signed power on the pooled descriptor before its normalisation, or nil.
    public let descriptorPower: SignedPower?

    /// NetRVLAD over frames of `featureSize` features with `clusters` clusters.
    public init(featureSize: Int, clusters: Int, batchNorm: Bool = true,
                logitPower: PowerNormalization? = nil, descriptorPower: PowerNormalization? = nil,
                batchNormEpsilon: Double = 1e-3, batchNormMomentum: Double = 0.001,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        assignment = SoftAssignment(featureSize: featureSize, clusters: clusters, batchNorm: batchNorm,
                                    logitPower: logitPower, batchNormEpsilon: batchNormEpsilon,
                                    batchNormMomentum: batchNormMomentum, dtype: dtype, rng: &rng)
        self.descriptorPower = descriptorPower.map { SignedPower($0, dtype: dtype) }
    }

    /// D, features per frame.
    public var featureSize: Int { assignment.featureSize }
    /// K, clusters.
    public var clusters: Int { assignment.clusters }
    /// K·D
    public var outputFeatures: Int { featureSize * clusters }

    /// [B, T, D] → [B, K·D].
    public func callAsFunction(_ frames: Tensor, lengths: [Int]?) -> Tensor { traced(forward(frames, lengths: lengths)) }

    /// The normalised residual-free descriptor [B, K·D] of frames [B, T, D] with `lengths` valid frames each (nil: all).
    public func forward(_ frames: Tensor, lengths: [Int]?) -> Tensor {
        let mask = frameMask(for: frames, lengths: lengths, layer: "NetRVLAD")
        let a = assignment(frames, mask: mask, layer: "NetRVLAD")
        var v = matmul(a, frames, transposeA: true)                             // [B, K, D]
        if let descriptorPower { v = descriptorPower(v) }
        return intraAndGlobalL2(v)
    }
}

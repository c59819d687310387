import Tensor

/// NetFV, a learnable Fisher vector (Miech et al. 2017, WILLOW `NetFV`):
/// a_tk = softmax_k(BN(x_t·W)), σ = W_cov² + 1e-6,
/// fv1_kd = (Σ_t a_tk x_td − A_k c_kd)/σ_kd,
/// fv2_kd = (Σ_t a_tk x_td² + A_k c_kd² − 2 c_kd Σ_t a_tk x_td)/σ_kd² − A_k
/// (A_k = Σ_t a_tk, i.e. Σ_t a_tk (x_td − c_kd)²/σ² − A_k); fv1 gets L2 over
/// d per cluster then a global L2, fv2 only a global L2; output [fv1, fv2]
/// → [B, 2·K·D].
///
/// WILLOW L2-normalises fv2 globally twice (a no-op, kept once here); its
/// batch-norm-off branch uses `tf.random_normal` as an initializer and
/// cannot run — here it adds a bias from N(0, 1/√D). With
/// `coupledCentres` (WILLOW's `fv_couple_weights`, flag default True; the
/// README recipe sets False, our default) the centres are 0.01·W instead
/// of a parameter. Padding, power options and layout as ``NetVLAD``;
/// `descriptorPower` applies to fv1 and fv2 before their normalisations.
public final class NetFV: Module, FramePooling, Layer {
    /// The soft assignment of each frame to the K clusters.
    public let assignment: SoftAssignment
    /// W_cov [K, D], init N(1, 1/√D); σ = W_cov² + 1e-6.
    public let covarianceWeights: Parameter
    /// Centres c [K, D], init N(0, 1/√D); nil when coupled to the assignment weight.
    public let clusterCentres: Parameter?
    /// A signed power on the pooled descriptor before its normalisation, or nil.
    public let descriptorPower: SignedPower?
    /// The coupling factor of WILLOW's `fv_coupling_factor`.
    public let couplingFactor = 0.01

    /// NetFV over frames of `featureSize` features with `clusters` clusters.
    public init(featureSize: Int, clusters: Int, batchNorm: Bool = true, coupledCentres: Bool = false,
                logitPower: PowerNormalization? = nil, descriptorPower: PowerNormalization? = nil,
                batchNormEpsilon: Double = 1e-3, batchNormMomentum: Double = 0.001,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        assignment = SoftAssignment(featureSize: featureSize, clusters: clusters, batchNorm: batchNorm,
                                    logitPower: logitPower, batchNormEpsilon: batchNormEpsilon,
                                    batchNormMomentum: batchNormMomentum, dtype: dtype, rng: &rng)
        let std = 1 / Double(featureSize).squareRoot()
        covarianceWeights = Parameter(Tensor.normal([clusters, featureSize], mean: 1, std: std, dtype: dtype, using: &rng))
        clusterCentres = coupledCentres
            ? nil : Parameter(Tensor.normal([clusters, featureSize], std: std, dtype: dtype, using: &rng))
        self.descriptorPower = descriptorPower.map { SignedPower($0, dtype: dtype) }
    }

    /// D, features per frame.
    public var featureSize: Int { assignment.featureSize }
    /// K, clusters.
    public var clusters: Int { assignment.clusters }
    /// 2·K·D
    public var outputFeatures: Int { 2 * featureSize * clusters }

    /// [B, T, D] → [B, 2·K·D] = [fv1 | fv2].
    public func callAsFunction(_ frames: Tensor, lengths: [Int]?) -> Tensor { traced(forward(frames, lengths: lengths)) }

    /// The normalised Fisher vector [B, 2·K·D] (first- and second-order parts) of frames [B, T, D] with `lengths` valid frames each (nil: all).
    public func forward(_ frames: Tensor, lengths: [Int]?) -> Tensor {
        let mask = frameMask(for: frames, lengths: lengths, layer: "NetFV")
        let a = assignment(frames, mask: mask, layer: "NetFV")                  // [B, T, K]
        let aSum = a.sum(axis: 1).unsqueezed(axis: -1)                          // [B, K, 1]
        let c = clusterCentres?.value ?? assignment.weight.value * couplingFactor // [K, D]
        let w = covarianceWeights.value
        let sigma = w * w + 1e-6
        let first = matmul(a, frames, transposeA: true)                         // Σ a x   [B, K, D]
        let second = matmul(a, frames * frames, transposeA: true)               // Σ a x²  [B, K, D]
        var fv1 = (first - aSum * c) / sigma
        var fv2 = (second + aSum * (c * c) - 2 * first * c) / (sigma * sigma) - aSum
        if let descriptorPower {
            fv1 = descriptorPower(fv1)
            fv2 = descriptorPower(fv2)
        }
        let b = frames.shape[0]
        return Tensor.concat([intraAndGlobalL2(fv1), rowL2(fv2.reshaped(to: [b, -1]))], axis: 1)
    }
}

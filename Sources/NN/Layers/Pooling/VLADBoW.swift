import Tensor

/// VLAD-BOW with learnable power (Ostyakov et al. 2018, Samsung
/// `VLADBoW` / `BoWResnetLike`), a soft bag of words:
/// s_k = Σ_t softmax_k(sign(z_t)·|z_t|^p)_k with logits z_t = x_t·Wᵀ + b
/// → [B, K]; p trained from 3.0 by default (`learnable_power=True`).
///
/// Reference bugs not copied: Samsung's `z.pow(p)` is NaN for negative
/// logits once p is not an integer — the project decision uses
/// sign(z)·|z|^p (``SignedPower``); its declared `cluster_centers` (K×D) is
/// never used and not created here (so our parameter count is 4.7 M below
/// the 32.3 M quoted for config 91); its `l2_normalize` argument is ignored
/// — here `l2Normalize` does what it says (default off, as trained).
/// Samsung shares one p between the video and audio streams; each layer
/// here owns its p. W and b are initialised as `nn.Linear`
/// (U(−1/√D, 1/√D)). Padding frames get assignment 0. `logitPower: nil`
/// gives a plain soft BoW; `descriptorPower` applies a second signed power
/// to s (before the optional L2), as for the other pooling layers.
public final class VLADBoW: Module, FramePooling, Layer {
    /// The soft assignment of each frame to the K clusters.
    public let assignment: SoftAssignment
    /// A signed power on the pooled descriptor before its normalisation, or nil.
    public let descriptorPower: SignedPower?
    /// Whether the bag of words is L2-normalised (off, as trained).
    public let l2Normalized: Bool

    /// A soft bag of words over frames of `featureSize` features with `clusters` clusters, its logits raised to `logitPower`.
    public init(featureSize: Int, clusters: Int, logitPower: PowerNormalization? = .learnable(initial: 3),
                descriptorPower: PowerNormalization? = nil, l2Normalize: Bool = false,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        assignment = SoftAssignment(featureSize: featureSize, clusters: clusters, batchNorm: false,
                                    logitPower: logitPower, weightInit: .lecunUniformTorch,
                                    biasInit: .lecunUniformTorch, dtype: dtype, rng: &rng)
        self.descriptorPower = descriptorPower.map { SignedPower($0, dtype: dtype) }
        l2Normalized = l2Normalize
    }

    /// D, features per frame.
    public var featureSize: Int { assignment.featureSize }
    /// K, clusters.
    public var clusters: Int { assignment.clusters }
    /// K
    public var outputFeatures: Int { clusters }

    /// [B, T, D] → [B, K].
    public func callAsFunction(_ frames: Tensor, lengths: [Int]?) -> Tensor { traced(forward(frames, lengths: lengths)) }

    /// The bag of words [B, K] of frames [B, T, D] with `lengths` valid frames each (nil: all).
    public func forward(_ frames: Tensor, lengths: [Int]?) -> Tensor {
        let mask = frameMask(for: frames, lengths: lengths, layer: "VLADBoW")
        var s = assignment(frames, mask: mask, layer: "VLADBoW").sum(axis: 1)
        if let descriptorPower { s = descriptorPower(s) }
        return l2Normalized ? rowL2(s) : s
    }
}

import Foundation
import Tensor

/// Soft assignment of frames to K clusters, the first stage of every
/// learnable pooling layer here: a_tk = m_t · softmax_k(P(N(x_t·Wᵀ)))
/// where N is batch norm over valid frames (WILLOW) or a bias (Samsung,
/// or WILLOW with batch norm off), P an optional signed power on the logits
/// (project decision "learnable power everywhere it fits"), and m_t the
/// valid-frame mask, so padded frames get assignment 0.
///
/// `weight` is stored [K, D] like a `Linear` weight ([out, in]); WILLOW's
/// `cluster_weights` is its transpose [D, K].
public final class SoftAssignment: Module {
    /// [K, D]
    public let weight: Parameter
    /// [K], present when there is no batch norm.
    public let bias: Parameter?
    /// Batch norm of the logits over valid frames (replaces the bias).
    public let batchNorm: FrameBatchNorm?
    /// Signed power on the logits before the softmax.
    public let logitPower: SignedPower?

    /// - Parameters:
    ///   - featureSize: D, features per frame.
    ///   - clusters: K, clusters the frames are assigned to.
    ///   - batchNorm: batch-normalise the assignment logits instead of adding a bias (WILLOW's `add_batch_norm`).
    ///   - logitPower: a signed power on the logits before the softmax (VLAD-BoW's), or nil.
    ///   - weightInit: the assignment weights' initialiser; WILLOW draws them from N(0, 1/√D), Samsung's
    ///     `nn.Linear` from U(−1/√D, 1/√D) (nil: WILLOW's).
    ///   - biasInit: the assignment bias's initialiser, drawn as the weights are (unused with `batchNorm`).
    ///   - batchNormEpsilon: ε of the assignment batch norm (see ``FrameBatchNorm``).
    ///   - batchNormMomentum: momentum of its running statistics (TF-slim's 0.001).
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    public init(featureSize: Int, clusters: Int, batchNorm: Bool, logitPower: PowerNormalization? = nil,
                weightInit: Initializer? = nil, biasInit: Initializer? = nil,
                batchNormEpsilon: Double = 1e-3, batchNormMomentum: Double = 0.001,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(featureSize > 0 && clusters > 0,
                     "SoftAssignment: sizes must be positive, got D = \(featureSize), K = \(clusters)")
        let willow = Initializer.normal(std: 1 / Double(featureSize).squareRoot())
        weight = Parameter((weightInit ?? willow).make([clusters, featureSize], dtype: dtype, using: &rng))
        bias = batchNorm ? nil
            : Parameter((biasInit ?? willow).make([clusters], dtype: dtype, using: &rng, fanIn: featureSize))
        self.batchNorm = batchNorm
            ? FrameBatchNorm(clusters, epsilon: batchNormEpsilon, momentum: batchNormMomentum, dtype: dtype) : nil
        self.logitPower = logitPower.map { SignedPower($0, dtype: dtype) }
    }

    /// D, features per frame.
    public var featureSize: Int { weight.shape[1] }
    /// K, clusters.
    public var clusters: Int { weight.shape[0] }

    /// - Parameters:
    ///   - frames: [B, T, D]
    ///   - mask: [B, T, 1] valid-frame mask or nil.
    ///   - layer: the name the traced activations are recorded under.
    /// - Returns: [B, T, K], rows of padded frames all 0.
    public func callAsFunction(_ frames: Tensor, mask: Tensor?, layer: String) -> Tensor { traced(forward(frames, mask: mask, layer: layer)) }

    /// The assignments [B, T, K] of frames [B, T, D], rows of padded frames 0; `layer` names the traced activations.
    public func forward(_ frames: Tensor, mask: Tensor?, layer: String) -> Tensor {
        precondition(frames.rank == 3 && frames.shape[2] == featureSize,
                     "\(layer): frames \(frames.shape) are not [batch, time, \(featureSize)]")
        var logits = matmul(frames, weight.value, transposeB: true)          // one GEMM over B·T rows
        if let batchNorm { logits = batchNorm(logits, mask: mask) }
        if let bias { logits = logits + bias.value }
        if let logitPower { logits = logitPower(logits) }
        let a = softmax(logits, axis: -1)
        return mask.map { a * $0 } ?? a
    }
}

/// A learnable pooling layer: [B, T, D] frames (with optional per-video
/// lengths; padding frames never contribute) → [B, outputFeatures].
public protocol FramePooling: Module {
    /// Size of the pooled descriptor.
    var outputFeatures: Int { get }
    /// Pools `frames` [B, T, D]; `lengths[b]` frames of video b are valid
    /// (nil: all T).
    func callAsFunction(_ frames: Tensor, lengths: [Int]?) -> Tensor
}

extension FramePooling {
    /// Pools every frame (no padding).
    public func forward(_ frames: Tensor) -> Tensor { self(frames, lengths: nil) }
}

/// Intra-normalisation then global normalisation of per-cluster
/// descriptors [B, K, D]: L2 over d for each cluster, flattened to
/// [B, K·D] (cluster-major), then L2 over the whole vector, each as TF's
/// `l2_normalize` (x·rsqrt(max(Σx², ε)), ε = 1e-12) as in WILLOW.
///
/// Computed without materialising the intra-normalised tensor: with
/// s_k = Σ_d v_kd² and r_k = rsqrt(max(s_k, ε)), the global sum of squares
/// is Σ_k s_k·r_k², so the output is v_kd·r_k·rsqrt(max(Σ_k s_k r_k², ε)) —
/// the same function, with one pass over [B, K, D] forward and few backward.
func intraAndGlobalL2(_ v: Tensor, epsilon: Double = 1e-12) -> Tensor {
    let b = v.shape[0]
    let squares = (v * v).sum(axis: -1, keepDims: true)                         // [B, K, 1]
    let intra = rsqrt(maximum(squares, epsilon))                                // [B, K, 1]
    let global = rsqrt(maximum((squares * intra * intra).sum(axis: 1, keepDims: true), epsilon))  // [B, 1, 1]
    return (v * (intra * global)).reshaped(to: [b, -1])
}

/// L2 normalisation of the rows of [B, F] as TF's `l2_normalize`
/// (x·rsqrt(max(Σx², ε)), ε = 1e-12), with x·x in place of a power so the
/// backward pass stays a pair of multiplications.
func rowL2(_ v: Tensor, epsilon: Double = 1e-12) -> Tensor {
    v * rsqrt(maximum((v * v).sum(axis: -1, keepDims: true), epsilon))
}

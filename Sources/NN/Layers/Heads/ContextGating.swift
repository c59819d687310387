import Tensor

/// Context gating (Miech et al. 2017, WILLOW `--gating` and
/// `--moe_prob_gating`): y = x ⊙ σ(BN(W·x)) with W square [F, F] and no
/// bias when batch norm is on; y = x ⊙ σ(W·x + b) when it is off (miha's
/// GRU variants).
///
/// W is drawn from N(0, 1/√F) as in WILLOW and stored [out, in] like a
/// `Linear` weight. `removeDiagonal` (WILLOW `gating_remove_diag`) uses
/// W·x − diag(W) ⊙ x so a feature does not gate itself. Batch norm defaults
/// are TF-slim's (ε 1e-3, decay 0.999 = momentum 0.001), which WILLOW uses.
/// WILLOW's batch-norm-off branch gives the bias the wrong shape
/// ([cluster_size]) and a non-initializer; here it is [F] from N(0, 1/√F).
/// Inputs [B, F] or [B, T, F].
public final class ContextGating: Module, Layer {
    /// The gate's linear map (bias only without batch norm).
    public let gate: Linear
    /// The batch norm of the gate's pre-activation, or nil (then the gate has a bias).
    public let batchNorm: BatchNorm?
    /// Whether a feature is kept from gating itself (W·x − diag(W) ⊙ x, WILLOW's `gating_remove_diag`).
    public let removeDiagonal: Bool

    /// Context gating of `features` features.
    public init(_ features: Int, batchNorm: Bool = true, removeDiagonal: Bool = false,
                batchNormEpsilon: Double = 1e-3, batchNormMomentum: Double = 0.001,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        let willow = Initializer.normal(std: 1 / Double(features).squareRoot())
        gate = Linear(features, features, bias: !batchNorm, weightInit: willow, biasInit: willow, dtype: dtype, rng: &rng)
        self.batchNorm = batchNorm
            ? BatchNorm(features, epsilon: batchNormEpsilon, momentum: batchNormMomentum, dtype: dtype) : nil
        self.removeDiagonal = removeDiagonal
    }

    /// Width of the input and the output.
    public var features: Int { gate.inFeatures }

    /// x ⊙ σ(BN(W·x)), or x ⊙ σ(W·x + b) without batch norm, for x [B, F] or [B, T, F].
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[x.rank - 1] == features,
                     "ContextGating: input \(x.shape) does not end in \(features) features")
        var g = gate(x)
        if removeDiagonal {
            let w = gate.weight.value
            let diagonal = (w * Tensor.identity(features, dtype: w.dtype)).sum(axis: 1)   // [F]
            g = g - x * diagonal
        }
        if let batchNorm { g = batchNorm(g) }
        return x * sigmoid(g)
    }
}

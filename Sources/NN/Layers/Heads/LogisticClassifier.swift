import Tensor

/// Logistic classifier (starter code `LogisticModel`): logits = W·x + b,
/// p = σ(logits), one independent logistic regression per class.
///
/// `callAsFunction` returns logits for `binaryCrossEntropy(logits:targets:reduction:)`
/// (the starter code returns σ(·) and applies BCE on probabilities; the two
/// losses agree up to its ε = 1e-5). The starter's L2 penalty of 1e-8 on W
/// is the optimizer's weight decay, not part of the layer. Initialisation
/// as TF-slim's `fully_connected`: Glorot-uniform W, zero b.
public final class LogisticClassifier: Module, Layer, ClassifierHead {
    /// The linear layer, features → classes.
    public let linear: Linear

    /// A logistic classifier from `inFeatures` features to `classes` classes.
    public init(_ inFeatures: Int, classes: Int, dtype: DType = .float32, rng: inout RandomGenerator) {
        linear = Linear(inFeatures, classes, weightInit: .glorotUniform(), biasInit: .zeros, dtype: dtype, rng: &rng)
    }

    /// Classes scored.
    public var classes: Int { linear.outFeatures }

    /// Logits [B, C].
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == linear.inFeatures,
                     "LogisticClassifier: input \(x.shape) is not [batch, \(linear.inFeatures)]")
        return linear(x)
    }

    /// σ of the logits, [N, classes].
    public func probabilities(_ x: Tensor) -> Tensor { sigmoid(self(x)) }

    /// Sets b_c = logit(q_c): for a zero input the probabilities are `prior`
    /// exactly (``Linear/initializeOutputBias(toPrior:)``).
    public func initializeOutputBias(toPrior prior: [Double]) {
        OutputBiasPrior.check(prior, classes: classes, layer: "LogisticClassifier")
        linear.initializeOutputBias(toPrior: prior)
    }

    /// BCE on logits (exact for any logit).
    public func loss(_ x: Tensor, targets: Tensor, reduction: LossReduction = .sumOverClassesMeanOverBatch) -> Tensor {
        binaryCrossEntropy(logits: self(x), targets: targets, reduction: reduction)
    }
}

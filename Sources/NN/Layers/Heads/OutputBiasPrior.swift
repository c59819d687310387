import Foundation
import Tensor

/// Setting a classifier's output bias so that its initial output is a given
/// per-class probability (the label prior), as Lin et al. 2017 (RetinaNet's
/// prior-probability bias) recommend: a multi-label head that starts at
/// p ≈ 1/2 for every class spends its first steps learning that labels are
/// rare, and a network that is still learning its input can find it faster to
/// saturate its last hidden layer into a constant bias than to move the real
/// bias, after which it ignores its input.
public enum OutputBiasPrior {
    /// log(q / (1 − q)), the logit whose sigmoid is `q`.
    public static func logit(_ q: Double) -> Double { log(q / (1 - q)) }

    /// Stops with a message naming `layer` unless `prior` has `classes`
    /// entries, each in the open interval (0, 1).
    public static func check(_ prior: [Double], classes: Int, layer: String) {
        precondition(prior.count == classes,
                     "\(layer).initializeOutputBias: the prior has \(prior.count) classes, the layer scores \(classes)")
        precondition(prior.allSatisfy { $0 > 0 && $0 < 1 },
                     "\(layer).initializeOutputBias: every prior probability must be in (0, 1), got \(prior.filter { !($0 > 0 && $0 < 1) }.prefix(4))…")
    }
}

extension Linear {
    /// Sets the bias to b_c = logit(q_c), so σ(W·0 + b) = q for a zero input
    /// (the initial probabilities of a layer that outputs logits). The weights
    /// are left as they are. The layer must have a bias and `prior` one
    /// probability in (0, 1) per output.
    public func initializeOutputBias(toPrior prior: [Double]) {
        OutputBiasPrior.check(prior, classes: outFeatures, layer: "Linear")
        guard let bias else { preconditionFailure("Linear.initializeOutputBias: the layer has no bias") }
        bias.assign(Tensor(prior.map(OutputBiasPrior.logit)))
    }
}

import NN
import Tensor

/// The classifier a recurrent zoo model puts on its sequence representation.
public enum RecurrentHeadKind: String, Codable, Sendable {
    /// The starter code's `MoeModel` (probabilities), as the starter and WILLOW LSTM/GRU models.
    case mixtureOfExperts = "moe"
    /// The starter code's `LogisticModel` (logits), as miha's recipes.
    case logistic
}

/// A mixture of experts (m experts, outputs probabilities) or a logistic
/// classifier (outputs logits) on a representation [B, F].
public final class RecurrentClassifier: Module {
    public let mixtureOfExperts: MixtureOfExperts?
    public let logistic: LogisticClassifier?

    public init(_ inFeatures: Int, kind: RecurrentHeadKind, mixtures: Int, classes: Int, rng: inout RandomGenerator) {
        switch kind {
        case .mixtureOfExperts:
            mixtureOfExperts = MixtureOfExperts(inFeatures, classes: classes, mixtures: mixtures, rng: &rng)
            logistic = nil
        case .logistic:
            mixtureOfExperts = nil
            logistic = LogisticClassifier(inFeatures, classes: classes, rng: &rng)
        }
    }

    /// MoE: in·C·(m+1) + in·C·m + C·m; logistic: (in + 1)·C.
    public static func parameterCount(_ inFeatures: Int, kind: RecurrentHeadKind, mixtures: Int, classes: Int) -> Int {
        switch kind {
        case .mixtureOfExperts: return MixtureOfExperts.parameterCount(inFeatures, classes: classes, mixtures: mixtures)
        case .logistic: return LogisticClassifier.parameterCount(inFeatures, classes: classes)
        }
    }

    /// Width of the representation the classifier reads.
    public var inFeatures: Int { mixtureOfExperts?.inFeatures ?? logistic!.linear.inFeatures }

    /// Probabilities (MoE) or logits (logistic) [B, C].
    public func callAsFunction(_ representation: Tensor) -> ModelOutput {
        if let mixtureOfExperts { return .probabilities(mixtureOfExperts(representation)) }
        return .logits(logistic!(representation))
    }
}

/// Parameters of an ``LSTM`` in PyTorch's layout, which learns both b_ih and
/// b_hh: Σ_k dirs·(4H·(in_k + H) + 8H), in_0 = F, in_k = dirs·H. TensorFlow's
/// `BasicLSTMCell` of the references has the one bias b = b_ih + b_hh, so
/// its count is 4H·dirs per layer lower.
func lstmParameterCount(inputSize: Int, hiddenSize h: Int, layers: Int, bidirectional: Bool = false) -> Int {
    let dirs = bidirectional ? 2 : 1
    return (0..<layers).reduce(0) { n, k in n + dirs * (4 * h * ((k == 0 ? inputSize : dirs * h) + h) + 8 * h) }
}

/// Parameters of a ``GRU`` in PyTorch's layout (b_ih and b_hh):
/// Σ_k dirs·(3H·(in_k + H) + 6H), in_0 = F, in_k = dirs·H. TensorFlow's
/// `GRUCell` has 3H biases per layer and direction, 3H fewer.
func gruParameterCount(inputSize: Int, hiddenSize h: Int, layers: Int, bidirectional: Bool = false) -> Int {
    let dirs = bidirectional ? 2 : 1
    return (0..<layers).reduce(0) { n, k in n + dirs * (3 * h * ((k == 0 ? inputSize : dirs * h) + h) + 6 * h) }
}

/// Parameters of a ``QRNN`` with fo-pooling: Σ_k window·in_k·3H + 3H, in_0 = F, in_k = H.
func qrnnParameterCount(inputSize: Int, hiddenSize h: Int, layers: Int, window: Int) -> Int {
    (0..<layers).reduce(0) { n, k in n + window * (k == 0 ? inputSize : h) * 3 * h + 3 * h }
}

/// Slice k of final states [count, B, H] as [B, H].
func stateSlice(_ states: Tensor, _ k: Int) -> Tensor {
    states.sliced(axis: 0, range: k..<(k + 1)).reshaped(to: [states.shape[1], states.shape[2]])
}

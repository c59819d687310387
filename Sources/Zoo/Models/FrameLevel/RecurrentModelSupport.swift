import NN
import Tensor

/// Chrono-initialises the gate biases of `layers` over `timescale` frames, a
/// model's `chronoTimescale`; 0 keeps PyTorch's initialisation and draws nothing.
func initializeChrono(_ layers: [any ChronoInitializable], timescale: Int, rng: inout RandomGenerator) {
    guard timescale > 0 else { return }
    for layer in layers { layer.initializeChrono(maxTimescale: Double(timescale), rng: &rng) }
}

/// The classifier a recurrent zoo model puts on its sequence representation.
public enum RecurrentHeadKind: String, Codable, Sendable {
    /// The starter code's `MoeModel` (probabilities), as the starter and WILLOW LSTM/GRU models.
    case mixtureOfExperts = "moe"
    /// The starter code's `LogisticModel` (logits), as miha's recipes.
    case logistic
}

/// A mixture of experts (m experts, outputs probabilities) or a logistic
/// classifier (outputs logits) on a representation [B, F].
public final class RecurrentClassifier: Module, ZooClassifierLayer {
    /// The mixture of experts, when the kind is `.mixtureOfExperts`.
    public let mixtureOfExperts: MixtureOfExperts?
    /// The logistic classifier, when the kind is `.logistic`.
    public let logistic: LogisticClassifier?

    /// A head of `kind` (m = `mixtures` experts for a MoE) over `inFeatures` features for `classes` classes.
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

    /// The head a recurrent model's `config` chooses (kind, m), on a representation [B, inFeatures].
    public convenience init(_ inFeatures: Int, config: some RecurrentModelConfig, classes: Int, rng: inout RandomGenerator) {
        self.init(inFeatures, kind: config.head, mixtures: config.mixtures, classes: classes, rng: &rng)
    }

    /// Width of the representation the classifier reads.
    public var inFeatures: Int { mixtureOfExperts?.inFeatures ?? logistic!.linear.inFeatures }

    /// Probabilities (MoE) or logits (logistic) [B, C].
    public func callAsFunction(_ representation: Tensor) -> ModelOutput {
        if let mixtureOfExperts { return .probabilities(mixtureOfExperts(representation)) }
        return .logits(logistic!(representation))
    }

    /// The same scores, as ``ZooModel/classify(_:)`` asks for them.
    public func classScores(_ representation: Tensor) -> ModelOutput { self(representation) }

    /// The head's output bias set to `prior`: the logistic layer's bias, or the mixture's expert biases.
    public func initializeOutputBias(toPrior prior: [Double]) {
        if let mixtureOfExperts { mixtureOfExperts.initializeOutputBias(toPrior: prior) }
        else { logistic!.initializeOutputBias(toPrior: prior) }
    }
}

/// Slice k of final states [count, B, H] as [B, H].
func stateSlice(_ states: Tensor, _ k: Int) -> Tensor {
    states.sliced(axis: 0, range: k..<(k + 1)).reshaped(to: [states.shape[1], states.shape[2]])
}

/// The skeleton of the recurrent zoo models (LSTM, GRU, their bidirectional
/// stacks, QRNN): a recurrent stack over the frames, one representation per
/// video from its final states (``ZooModel/features(_:)``), and a
/// ``RecurrentClassifier`` on it, whose scores ``ZooModel/classify(_:)`` returns.
public protocol RecurrentZooModel: ClassifierLayerModel where Classifier == RecurrentClassifier {}

/// The fields every recurrent model's configuration has: its head and input transform.
public protocol RecurrentModelConfig: ZooConfiguration {
    var head: RecurrentHeadKind { get }
    /// m when the head is a MoE.
    var mixtures: Int { get }
    var transform: InputTransform { get }
}

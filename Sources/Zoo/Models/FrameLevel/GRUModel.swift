import NN
import Tensor

/// WILLOW's frame-level `GruModel` (antoine77340/Youtube-8M-WILLOW
/// frame_level_models.py), docs/zoo.md: p = MoE([h¹_T, …, h^L_T]), the
/// final states of an L-layer GRU(H) after each video's last valid frame,
/// concatenated over layers (its `MultiRNNCell(state_is_tuple=False)`
/// state, docs/zoo.md). With `allLayerStates` off the classifier reads
/// h^L_T only.
///
/// Paper size L = 2, H = 1200, m = 2 at 3862 classes: 63.5 M. The GRU
/// follows PyTorch (two biases b_ih, b_hh; the reset gate multiplies
/// W_hn·h + b_hn), where TensorFlow's `GRUCell` has one bias per gate and
/// resets h before the product: 7200 more parameters, the same family of
/// functions. Frames are L2-normalised. Outputs probabilities. Features:
/// the concatenated final states, the head's input.
public final class GRUModel: ZooModelBase, RecurrentZooModel {
    /// The zoo's `gru` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "gru", level: .frame,
        summary: "2 × GRU(1200), final states of both layers (2400) → MoE (WILLOW GruModel)",
        recipe: .willowRecurrent(), smallLearningRate: SmallConfiguration.willowLearningRate,
        // 128 units keep the paper's state per class (1200 for 3862; 16 units: GAP 0.422 on the
        // embedded data at 400 steps of batch 64, 128 units: 0.551). On synthetic v2 that reached
        // 0.250 (NetVLAD 0.347); with chrono update-gate biases over 300 frames, 0.344.
        small: { $0.hiddenSize = 128; $0.chronoTimescale = SmallConfiguration.chronoTimescale },
        build: { GRUModel($0, numClasses: $1, rng: &$2) })

    let allLayerStates: Bool
    /// The L-layer GRU(H) over the frames.
    public let gru: GRU
    /// The head on the final states (MoE or logistic, `Config.head`).
    public let classifier: RecurrentClassifier

    /// Builds the model for `numClasses` classes over frames of `inputSize` features (rgb ⊕ audio), drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), inputSize: Int = 1152, numClasses: Int, rng: inout RandomGenerator) {
        allLayerStates = config.allLayerStates
        gru = GRU(inputSize: inputSize, hiddenSize: config.hiddenSize, layers: config.layers, rng: &rng)
        initializeChrono([gru], timescale: config.chronoTimescale, rng: &rng)
        classifier = RecurrentClassifier(Self.representationSize(config), config: config, classes: numClasses, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// L·H with every layer's state, else H.
    public static func representationSize(_ c: Config) -> Int { (c.allLayerStates ? c.layers : 1) * c.hiddenSize }

    /// The final states the head reads: [h¹_T, …, h^L_T] [B, L·H], or h^L_T [B, H].
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        let hidden = gru(x.features, lengths: x.lengths).hidden
        let layers = gru.layerCount
        return allLayerStates
            ? Tensor.concat((0..<layers).map { stateSlice(hidden, $0) }, axis: 1)
            : stateSlice(hidden, layers - 1)
    }
}

extension GRUModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: RecurrentModelConfig {
        /// H, hidden units of each GRU layer (`gru_cells`; WILLOW's 1200).
        public var hiddenSize = 1200
        /// T_max of the chrono initialisation of the update-gate biases (`GRU.initializeChrono(maxTimescale:rng:)` in NN),
        /// the longest memory in frames the GRU should start with; 0 keeps PyTorch's initialisation (the reference's).
        public var chronoTimescale = 0
        /// L, stacked GRU layers (`gru_layers`; WILLOW's 2).
        public var layers = 2
        /// Concatenate the final states of every layer (on, as WILLOW) or use the last layer's.
        public var allLayerStates = true
        /// The classifier on the final states: a mixture of experts (the reference's).
        public var head = RecurrentHeadKind.mixtureOfExperts
        /// m, experts per class of the MoE head (`moe_num_mixtures`; WILLOW's 2).
        public var mixtures = 2
        /// The input transform: L2-normalise each feature row (the reference's).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}

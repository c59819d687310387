import NN
import Tensor

/// Which final states of the stacked LSTM the classifier sees.
public enum LSTMStateFeatures: String, Codable, Sendable {
    /// h_T of the last layer (H features): the starter code's `LstmModel`,
    /// which reads `state[-1].h` of its tuple state.
    case lastLayerHidden
    /// [c¹_T, h¹_T, …, c^L_T, h^L_T] (2·L·H features): WILLOW's `LstmModel`,
    /// whose `state_is_tuple=False` cells hand the classifier the whole
    /// concatenated state (docs/zoo.md).
    case allLayersCellAndHidden
}

/// The starter code's and WILLOW's frame-level `LstmModel`
/// (google/youtube-8m frame_level_models.py; antoine77340/Youtube-8M-WILLOW
/// frame_level_models.py), docs/zoo.md:
/// p = MoE(s), s = h^L_T (starter) or [c¹_T, h¹_T, …, c^L_T, h^L_T] (WILLOW),
/// the states of an L-layer LSTM(H) with forget bias 1 after each video's
/// last valid frame (`dynamic_rnn(sequence_length=num_frames)`).
///
/// Paper sizes, L = 2, H = 1024, m = 2 at 3862 classes: starter 37.1 M,
/// WILLOW 96.4 M. The LSTM keeps PyTorch's two biases b_ih and b_hh
/// (TensorFlow's one bias is their sum; 8192 more parameters). Frames are
/// L2-normalised (starter input transform). Outputs probabilities.
/// Features: s, the head's input.
public final class LSTMModel: ZooModelBase, RecurrentZooModel {
    /// The zoo's `lstm`, `lstm-willow` entries (``ModelZoo/entries``).
    static let zooEntries: [ZooEntry] = [
        .make("lstm", level: .frame,
              summary: "2 × LSTM(1024, forget bias 1) over the valid frames, last layer's final h, MoE (starter code LstmModel)",
              recipe: .starterLSTM(),
              // The stall of the 16-unit starter LSTM (embedded data, 400 steps of batch 64:
              // GAP 0.216, frame-logistic 0.612) was what its head reads. Only the top
              // layer's h_T: evidence has to pass a second recurrence whose input, the first
              // layer's h, starts small (0.363 at 128 units and 1e-2; one layer 0.454; every
              // layer's (c, h) 0.512). The paper configuration keeps the starter's h^L_T.
              // 128 units keep the paper's state per class (1024 for 3862, 128 for 500),
              // and 1e-2 is the small WILLOW rate (16 units at 1e-3 0.216, at 1e-2 0.314).
              // On synthetic v2, where evidence sits in a few scenes of a 200-frame video, that
              // LSTM stalled at 0.099 (NetVLAD 0.347): keeping σ(1) = 73 % of its cell per frame, its
              // final state starts out knowing only the last frames. The chrono initialisation over the
              // reader's 300 frames reaches 0.294.
              smallLearningRate: SmallConfiguration.willowLearningRate,
              small: {
                  $0.hiddenSize = 128; $0.stateFeatures = .allLayersCellAndHidden
                  $0.chronoTimescale = SmallConfiguration.chronoTimescale
              },
              build: { LSTMModel($0, numClasses: $1, rng: &$2) }),

        .make("lstm-willow", level: .frame,
              summary: "2 × LSTM(1024), final (c, h) of both layers (4096) → MoE (WILLOW LstmModel, state_is_tuple=False)",
              recipe: .willowRecurrent(), smallLearningRate: SmallConfiguration.willowLearningRate,
              paper: { $0.stateFeatures = .allLayersCellAndHidden },
              // The state per class of the paper (16 units: GAP 0.427 at the table's budget, 128: 0.512),
              // and chrono gate biases as the small `lstm` (v2: 0.099 without them).
              small: {
                  $0.stateFeatures = .allLayersCellAndHidden; $0.hiddenSize = 128
                  $0.chronoTimescale = SmallConfiguration.chronoTimescale
              },
              build: { LSTMModel($0, numClasses: $1, rng: &$2) }),
    ]

    let stateFeatures: LSTMStateFeatures
    /// The L-layer LSTM(H) over the frames.
    public let lstm: LSTM
    /// The head on the final states (MoE or logistic, `Config.head`).
    public let classifier: RecurrentClassifier

    /// Builds the model for `numClasses` classes over frames of `inputSize` features (rgb ⊕ audio), drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), inputSize: Int = 1152, numClasses: Int, rng: inout RandomGenerator) {
        stateFeatures = config.stateFeatures
        lstm = LSTM(inputSize: inputSize, hiddenSize: config.hiddenSize, layers: config.layers,
                    forgetBias: config.forgetBias, rng: &rng)
        initializeChrono([lstm], timescale: config.chronoTimescale, rng: &rng)
        classifier = RecurrentClassifier(Self.representationSize(config), config: config, classes: numClasses, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// H, or 2·L·H with every layer's (c, h).
    public static func representationSize(_ c: Config) -> Int {
        c.stateFeatures == .lastLayerHidden ? c.hiddenSize : 2 * c.layers * c.hiddenSize
    }

    /// The final states the head reads [B, featureCount] (``LSTMStateFeatures``).
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        let run = lstm(x.features, lengths: x.lengths)
        switch stateFeatures {
        case .lastLayerHidden:
            return stateSlice(run.hidden, lstm.layerCount - 1)
        case .allLayersCellAndHidden:
            let cell = run.cell!
            return Tensor.concat((0..<lstm.layerCount).flatMap { [stateSlice(cell, $0), stateSlice(run.hidden, $0)] },
                                 axis: 1)
        }
    }
}

extension LSTMModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: RecurrentModelConfig {
        /// H, hidden units of each LSTM layer (`lstm_cells`; the paper size's 1024).
        public var hiddenSize = 1024
        /// L, stacked LSTM layers (`lstm_layers`; the paper size's 2).
        public var layers = 2
        /// Constant forget-gate bias (`BasicLSTMCell(forget_bias=1.0)`).
        public var forgetBias = 1.0
        /// T_max of the chrono initialisation of the gate biases (`LSTM.initializeChrono(maxTimescale:rng:)` in NN),
        /// the longest memory in frames the LSTM should start with; 0 keeps PyTorch's initialisation (the reference's).
        public var chronoTimescale = 0
        /// Which final states feed the classifier (the starter's h^L_T; `lstm-willow` sets every layer's (c, h)).
        public var stateFeatures = LSTMStateFeatures.lastLayerHidden
        /// The classifier on the final states: a mixture of experts (the reference's).
        public var head = RecurrentHeadKind.mixtureOfExperts
        /// m, experts per class of the MoE head (`moe_num_mixtures`; the paper size's 2).
        public var mixtures = 2
        /// The input transform: L2-normalise each feature row (the reference's).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}

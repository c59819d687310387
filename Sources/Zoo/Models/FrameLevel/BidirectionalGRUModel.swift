import NN
import Tensor

/// miha-skalic/youtube8mchallange's `GRUbidirect` ("Next top GB model",
/// 2018), docs/zoo.md: p = head(CG(h_T)), where a bidirectional GRU
/// (H_b per direction) reads every valid frame, its outputs [h→_t, h←_t]
/// (2·H_b) feed a GRU(H), and h_T is that GRU's final state after each
/// video's last valid frame. The ``BidirectionalLSTMModel`` with GRUs, which
/// have no cell state: the head reads h.
///
/// Context gating (miha's GRU variants: y = h ⊙ σ(W·h + b), no batch norm)
/// is optional and off by default: the reference `GRUbidirect` hands the
/// final state straight to its video-level classifier, and docs/zoo.md's 15.4 M
/// counts no gate (with it, H² + H = 1,049,600 more).
///
/// Paper size H_b = 512, H = 1024, logistic head (miha's recipes) at 3862
/// classes: 15,374,102 parameters. The GRUs follow PyTorch (b_ih and b_hh,
/// 6H biases per layer and direction; the reset gate multiplies
/// W_hn·h + b_hn), where TensorFlow's `GRUCell` of the reference has 3H
/// (2H for the gates, H for the candidate): 3·512·2 + 3·1024 = 6144 more
/// than the reference's 15,367,958, both 15.4 M. Frames are L2-normalised.
/// Outputs logits (logistic head) or probabilities (MoE).
public final class BidirectionalGRUModel: ZooModelBase, RecurrentZooModel {
    /// The zoo's `gru-bidirect` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "gru-bidirect", level: .frame,
        summary: "Bidirectional GRU 2 × 512 → GRU(1024) → final h (→ optional context gating) → logistic (miha GRUbidirect)",
        recipe: .mihaLSTM(),
        // As bilstm: one final state is the classifier's input; 16 units at 1e-3 left
        // GAP at 0.094 after 400 steps of batch 64, below the label-frequency baseline;
        // 32/64 units 0.478, and 64/128 (the paper's 1024 state units per 3862 classes,
        // at 500) 0.521. On synthetic v2 that reached 0.288 (NetVLAD 0.347); with chrono
        // update-gate biases over 300 frames in both GRUs, 0.308.
        smallLearningRate: 1e-2,
        small: { $0.bidirectionalSize = 64; $0.hiddenSize = 128; $0.chronoTimescale = SmallConfiguration.chronoTimescale },
        build: { BidirectionalGRUModel($0, numClasses: $1, rng: &$2) })

    /// The bidirectional GRU over the frames (H_b per direction).
    public let bidirectional: GRU
    /// The GRU(H) over the bidirectional outputs, whose final state is read.
    public let gru: GRU
    /// Context gating (no batch norm) of the final state, when `Config.contextGating`.
    public let gating: ContextGating?
    /// The head on the final states (MoE or logistic, `Config.head`).
    public let classifier: RecurrentClassifier

    /// Builds the model for `numClasses` classes over frames of `inputSize` features (rgb ⊕ audio), drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), inputSize: Int = 1152, numClasses: Int, rng: inout RandomGenerator) {
        bidirectional = GRU(inputSize: inputSize, hiddenSize: config.bidirectionalSize, bidirectional: true, rng: &rng)
        gru = GRU(inputSize: 2 * config.bidirectionalSize, hiddenSize: config.hiddenSize, rng: &rng)
        initializeChrono([bidirectional, gru], timescale: config.chronoTimescale, rng: &rng)
        gating = config.contextGating ? ContextGating(config.hiddenSize, batchNorm: false, rng: &rng) : nil
        classifier = RecurrentClassifier(config.hiddenSize, config: config, classes: numClasses, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// The final state h_T of the second GRU (context-gated when configured), [B, H].
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        let outputs = bidirectional(x.features, lengths: x.lengths).output
        let h = stateSlice(gru(outputs, lengths: x.lengths).hidden, 0)
        return gating.map { $0(h) } ?? h
    }
}

extension BidirectionalGRUModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: RecurrentModelConfig {
        /// H_b, hidden units per direction of the bidirectional GRU (`lstm_cells` / 2; the paper size's 512).
        public var bidirectionalSize = 512
        /// H, hidden units of the GRU over the bidirectional outputs (`lstm_cells`; the paper size's 1024).
        public var hiddenSize = 1024
        /// T_max of the chrono initialisation of both GRUs' update-gate biases (`GRU.initializeChrono(maxTimescale:rng:)` in NN),
        /// the longest memory in frames they should start with; 0 keeps PyTorch's initialisation (the reference's).
        public var chronoTimescale = 0
        /// Context gating without batch norm on the final state before the head (off, as the reference `GRUbidirect`).
        public var contextGating = false
        /// The classifier on the final state: a logistic layer (miha's recipes).
        public var head = RecurrentHeadKind.logistic
        /// m, experts per class when the head is a MoE.
        public var mixtures = 2
        /// The input transform: L2-normalise each feature row (the reference's).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}

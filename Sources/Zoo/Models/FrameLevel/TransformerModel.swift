import NN
import Tensor

/// Transformer encoder over the frames, in the two configurations of the
/// project decision (docs/zoo.md "Project decisions", §3.14):
/// - `.samsung`: Samsung 2018's `EarlyConcatTransformerClassifier`
///   (twoleggedeye/youtube8m sequence_models/models.py, attention.py):
///   logits = W·mean_{t valid} Lₙ∘…∘L₁(x) + b, each L the
///   `SamsungTransformerLayer` (per-head Q, K, V without bias, temperature
///   √D_in, position codes on queries and keys only, projection, dropout,
///   ReLU; no residual, LayerNorm or feed-forward), 1152 → inner. Configs
///   11/88: inner 500, 1 layer, 1 head, dropout 0, max length 303 → 3.9 M.
/// - `.standard`: a standard encoder (Vaswani et al. 2017):
///   logits = W·mean_{t valid} Enc(P·x + b_P + PE) + b, with a linear
///   projection 1152 → d_model, Vaswani's sinusoidal position codes, and
///   post-norm `TransformerEncoderLayer`s (residuals, LayerNorm, FFN).
///   No reference trained it on YouTube-8M; the sizes are ours.
///
/// `positionalEncoding` false gives the "without positional encoding"
/// variant, which the Samsung paper reports as the better one. Reference
/// bugs not copied: its classifier feeds a sigmoid output to
/// BCE-with-logits (a double sigmoid; here logits), infers the padding mask
/// from all-zero rows and averages over padding frames too (here the mean
/// and the attention run over each video's valid frames). Outputs logits.
/// Features: the mean over frames (`innerSize` wide), before the Linear → C.
public final class TransformerModel: ZooModelBase, LinearClassifierModel {
    /// The zoo's `transformer`, `transformer-nopos`, `transformer-standard` entries (``ModelZoo/entries``).
    static let zooEntries: [ZooEntry] = [
        .make("transformer", level: .frame,
              summary: "Samsung self-attention layer (1 layer, 1 head, inner 500) with position codes, mean over frames (Samsung transformer, configs 11/88)",
              reportedGAP: "0.8237 (Samsung, 5-fold; better without positional encoding)",
              recipe: .samsung(batchSize: 512, learningRate: 5e-3),
              small: { $0.innerSize = 32 },
              build: { TransformerModel($0, numClasses: $1, rng: &$2) }),

        .make("transformer-nopos", level: .frame,
              summary: "The Samsung transformer without positional encoding (1 layer, 1 head, inner 500)",
              reportedGAP: "0.8237 or better (Samsung report the variant without positional encoding as the better one)",
              recipe: .samsung(batchSize: 512, learningRate: 5e-3),
              paper: { $0.positionalEncoding = false },
              small: { $0.positionalEncoding = false; $0.innerSize = 32 },
              build: { TransformerModel($0, numClasses: $1, rng: &$2) }),

        .make("transformer-standard", level: .frame,
              summary: "Standard transformer encoder (projection to 512, sinusoidal codes, 2 post-norm layers, 8 heads, FFN 2048), mean over frames; project configuration",
              recipe: .samsungDefault,
              smallLearningRate: 3e-3,  // 200 steps of batch 64: GAP 0.17 at 1e-3, 0.22 at 3e-3, 0.21 at 5e-3
              paper: {
                  $0.architecture = .standard; $0.innerSize = 512; $0.layers = 2; $0.heads = 8; $0.feedForwardSize = 2048; $0.dropout = 0.1
              },
              small: {
                  $0.architecture = .standard; $0.innerSize = 32; $0.layers = 1; $0.heads = 4; $0.feedForwardSize = 64
              },
              build: { TransformerModel($0, numClasses: $1, rng: &$2) }),
    ]

    /// Which encoder layer the model stacks.
    public enum Architecture: String, Codable, Sendable {
        /// Samsung's `SamsungTransformerLayer` stack, fed the frames directly.
        case samsung
        /// A projection to d_model, sinusoidal codes and post-norm `TransformerEncoderLayer`s.
        case standard
    }

    /// The Samsung layers (empty in the standard configuration).
    public let samsungLayers: [SamsungTransformerLayer]
    /// Standard configuration: the input projection, position codes and encoder.
    public let inputProjection: Linear?
    /// Standard configuration: the sinusoidal position codes added after the projection, when `Config.positionalEncoding`.
    public let positionalEncoding: SinusoidalPositionalEncoding?
    /// Standard configuration: the encoder layers.
    public let encoder: TransformerEncoder?
    /// The final Linear(innerSize → C).
    public let classifier: Linear

    /// Builds the model for `numClasses` classes over frames of `inputSize` features (rgb ⊕ audio), drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), inputSize: Int = 1152, numClasses: Int, rng: inout RandomGenerator) {
        let d = config.innerSize
        switch config.architecture {
        case .samsung:
            var layers: [SamsungTransformerLayer] = []
            for i in 0..<config.layers {
                layers.append(SamsungTransformerLayer(
                    inputSize: i == 0 ? inputSize : d, outputSize: d, numHeads: config.heads, dropout: config.dropout,
                    positionCoding: config.positionalEncoding ? .samsungSine(maxLength: config.maxLength) : .none,
                    rng: &rng))
            }
            samsungLayers = layers
            inputProjection = nil
            positionalEncoding = nil
            encoder = nil
        case .standard:
            samsungLayers = []
            inputProjection = Linear(inputSize, d, rng: &rng)
            positionalEncoding = config.positionalEncoding ? SinusoidalPositionalEncoding(dim: d, maxLength: config.maxLength) : nil
            encoder = TransformerEncoder(numLayers: config.layers, dModel: d, numHeads: config.heads,
                                         feedForward: config.feedForwardSize, dropout: config.dropout, rng: &rng)
        }
        classifier = Linear(d, numClasses, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// The mean of the encoded valid frames [B, innerSize], the final Linear's input.
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        let mask = x.sequenceMask
        var h: Tensor
        if let encoder, let inputProjection {
            h = inputProjection(x.features)
            if let positionalEncoding { h = positionalEncoding(h) }
            h = encoder(h, mask: mask)
        } else {
            h = samsungLayers.reduce(x.features) { $1($0, mask: mask) }
        }
        return maskedMean(h, mask: mask)
    }
}

extension TransformerModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// Which encoder the model stacks (Samsung's by default, configs 11/88).
        public var architecture = Architecture.samsung
        /// Frame size inside the encoder (Samsung `inner_size`, 500 in configs 11/88; the standard encoder's d_model).
        public var innerSize = 500
        /// Encoder layers (Samsung configs 11/88: 1).
        public var layers = 1
        /// Attention heads per layer (Samsung configs 11/88: 1).
        public var heads = 1
        /// Standard encoder only: the feed-forward hidden size (2048 in `transformer-standard`).
        public var feedForwardSize = 2048
        /// Dropout inside each layer (Samsung configs 11/88: 0).
        public var dropout = 0.0
        /// Add position codes (Samsung: on queries and keys; standard: sinusoidal, to the projected frames).
        public var positionalEncoding = true
        /// Rows of the position-code table (Samsung `max_length`: 303 in configs 11/88).
        public var maxLength = 303
        /// The input transform: none, the features as they are (the reference's).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}

        /// The heads split the frame size evenly.
        public func checkConsistency() throws {
            guard innerSize % heads == 0 else {
                throw ZooConfigurationConflict("innerSize \(innerSize) does not split into \(heads) heads")
            }
        }
    }
}

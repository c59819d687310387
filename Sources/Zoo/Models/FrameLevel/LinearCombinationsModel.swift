import NN
import Tensor

/// ResNet-like over learned linear combinations of frames, Samsung 2018's
/// `LinearCombinations` (twoleggedeye/youtube8m sequence_models/models.py), docs/zoo.md:
/// logits = ResNetLike(Drop(flat(C_v·x̃^rgb)), Drop(flat(C_a·x̃^audio))), (C·x̃)[h, f] = c_h + Σ_{t<303} W[h, t]·x̃[t, f],
/// where x̃ is the video with its padding frames zeroed and zero-padded to
/// 303 frames, C_v and C_a are `LinearCombinationsOfFrames` (one set of
/// 303 weights per combination, shared by all features), flattened to
/// heads·1024 and heads·128, then dropout and ``ResNetLikeHead`` (inner 2048,
/// av = concat = 1, the same dropout, which the reference passes on).
/// 3 combinations (`head_size`) → 57.0 M; the paper's reported model mixes 5.
///
/// The flattening is head-major (h·F + f) where the reference's is
/// feature-major, a fixed permutation of the first dense layer's inputs.
/// Videos longer than 303 frames keep their first 303. Outputs logits.
/// Features: the head's last FCBlock output (inner wide), before its Linear → C.
public final class LinearCombinationsModel: ZooModelBase, ResNetLikeHeadModel {
    /// The zoo's `linear-combinations` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "linear-combinations", level: .frame,
        summary: "3 learned linear combinations of 303 frames per modality + ResNet-like head (Samsung LinearCombinations)",
        reportedGAP: "0.85325 (Samsung, 5-fold, with 5 combinations)",
        recipe: .samsungDefault,
        // At Adam 1e-3 the logits spend 200 steps reaching the label prior (loss 0.69 → 0.076, GAP 0.076);
        // the per-position frame weights start with random signs, so a video's content enters with a
        // length-dependent sign until they agree. 1e-2 and inner 64: GAP 0.22.
        smallLearningRate: 1e-2,
        small: { $0.head.innerSize = 64; $0.head.dropout = 0.1 },
        build: { LinearCombinationsModel($0, numClasses: $1, rng: &$2) })

    /// The learned combinations of the rgb frames.
    public let videoCombinations: LinearCombinationsOfFrames
    /// The learned combinations of the audio frames.
    public let audioCombinations: LinearCombinationsOfFrames
    /// Dropout on the flattened combinations.
    public let dropout: Dropout
    /// The ResNet-like head over the pooled video and audio vectors.
    public let head: ResNetLikeHead

    /// Builds the model for `numClasses` classes over frames of `rgbSize` rgb and `audioSize` audio features, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        videoCombinations = LinearCombinationsOfFrames(frames: config.frames, heads: config.combinations, rng: &rng)
        audioCombinations = LinearCombinationsOfFrames(frames: config.frames, heads: config.combinations, rng: &rng)
        dropout = Dropout(config.head.dropout, seed: rng.next())
        head = ResNetLikeHead(videoFeatures: config.combinations * rgbSize, audioFeatures: config.combinations * audioSize, settings: config.head,
                              classes: numClasses, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// The ResNet-like head's last hidden activation [B, innerSize].
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        let mask = x.sequenceMask
        let b = x.batchSize
        let video = dropout(videoCombinations(x.rgb, mask: mask).reshaped(to: [b, -1]))
        let audio = dropout(audioCombinations(x.audio, mask: mask).reshaped(to: [b, -1]))
        return head.features(video: video, audio: audio)
    }
}

extension LinearCombinationsModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// Combinations of frames per modality (`head_size`; 3 here, the reported model mixes 5).
        public var combinations = 3
        /// Frames the combinations span (the reference's MAX_SEQ_LEN, 303).
        public var frames = 303
        /// The ResNet-like head (its defaults, the reference's: 2048 wide, dropout 0.5,
        /// which the reference also applies to the combinations).
        public var head = ResNetLikeHead.Settings()
        /// The input transform: none, the features as they are (the reference's).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}
    }
}

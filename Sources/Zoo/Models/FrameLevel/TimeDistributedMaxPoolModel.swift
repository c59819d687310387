import NN
import Tensor

/// Time-distributed dense + max pooling, Samsung 2018's
/// `EarlyConcatAlternate` (twoleggedeye/youtube8m sequence_models/models.py), docs/zoo.md:
/// logits = ResNetLike(max_{t valid} ReLU(BN(W_v·x_t^rgb + b_v)), max_{t valid} ReLU(BN(W_a·x_t^audio + b_a))),
/// per modality a dense layer applied to every frame (rgb 1024 → 1024,
/// audio 128 → 128), batch norm over the features, ReLU and the maximum
/// over time, then ``ResNetLikeHead`` (inner 1024; the reference does not
/// pass its `dropout` argument, so the head keeps 0.5). av = concat = 1 →
/// 16.7 M; config 19 uses av = concat = 2 (batch 512, Adam 5e-3).
///
/// The dense layers and their batch norm run on the packed valid frames
/// only, so the statistics and the maximum ignore padding (the reference
/// includes the zero-padded frames in both). The reference also declares an
/// unused second batch norm per modality (`bn_frame`, 2·(1024 + 128)
/// parameters); it is not created. Outputs logits. Features: the head's
/// last FCBlock output (inner wide), before its Linear → C.
public final class TimeDistributedMaxPoolModel: ZooModelBase, ResNetLikeHeadModel {
    /// The zoo's `td-dense-maxpool` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "td-dense-maxpool", level: .frame,
        summary: "Time-distributed dense + BN + ReLU per modality, max over frames, ResNet-like head (Samsung EarlyConcatAlternate)",
        reportedGAP: "0.82656 (Samsung, 5-fold)",
        recipe: .samsung(batchSize: 512, learningRate: 5e-3),
        small: {
            // Inner 32 for 500 classes: GAP 0.23 after 200 steps of batch 64; inner 64: 0.28.
            $0.videoReducedSize = 32; $0.audioReducedSize = 16; $0.head.innerSize = 64
        },
        build: { TimeDistributedMaxPoolModel($0, numClasses: $1, rng: &$2) })

    /// The dense layer applied to every rgb frame.
    public let videoDense: Linear
    /// Batch norm of the rgb dense layer's outputs.
    public let videoBatchNorm: BatchNorm
    /// The dense layer applied to every audio frame.
    public let audioDense: Linear
    /// Batch norm of the audio dense layer's outputs.
    public let audioBatchNorm: BatchNorm
    /// The ResNet-like head over the pooled video and audio vectors.
    public let head: ResNetLikeHead

    /// Builds the model for `numClasses` classes over frames of `rgbSize` rgb and `audioSize` audio features, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        videoDense = Linear(rgbSize, config.videoReducedSize, rng: &rng)
        videoBatchNorm = BatchNorm(config.videoReducedSize)
        audioDense = Linear(audioSize, config.audioReducedSize, rng: &rng)
        audioBatchNorm = BatchNorm(config.audioReducedSize)
        head = ResNetLikeHead(videoFeatures: config.videoReducedSize, audioFeatures: config.audioReducedSize, settings: config.head,
                              classes: numClasses, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// The ResNet-like head's last hidden activation [B, innerSize].
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        let packing = PackedFrames(lengths: x.frameCounts, time: x.features.shape[1])
        let mask = x.sequenceMask
        func pooled(_ frames: Tensor, _ dense: Linear, _ batchNorm: BatchNorm) -> Tensor {
            maskedMax(packing.unpack(relu(batchNorm(dense(packing.pack(frames))))), mask: mask)
        }
        return head.features(video: pooled(x.rgb, videoDense, videoBatchNorm),
                             audio: pooled(x.audio, audioDense, audioBatchNorm))
    }
}

extension TimeDistributedMaxPoolModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// Per-frame output size of the rgb dense layer (`video_reduced_sz`; the reference's 1024).
        public var videoReducedSize = 1024
        /// Per-frame output size of the audio dense layer (`audio_reduced_sz`; the reference's 128).
        public var audioReducedSize = 128
        /// The ResNet-like head (the reference's: 1024 wide, dropout 0.5, as the
        /// reference does not pass its own `dropout` on).
        public var head = ResNetLikeHead.Settings(innerSize: 1024)
        /// The input transform: none, the features as they are (the reference's).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}
    }
}

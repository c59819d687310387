import NN
import Tensor

/// Time-distributed dense + max pooling, Samsung 2018's
/// `EarlyConcatAlternate` (twoleggedeye/youtube8m sequence_models/models.py), ZOO.md §3.17:
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
public final class TimeDistributedMaxPoolModel: Module, ResNetLikeHeadModel {
    /// The zoo's `td-dense-maxpool` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "td-dense-maxpool", level: .frame,
        summary: "Time-distributed dense + BN + ReLU per modality, max over frames, ResNet-like head (Samsung EarlyConcatAlternate)",
        reportedGAP: "0.82656 (Samsung, 5-fold)",
        recipe: .samsung(batchSize: 512, learningRate: 5e-3),
        small: {
            // Inner 32 for 500 classes: GAP 0.23 after 200 steps of batch 64; inner 64: 0.28.
            $0.videoReducedSize = 32; $0.audioReducedSize = 16; $0.innerSize = 64
        },
        build: { TimeDistributedMaxPoolModel($0, numClasses: $1, rng: &$2) })

    public let level = InputLevel.frame
    public let numClasses: Int
    let transform: InputTransform
    public let videoDense: Linear
    public let videoBatchNorm: BatchNorm
    public let audioDense: Linear
    public let audioBatchNorm: BatchNorm
    public let head: ResNetLikeHead

    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        self.numClasses = numClasses
        transform = config.transform
        videoDense = Linear(rgbSize, config.videoReducedSize, rng: &rng)
        videoBatchNorm = BatchNorm(config.videoReducedSize)
        audioDense = Linear(audioSize, config.audioReducedSize, rng: &rng)
        audioBatchNorm = BatchNorm(config.audioReducedSize)
        head = ResNetLikeHead(videoFeatures: config.videoReducedSize, audioFeatures: config.audioReducedSize, config: config,
                              classes: numClasses, rng: &rng)
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
    public struct Config: ZooConfiguration, ResNetLikeHeadConfig {
        /// Per-frame output size of the rgb dense layer (`video_reduced_sz`).
        public var videoReducedSize = 1024
        /// Per-frame output size of the audio dense layer (`audio_reduced_sz`).
        public var audioReducedSize = 128
        public var innerSize = 1024
        public var avBlocks = 1
        public var concatBlocks = 1
        public var dropout = 0.5
        public var transform = InputTransform.none
        public init() {}
    }
}

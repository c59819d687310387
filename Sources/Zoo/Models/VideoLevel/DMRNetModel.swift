import NN
import Tensor

/// A fully connected merge-and-run network (DMRNet; Zhao, Wang, Li, Wang,
/// "Deep Convolutional Neural Networks with Merge-and-Run Mappings",
/// arXiv 1611.07718, IJCAI 2018) over the two YouTube-8M modalities, as the
/// project decides (docs/zoo.md "Project decisions", §3.16):
/// v₀ = FCBlock(rgb), a₀ = FCBlock(audio) (both `innerSize` wide);
/// per block m = (v + a)/2, v ← H_v(v) + m, a ← H_a(a) + m;
/// logits = W·[v, a] + b; the features are [v, a] (2·inner).
///
/// Each branch body H is Linear → BatchNorm → LeakyReLU(0.01) → Dropout →
/// Linear (`MergeAndRunBlock`); the stream projections are the FCBlocks
/// (Linear → BatchNorm → LeakyReLU → Dropout) that open the ResNet-like
/// branches, so the two networks differ only in how the streams interact.
/// No reference code exists; the paper gives the merge-and-run mapping for
/// convolutional branches and the block body is the project's choice.
///
/// No paper configuration exists for YouTube-8M: the defaults (inner 2048,
/// 2 blocks, dropout 0.5) put it at 51.8 M parameters for 3862 classes,
/// the budget of the default ResNet-like (52.3 M), and it reads the
/// features as they are, like the Samsung models it is compared with.
public final class DMRNetModel: ZooModelBase, LinearClassifierModel {
    /// The zoo's `dmrnet` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "dmrnet", level: .video,
        summary: "Merge-and-run network: video and audio FC residual streams merged by averaging (DMRNet, Zhao et al. 2018)",
        recipe: .resNetLike,
        small: { $0.innerSize = 64 },
        build: { DMRNetModel($0, numClasses: $1, rng: &$2) })

    let config: Config
    /// FCBlock(rgb → inner): the video stream's start.
    public let videoProjection: FCBlock
    /// FCBlock(audio → inner): the audio stream's start.
    public let audioProjection: FCBlock
    /// The merge-and-run blocks.
    public let blocks: [MergeAndRunBlock]
    /// Linear(2·inner → C) on [video, audio].
    public let classifier: Linear

    /// Builds the model for `numClasses` classes, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), numClasses: Int, rng: inout RandomGenerator) {
        precondition(config.videoFeatures > 0 && config.audioFeatures > 0 && config.innerSize > 0 && config.blocks >= 0,
                     "DMRNet: sizes must be positive (video \(config.videoFeatures), audio \(config.audioFeatures), inner \(config.innerSize)) and blocks \(config.blocks) ≥ 0")
        self.config = config
        videoProjection = FCBlock(config.videoFeatures, config.innerSize, dropout: config.dropout, rng: &rng)
        audioProjection = FCBlock(config.audioFeatures, config.innerSize, dropout: config.dropout, rng: &rng)
        blocks = (0..<config.blocks).map { _ in
            MergeAndRunBlock(features: config.innerSize, dropout: config.dropout, rng: &rng)
        }
        classifier = Linear(2 * config.innerSize, numClasses, rng: &rng)
        super.init(level: .video, numClasses: numClasses, transform: config.transform)
    }

    /// Features each row must have: video then audio inputs.
    public var inputSize: Int { config.videoFeatures + config.audioFeatures }

    /// The final streams [v, a] [B, 2·inner], the classifier's input.
    public func features(_ input: ModelInput) -> Tensor {
        precondition(input.features.rank == 2 && input.featureSize == inputSize,
                     "DMRNet: input \(input.features.shape) is not [batch, \(config.videoFeatures) video + \(config.audioFeatures) audio features]")
        let x = transform.apply(input).features
        var video = videoProjection(x.sliced(axis: 1, range: 0..<config.videoFeatures))
        var audio = audioProjection(x.sliced(axis: 1, range: config.videoFeatures..<inputSize))
        for block in blocks { (video, audio) = block(video, audio) }
        return Tensor.concat([video, audio], axis: 1)
    }
}

extension DMRNetModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// Features of the video (rgb) stream input: the first `videoFeatures` of each row.
        public var videoFeatures = 1024
        /// Features of the audio stream input: the next `audioFeatures`.
        public var audioFeatures = 128
        /// Width of both streams and of each branch's hidden layer (the project's 2048).
        public var innerSize = 2048
        /// Merge-and-run blocks after the stream projections (the project's 2).
        public var blocks = 2
        /// Dropout of every FCBlock and branch body (the project's 0.5; no paper value exists).
        public var dropout = 0.5
        /// The input transform: none, the features as they are (the project's choice, as the Samsung models).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}
    }
}

import NN
import Tensor

/// The ResNet-like MLP of Samsung 2018 (twoleggedeye/youtube8m
/// video_level_nn_models/models.py `ResNetLike`; n01z3's `fc_identity`
/// network), docs/zoo.md, as the classifier over a video and an audio vector:
/// a = Idᵃᵥ∘…∘FCBlock(audio), v = Idᵃᵥ∘…∘FCBlock(video), z = FCBlock(Id_c∘…∘Id_c([a, v])), logits = W·z + b,
/// with FCBlock = Linear → BN → LeakyReLU(0.01) → Dropout (`FCBlock`) and
/// Id(x) = LeakyReLU(x + W₂·FCBlock(x) + b₂) (`ResidualIdentityBlock`);
/// both streams are `innerSize` wide, the concatenation 2·innerSize, the
/// concat blocks' inner size `innerSize`.
///
/// Used by the frame-level Samsung models (VLAD-BOW, time-distributed dense,
/// linear combinations of frames); equal video and audio parts (the
/// reference's `video_part = audio_part = 1`, what every frame-level model
/// uses) and no output context gating. To be unified with the video-level
/// `resnet-like` model when it lands. Outputs logits. Inputs [N, ·] (a video
/// per row, or a frame per row when applied time-distributed).
public final class ResNetLikeHead: Module {
    /// FCBlock(audio → inner), the audio stream's start.
    public let audioBlock: FCBlock
    /// The audio stream's identity blocks.
    public let audioIdentityBlocks: [ResidualIdentityBlock]
    /// FCBlock(video → inner), the video stream's start.
    public let videoBlock: FCBlock
    /// The video stream's identity blocks.
    public let videoIdentityBlocks: [ResidualIdentityBlock]
    /// Identity blocks (2·inner → inner → 2·inner) after the concatenation [a, v].
    public let concatIdentityBlocks: [ResidualIdentityBlock]
    /// FCBlock(2·inner → inner), the last hidden activation.
    public let concatBlock: FCBlock
    /// The final Linear(inner → C).
    public let classifier: Linear

    /// A head over a video vector and an audio vector, with weights drawn from `rng`.
    ///
    /// - Parameters:
    ///   - videoFeatures: size of the video input vector.
    ///   - audioFeatures: size of the audio input vector.
    ///   - innerSize: width of each stream (the reference's `inner_size`, default 2048).
    ///   - avBlocks: identity blocks per stream (`av_id_block_num`).
    ///   - concatBlocks: identity blocks after the concatenation (`concat_id_block_num`).
    ///   - dropout: of every FCBlock (the reference's default 0.5).
    ///   - classes: C, the width of the final Linear's output.
    ///   - rng: the generator the initial weights are drawn from.
    public init(videoFeatures: Int, audioFeatures: Int, innerSize: Int = 2048, avBlocks: Int = 1,
                concatBlocks: Int = 1, dropout: Double = 0.5, classes: Int, rng: inout RandomGenerator) {
        precondition(avBlocks >= 0 && concatBlocks >= 0,
                     "ResNetLikeHead: block counts must be ≥ 0, got av \(avBlocks), concat \(concatBlocks)")
        audioBlock = FCBlock(audioFeatures, innerSize, dropout: dropout, rng: &rng)
        var blocks: [ResidualIdentityBlock] = []
        for _ in 0..<avBlocks { blocks.append(ResidualIdentityBlock(outer: innerSize, inner: innerSize, dropout: dropout, rng: &rng)) }
        audioIdentityBlocks = blocks
        videoBlock = FCBlock(videoFeatures, innerSize, dropout: dropout, rng: &rng)
        blocks = []
        for _ in 0..<avBlocks { blocks.append(ResidualIdentityBlock(outer: innerSize, inner: innerSize, dropout: dropout, rng: &rng)) }
        videoIdentityBlocks = blocks
        blocks = []
        for _ in 0..<concatBlocks {
            blocks.append(ResidualIdentityBlock(outer: 2 * innerSize, inner: innerSize, dropout: dropout, rng: &rng))
        }
        concatIdentityBlocks = blocks
        concatBlock = FCBlock(2 * innerSize, innerSize, dropout: dropout, rng: &rng)
        classifier = Linear(innerSize, classes, rng: &rng)
    }

    /// Width of the video input.
    public var videoFeatures: Int { videoBlock.inFeatures }
    /// Width of the audio input.
    public var audioFeatures: Int { audioBlock.inFeatures }

    /// Width of ``features(video:audio:)``: the final FCBlock's `innerSize`.
    public var featureCount: Int { classifier.inFeatures }

    /// The last hidden activation z = FCBlock(Id_c∘…([a, v])) [N, innerSize], the
    /// input of the final Linear → C, for video vectors [N, videoFeatures] and
    /// audio vectors [N, audioFeatures].
    public func features(video: Tensor, audio: Tensor) -> Tensor {
        precondition(video.rank == 2 && audio.rank == 2 && video.shape[0] == audio.shape[0]
                     && video.shape[1] == videoFeatures && audio.shape[1] == audioFeatures,
                     "ResNetLikeHead: video \(video.shape) and audio \(audio.shape) must be [N, \(videoFeatures)] and [N, \(audioFeatures)]")
        let a = audioIdentityBlocks.reduce(audioBlock(audio)) { $1($0) }
        let v = videoIdentityBlocks.reduce(videoBlock(video)) { $1($0) }
        let z = concatIdentityBlocks.reduce(Tensor.concat([a, v], axis: 1)) { $1($0) }
        return concatBlock(z)
    }

    /// Logits [N, C] for video vectors [N, videoFeatures] and audio vectors [N, audioFeatures]:
    /// `classifier(features(video:audio:))`.
    public func callAsFunction(video: Tensor, audio: Tensor) -> Tensor {
        classifier(features(video: video, audio: audio))
    }
}

/// A frame-level zoo model that ends in a ``ResNetLikeHead`` over two pooled
/// modalities (LinearCombinations, time-distributed max-pool, VLAD-BoW): its
/// features are the head's last hidden activation, its output the logits of
/// the head's final Linear → C.
public protocol ResNetLikeHeadModel: LinearClassifierModel {
    /// The ResNet-like head over the pooled video and audio vectors.
    var head: ResNetLikeHead { get }
}

extension ResNetLikeHeadModel {
    /// The ResNet-like head's final Linear → C.
    public var classifier: Linear { head.classifier }
}

extension ResNetLikeHead {
    /// The settings of a ``ResNetLikeHead``, a field group of the configurations
    /// of the models that end in one (their `head`; users name its fields
    /// directly, `{"innerSize": 512}`). `init()` gives the reference's defaults.
    public struct Settings: Codable, Sendable, Equatable {
        /// Width of each stream and of the last hidden activation (`inner_size`; the reference's 2048).
        public var innerSize = 2048
        /// Identity blocks on each stream (`av_id_block_num`; the reference's 1).
        public var avBlocks = 1
        /// Identity blocks after the concatenation (`concat_id_block_num`; the reference's 1).
        public var concatBlocks = 1
        /// Dropout of every FCBlock and identity block (the reference's 0.5); the
        /// models also use it where their own layers drop out, as the reference does.
        public var dropout = 0.5
        /// The reference's defaults.
        public init() {}
        init(innerSize: Int) { self.innerSize = innerSize }
    }

    /// The head `settings` size, over pooled video and audio vectors of the given widths.
    convenience init(videoFeatures: Int, audioFeatures: Int, settings: Settings, classes: Int,
                     rng: inout RandomGenerator) {
        self.init(videoFeatures: videoFeatures, audioFeatures: audioFeatures, innerSize: settings.innerSize,
                  avBlocks: settings.avBlocks, concatBlocks: settings.concatBlocks, dropout: settings.dropout,
                  classes: classes, rng: &rng)
    }
}

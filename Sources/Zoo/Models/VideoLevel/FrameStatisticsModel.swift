import YT8MData
import NN
import Tensor

/// How the frame-statistics model reads the dataset's frame statistics
/// (`FrameStatistics`, computed by the dataset from the frames; docs/zoo.md
/// §3.21): the dataset lays out one 1152-wide block per statistic (rgb then
/// audio) followed by the frame count; the model regroups them by modality,
/// `[rgb: mean std min max median mode | audio: the same | frames/300]`, so
/// each branch of its two-branch network reads one contiguous slice. The
/// frame count is divided by 300 (the readers' `max_frames`) to be on the
/// features' scale.
public enum FrameStatisticsLayout {
    /// The statistics the model reads, in the dataset's order.
    public static let statistics: [FrameStatistic] = [.mean, .std, .min, .max, .median, .mode, .numFrames]
    /// The per-dimension statistics (all but the frame count).
    static var perDimension: Int { statistics.count - 1 }
    /// The frame count is divided by this (the readers' `max_frames`).
    public static let frameCountScale = 300
    /// Features per video for the YouTube-8M sizes: 6·1152 + 1 = 6913.
    public static let featureSize = featureSize(rgbSize: 1024, audioSize: 128)

    /// 6·(rgb + audio) + 1.
    public static func featureSize(rgbSize: Int, audioSize: Int) -> Int {
        perDimension * (rgbSize + audioSize) + 1
    }

    /// For each column of the model's layout, its column in the dataset's layout.
    public static func modelColumns(rgbSize: Int, audioSize: Int) -> [Int] {
        let d = rgbSize + audioSize
        let rgb = (0..<perDimension).flatMap { s in (0..<rgbSize).map { s * d + $0 } }
        let audio = (0..<perDimension).flatMap { s in (0..<audioSize).map { s * d + rgbSize + $0 } }
        return rgb + audio + [perDimension * d]
    }
}

/// A ResNet-like network over frame statistics (docs/zoo.md features fed
/// to the §3.13 network, as the Samsung config2 feeds its mean ⊕ std
/// features): logits = ResNetLike(video = rgb statistics, audio = audio
/// statistics ⊕ frame count), reading the 6·1152 + 1 = 6913 frame
/// statistics the dataset computes from the frames (``FrameStatisticsLayout``).
///
/// Defaults follow config2, the Samsung configuration over frame statistics
/// (mean and std of each modality; its kwargs `video_input_size`,
/// `audio_input_size` do not match the stored constructor's
/// `video_features_sz`, `audio_features_sz`, whose meaning is taken):
/// inner 2048, 3 av and 3 concat identity blocks, dropout 0.3 → 131.2 M
/// parameters at 3862 classes. The features are read as they are.
public final class FrameStatisticsModel: Module, ZooModel {
    /// The zoo's `frame-statistics` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "frame-statistics", level: .video,
        summary: "ResNet-like MLP over mean, std, min, max, median, mode of the frames and their count (Samsung features)",
        recipe: .frameStatistics,
        featureSize: FrameStatisticsLayout.featureSize, frameStatistics: FrameStatisticsLayout.statistics,
        small: { $0.innerSize = 64; $0.avIdentityBlocks = 1; $0.concatIdentityBlocks = 1 },
        build: { FrameStatisticsModel($0, numClasses: $1, rng: &$2) })

    /// Video level: one row of frame statistics per video.
    public let level = InputLevel.video
    /// C, the wrapped network's number of classes.
    public var numClasses: Int { network.numClasses }
    /// The ResNet-like network over the regrouped statistics.
    public let network: ResNetLikeModel
    let columns: [Int]
    let scale: Tensor

    /// Builds the model for `numClasses` classes, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), numClasses: Int, rng: inout RandomGenerator) {
        network = ResNetLikeModel(config.network, numClasses: numClasses, rng: &rng)
        columns = FrameStatisticsLayout.modelColumns(rgbSize: config.rgbSize, audioSize: config.audioSize)
        var s = [Float](repeating: 1, count: columns.count)
        s[s.count - 1] = 1 / Float(FrameStatisticsLayout.frameCountScale)
        scale = Tensor(s)
    }

    /// 6·(rgb + audio) + 1.
    public var inputSize: Int { network.inputSize }

    /// The ResNet-like network's features (`innerSize` wide).
    public var featureCount: Int { network.featureCount }

    /// The ResNet-like network's last hidden activation [B, innerSize] for a
    /// batch of the dataset's frame statistics [B, 6·(rgb + audio) + 1].
    public func features(_ input: ModelInput) -> Tensor {
        precondition(input.features.rank == 2 && input.featureSize == inputSize,
                     "FrameStatisticsModel: input \(input.features.shape) is not [batch, \(inputSize)] frame statistics (FrameStatisticsLayout.statistics)")
        var regrouped = input
        regrouped.features = input.features.indexSelect(axis: 1, indices: columns) * scale
        return network.features(regrouped)
    }

    /// The ResNet-like network's logits.
    public func classify(_ features: Tensor) -> ModelOutput {
        checkFeatures(features)
        return network.classify(features)
    }

    /// The ResNet-like network's output bias set to `prior` (`ResNetLikeModel.initializeOutputBias(toPrior:)`).
    public func initializeOutputBias(toPrior prior: [Double]) { network.initializeOutputBias(toPrior: prior) }
}

extension FrameStatisticsModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// rgb features per frame (YouTube-8M's 1024; the statistics of each are `rgbSize` wide).
        public var rgbSize = 1024
        /// Audio features per frame (YouTube-8M's 128).
        public var audioSize = 128
        /// Width of the ResNet-like network's streams (config2's 2048).
        public var innerSize = 2048
        /// Identity blocks on each modality branch (config2's 3).
        public var avIdentityBlocks = 3
        /// Identity blocks after the concatenation (config2's 3).
        public var concatIdentityBlocks = 3
        /// Dropout of every FCBlock (config2's 0.3).
        public var dropout = 0.3
        /// The input transform the network applies to the regrouped statistics: none (Samsung's).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}

        /// The ResNet-like network over the layout's two slices.
        public var network: ResNetLikeModel.Config {
            var c = ResNetLikeModel.Config()
            c.videoFeatures = FrameStatisticsLayout.perDimension * rgbSize
            c.audioFeatures = FrameStatisticsLayout.perDimension * audioSize + 1
            c.innerSize = innerSize
            c.lastHiddenSize = innerSize
            c.avIdentityBlocks = avIdentityBlocks
            c.concatIdentityBlocks = concatIdentityBlocks
            c.dropout = dropout
            c.transform = transform
            return c
        }
    }
}

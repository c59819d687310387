import NN
import Tensor

/// The frame-statistics features: per modality, six statistics over the
/// valid frames of a video, and the number of frames (ZOO.md §3.21,
/// Samsung frame_preprocessing/feature_extraction.py).
///
/// Layout of the 6·(1024 + 128) + 1 = 6913 features of a video:
/// `[rgb: mean std min max median mode | audio: mean std min max median mode | frames/300]`,
/// each rgb statistic 1024 wide and each audio statistic 128 wide, in the
/// order of the Samsung extractors; `frames` is the number of valid frames
/// divided by 300 (the readers' `max_frames`) so it is on the features' scale.
/// Grouping by modality lets a two-branch network read one contiguous slice
/// per modality (the frame count rides with the audio statistics).
///
/// Statistics over the valid frames t < n of each feature d:
/// mean = Σ x_t / n; std = √(Σ (x_t − mean)² / (n − 1)) (unbiased, PyTorch's
/// default; 0 when n = 1, where PyTorch gives NaN); min; max; median = the
/// lower median (element ⌊(n − 1)/2⌋ of the sorted values, as `torch.median`);
/// mode = the most frequent value, the smallest of them on ties (on
/// dequantised 8-bit features values repeat; on continuous features every
/// value is unique and the mode is the minimum).
public enum FrameStatistics {
    /// One statistic over time.
    public enum Statistic: String, CaseIterable, Codable, Sendable {
        case mean, std, min, max, median, mode
    }

    /// The statistics in layout order.
    public static let statistics = Statistic.allCases
    /// The frame count is stored divided by this (the readers' `max_frames`).
    public static let frameCountScale = 300
    /// Features per video for the YouTube-8M sizes: 6·1152 + 1 = 6913.
    public static let featureSize = featureSize(rgbSize: 1024, audioSize: 128)

    /// 6·(rgb + audio) + 1.
    public static func featureSize(rgbSize: Int, audioSize: Int) -> Int {
        statistics.count * (rgbSize + audioSize) + 1
    }

    /// Offset of `statistic` of the rgb part in the layout (feature d of it is at offset + d).
    public static func rgbOffset(of statistic: Statistic, rgbSize: Int = 1024) -> Int {
        statistics.firstIndex(of: statistic)! * rgbSize
    }

    /// Offset of `statistic` of the audio part in the layout.
    public static func audioOffset(of statistic: Statistic, rgbSize: Int = 1024, audioSize: Int = 128) -> Int {
        statistics.count * rgbSize + statistics.firstIndex(of: statistic)! * audioSize
    }

    /// The features of one video from its frames, row-major [frames, rgbSize + audioSize]
    /// with at least `count` rows (rows from `count` on are padding and ignored).
    public static func features(frames: [Float], count: Int, rgbSize: Int = 1024, audioSize: Int = 128) -> [Float] {
        let d = rgbSize + audioSize
        precondition(count >= 1 && frames.count >= count * d,
                     "FrameStatistics.features: \(frames.count) values do not hold \(count) frames of \(d) features")
        let k = statistics.count
        var out = [Float](repeating: 0, count: featureSize(rgbSize: rgbSize, audioSize: audioSize))
        var column = [Float](repeating: 0, count: count)
        for j in 0..<d {
            for t in 0..<count { column[t] = frames[t * d + j] }
            let s = columnStatistics(&column)
            // Feature j is rgb feature j, or audio feature j − rgbSize.
            let (base, width, index) = j < rgbSize ? (0, rgbSize, j) : (k * rgbSize, audioSize, j - rgbSize)
            for (i, value) in s.enumerated() { out[base + i * width + index] = value }
        }
        out[out.count - 1] = Float(count) / Float(frameCountScale)
        return out
    }

    /// The features of a batch of frame-level videos [B, T, rgbSize + audioSize] with
    /// `lengths` valid frames each (all T when nil) → [B, 6·(rgb + audio) + 1], float32.
    public static func features(_ frames: Tensor, lengths: [Int]?, rgbSize: Int = 1024) -> Tensor {
        precondition(frames.rank == 3 && frames.shape[2] > rgbSize,
                     "FrameStatistics.features: needs [batch, frames, \(rgbSize) rgb + audio features], got \(frames.shape)")
        let b = frames.shape[0], t = frames.shape[1], d = frames.shape[2]
        let lengths = lengths ?? Array(repeating: t, count: b)
        precondition(lengths.count == b && lengths.allSatisfy { $0 >= 1 && $0 <= t },
                     "FrameStatistics.features: lengths \(lengths.prefix(8))… must give 1…\(t) frames for each of \(b) videos")
        let values = frames.converted(to: .float32).floats
        let size = featureSize(rgbSize: rgbSize, audioSize: d - rgbSize)
        var out: [Float] = []
        out.reserveCapacity(b * size)
        for i in 0..<b {
            out += features(frames: Array(values[(i * t * d)..<((i + 1) * t * d)]), count: lengths[i],
                            rgbSize: rgbSize, audioSize: d - rgbSize)
        }
        return Tensor(out, shape: [b, size])
    }

    /// mean, std, min, max, median, mode of the values (sorts them in place).
    static func columnStatistics(_ x: inout [Float]) -> [Float] {
        let n = x.count
        var sum = 0.0
        for v in x { sum += Double(v) }
        let mean = sum / Double(n)
        var squares = 0.0
        for v in x { squares += (Double(v) - mean) * (Double(v) - mean) }
        let std = n > 1 ? (squares / Double(n - 1)).squareRoot() : 0
        x.sort()
        var mode = x[0], best = 0, run = 0
        for i in 0..<n {
            run = i > 0 && x[i] == x[i - 1] ? run + 1 : 1
            if run > best { best = run; mode = x[i] }   // strict: the smallest value wins ties
        }
        return [Float(mean), Float(std), x[0], x[n - 1], x[(n - 1) / 2], mode]
    }
}

/// A ResNet-like network over frame statistics (ZOO.md §3.21 features fed
/// to the §3.13 network, as the Samsung config2 feeds its mean ⊕ std
/// features): logits = ResNetLike(video = rgb statistics, audio = audio
/// statistics ⊕ frame count), with the ``FrameStatistics`` layout of
/// 6·1152 + 1 = 6913 features per video, which the dataset computes from
/// the frames.
///
/// Defaults follow config2, the Samsung configuration over frame statistics
/// (mean and std of each modality; its kwargs `video_input_size`,
/// `audio_input_size` do not match the stored constructor's
/// `video_features_sz`, `audio_features_sz`, whose meaning is taken):
/// inner 2048, 3 av and 3 concat identity blocks, dropout 0.3 → 131.2 M
/// parameters at 3862 classes. The features are read as they are.
public final class FrameStatisticsModel: Module, ZooModel {
    public struct Config: Codable, Sendable {
        /// rgb features per frame (the statistics of each are `rgbSize` wide).
        public var rgbSize = 1024
        /// Audio features per frame.
        public var audioSize = 128
        public var innerSize = 2048
        public var avIdentityBlocks = 3
        public var concatIdentityBlocks = 3
        public var dropout = 0.3
        public var transform = InputTransform.none
        public init() {}

        /// The ResNet-like network over the layout's two slices.
        public var network: ResNetLikeModel.Config {
            var c = ResNetLikeModel.Config()
            c.videoFeatures = FrameStatistics.statistics.count * rgbSize
            c.audioFeatures = FrameStatistics.statistics.count * audioSize + 1
            c.innerSize = innerSize
            c.lastHiddenSize = innerSize
            c.avIdentityBlocks = avIdentityBlocks
            c.concatIdentityBlocks = concatIdentityBlocks
            c.dropout = dropout
            c.transform = transform
            return c
        }
    }

    public let level = InputLevel.video
    public var numClasses: Int { network.numClasses }
    public let network: ResNetLikeModel

    public init(_ config: Config = Config(), numClasses: Int, rng: inout RandomGenerator) {
        network = ResNetLikeModel(config.network, numClasses: numClasses, rng: &rng)
    }

    /// Trainable parameters of `config`, without building the model.
    public static func parameterCount(_ config: Config, numClasses: Int) -> Int {
        ResNetLikeModel.parameterCount(config.network, numClasses: numClasses)
    }

    /// 6·(rgb + audio) + 1.
    public var inputSize: Int { network.inputSize }

    /// Logits from a batch of frame-statistics vectors [B, 6·(rgb + audio) + 1].
    public func callAsFunction(_ input: ModelInput) -> ModelOutput {
        precondition(input.features.rank == 2 && input.featureSize == inputSize,
                     "FrameStatisticsModel: input \(input.features.shape) is not [batch, \(inputSize)] frame statistics (FrameStatistics layout)")
        return network(input)
    }
}

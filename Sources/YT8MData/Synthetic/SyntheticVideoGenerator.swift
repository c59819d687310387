import Tensor
import Foundation

/// One generated video, in both levels' terms.
public struct SyntheticVideo: Sendable {
    /// The video id (`"s"` and the 6-digit video index).
    public var id: String
    /// The labels the content was made from, sorted.
    public var trueLabels: [Int]
    /// The labels written to the records (after label noise), sorted.
    public var labels: [Int]
    /// Quantized frames per frame feature (rgb `T × 1024`, audio `T × 128`), frame-major.
    public var frames: [[UInt8]]
    /// Per frame feature, the mean of its dequantized frames (the video-level `mean_rgb`, `mean_audio`).
    public var means: [[Float]]
    /// Number of frames.
    public var frameCount: Int
    /// The label each frame's scene is about, one per frame (−1 for a second-generator background
    /// scene): the ground truth of segment ratings.
    public var frameScenes: [Int]

    /// The video-level record.
    public var videoLevelRecord: VideoLevelRecord { VideoLevelRecord(id: id, labels: labels, features: means) }
    /// The frame-level record.
    public var frameLevelRecord: FrameLevelRecord { FrameLevelRecord(id: id, labels: labels, frames: frames) }
}

/// Generates YouTube-8M-like videos with learnable structure (below, the first generator's model;
/// `SceneStructure` describes the second's), identically on every machine (only
/// `RandomGenerator`, seeded per video, so videos can be made in any order and on any thread).
///
/// Model, per modality m (rgb, audio; audio signals scaled by `audioSignalFactor`):
/// - a dataset mean μ ~ N(0, 0.3²) per dimension, and a class prototype per class,
///   p_c = √½·A·z_c + √½·u_c with z_c ~ N(0, I₁₆), A ~ N(0, 1/16) shared (so classes are correlated)
///   and u_c ~ N(0, I) (so each class has its own direction): unit variance per dimension;
/// - labels: 1 + Poisson(meanLabels − 1) distinct classes (at most numClasses) drawn with weights
///   1/(c + 1)^s; the written labels drop each true one with probability r and gain a spurious
///   one with probability r;
/// - T uniform in minFrames...maxFrames, split into scenes of 5–40 frames; each scene is about one
///   of the labels (drawn with the video's label weights w_l ~ U(0.5, 1.5)) and has an offset
///   e_s ~ N(0, sceneNoise²);
/// - frame t of scene s: x_t = μ + sceneSignal·p_{l_s} + videoSignal·Σ_l w_l p_l / Σ_l w_l + e_s +
///   ε_t, ε_t ~ N(0, frameNoise²), quantized to uint8 by `YT8MQuantization` (the inverse of the
///   starter's dequantization);
/// - video level: mean of the dequantized frames per modality (consistent with the frame level).
///
/// Normal noise inside frames comes from a fixed table of 65,536 N(0, 1) values indexed by 16-bit
/// pieces of the generator's output (4 values per draw), which keeps generation fast.
public struct SyntheticVideoGenerator: Sendable {
    /// The configuration.
    public let config: SyntheticDataConfig
    /// The record format written (class count from the configuration, real feature sizes).
    public let format: YT8MRecordFormat
    /// Class prototypes per frame feature, `numClasses × size`, class-major.
    public let prototypes: [[Float]]
    /// Dataset mean per frame feature.
    public let datasetMeans: [[Float]]
    let labelCDF: [Double]
    let noiseTable: [Float]
    /// The second generator's prototypes; nil for the first.
    let sceneTables: SceneTables?

    /// Builds the prototypes of `config` (validated first).
    public init(config: SyntheticDataConfig) throws {
        try config.validate()
        self.config = config
        format = YT8MRecordFormat(numClasses: config.numClasses)
        var generator = RandomGenerator(seed: DatasetSeeds.seed(config.seed, epoch: -1, stream: 0))
        let latent = 16
        var prototypes: [[Float]] = []
        var means: [[Float]] = []
        for spec in format.frameFeatures {
            means.append((0..<spec.size).map { _ in Float(generator.normal(std: 0.3)) })
            let mixing = (0..<(spec.size * latent)).map { _ in generator.normal(std: (1.0 / Double(latent)).squareRoot()) }
            var table = [Float](repeating: 0, count: config.numClasses * spec.size)
            for c in 0..<config.numClasses {
                let z = (0..<latent).map { _ in generator.normal() }
                for d in 0..<spec.size {
                    var shared = 0.0
                    for k in 0..<latent { shared += mixing[d * latent + k] * z[k] }
                    table[c * spec.size + d] = Float((0.5).squareRoot() * shared + (0.5).squareRoot() * generator.normal())
                }
            }
            prototypes.append(table)
        }
        self.prototypes = prototypes
        datasetMeans = means
        var cdf: [Double] = []
        var total = 0.0
        for c in 0..<config.numClasses {
            total += 1 / Foundation.pow(Double(c + 1), config.zipfExponent)
            cdf.append(total)
        }
        labelCDF = cdf.map { $0 / total }
        var noiseGenerator = RandomGenerator(seed: 0x5EED_0F_0015E)
        noiseTable = (0..<65536).map { _ in Float(noiseGenerator.normal()) }
        sceneTables = config.generator == .v2 ? SceneTables(config: config, format: format) : nil
    }

    /// Video `index` (0-based over both splits).
    public func video(_ index: Int) -> SyntheticVideo {
        if let sceneTables { return sceneVideo(index, tables: sceneTables) }
        var generator = RandomGenerator(seed: DatasetSeeds.seed(config.seed, epoch: -2, stream: index))
        // Labels.
        let labelCount = min(config.numClasses, 1 + poisson(config.meanLabels - 1, &generator))
        var trueLabels: [Int] = []
        while trueLabels.count < labelCount {
            let c = drawClass(&generator)
            if !trueLabels.contains(c) { trueLabels.append(c) }
        }
        let weights = trueLabels.map { _ in generator.uniform(0.5, 1.5) }
        var written = trueLabels.filter { _ in generator.nextUniform() >= config.labelNoise }
        if generator.nextUniform() < config.labelNoise && written.count < config.numClasses {
            var spurious = drawClass(&generator)
            while written.contains(spurious) { spurious = drawClass(&generator) }
            written.append(spurious)
        }
        if written.isEmpty { written = [trueLabels[0]] }

        // Scenes.
        let frameCount = config.minFrames + generator.nextInt(below: config.maxFrames - config.minFrames + 1)
        var scenes: [(length: Int, label: Int)] = []
        var covered = 0
        let weightTotal = weights.reduce(0, +)
        while covered < frameCount {
            let length = min(frameCount - covered, 5 + generator.nextInt(below: 36))
            var u = generator.nextUniform() * weightTotal
            var pick = 0
            while pick < weights.count - 1 && u >= weights[pick] { u -= weights[pick]; pick += 1 }
            scenes.append((length, trueLabels[pick]))
            covered += length
        }

        // Frames, feature by feature.
        var frames: [[UInt8]] = []
        var means: [[Float]] = []
        for (feature, spec) in format.frameFeatures.enumerated() {
            let size = spec.size
            let factor = feature == 0 ? 1.0 : config.audioSignalFactor
            let table = prototypes[feature]
            // μ + videoSignal · weighted mixture of the video's prototypes.
            var videoBase = datasetMeans[feature].map(Double.init)
            for (label, w) in zip(trueLabels, weights) {
                let scale = factor * config.videoSignal * w / weightTotal
                for d in 0..<size { videoBase[d] += scale * Double(table[label * size + d]) }
            }
            var bytes = [UInt8](repeating: 0, count: frameCount * size)
            var sums = [Double](repeating: 0, count: size)
            var sceneBase = [Float](repeating: 0, count: size)
            var t = 0
            for scene in scenes {
                let scale = factor * config.sceneSignal
                for d in 0..<size {
                    let offset = config.sceneNoise * Double(noise(&generator))
                    sceneBase[d] = Float(videoBase[d] + scale * Double(table[scene.label * size + d]) + offset)
                }
                renderFrames(sceneBase, count: scene.length, from: &t, into: &bytes, sums: &sums, &generator)
            }
            frames.append(bytes)
            means.append(sums.map { Float($0 / Double(frameCount)) })
        }
        let id = "s" + String(repeating: "0", count: max(0, 6 - String(index).count)) + String(index)
        return SyntheticVideo(id: id, trueLabels: trueLabels.sorted(), labels: written.sorted(), frames: frames,
                              means: means, frameCount: frameCount,
                              frameScenes: scenes.flatMap { Array(repeating: $0.label, count: $0.length) })
    }

    /// Segment ratings for `video` (number `index`), as the 2019 raters gave
    /// them: for each of the video's true labels that is rated, up to two
    /// whole 5-frame segments mostly about it (positive) and up to two mostly
    /// about another label (negative), drawn from a stream of their own so
    /// the frames do not change.
    public func segmentRatings(of video: SyntheticVideo, index: Int, ratedClasses: Set<Int>) -> [SegmentRating] {
        var generator = RandomGenerator(seed: DatasetSeeds.seed(config.seed, epoch: -3, stream: index))
        let length = SegmentRating.length
        let starts = Array(stride(from: 0, through: video.frameCount - length, by: length))
        // The label most of a segment's frames are about.
        let majority = starts.map { start -> Int in
            let labels = video.frameScenes[start..<(start + length)]
            return labels.max { a, b in labels.filter { $0 == a }.count < labels.filter { $0 == b }.count }!
        }
        var ratings: [SegmentRating] = []
        for c in video.trueLabels where ratedClasses.contains(c) {
            for positive in [true, false] {
                var candidates = starts.indices.filter { (majority[$0] == c) == positive }
                for _ in 0..<min(2, candidates.count) {
                    let pick = candidates.remove(at: generator.nextInt(below: candidates.count))
                    ratings.append(SegmentRating(startTime: starts[pick], label: c, positive: positive))
                }
            }
        }
        return ratings
    }

    /// Writes `count` frames of a scene whose noiseless values are `base` (one feature, frames
    /// from `t` on): each value plus frame noise, quantized; adds the dequantized values to `sums`.
    func renderFrames(_ base: [Float], count: Int, from t: inout Int, into bytes: inout [UInt8], sums: inout [Double],
                      _ generator: inout RandomGenerator) {
        let q = format.quantization
        let size = base.count
        let frameNoise = Float(config.frameNoise)
        for _ in 0..<count {
            var d = 0
            while d < size {
                let draw = generator.next()
                for k in 0..<4 where d + k < size {
                    let e = noiseTable[Int((draw >> (16 * UInt64(k))) & 0xFFFF)]
                    let code = q.quantize(base[d + k] + frameNoise * e)
                    bytes[t * size + d + k] = code
                    sums[d + k] += Double(q.dequantize(code))
                }
                d += 4
            }
            t += 1
        }
    }

    func noise(_ generator: inout RandomGenerator) -> Float {
        noiseTable[Int(generator.next() & 0xFFFF)]
    }

    /// A class drawn with weight 1/(c + 1)^s (inverse CDF by binary search).
    func drawClass(_ generator: inout RandomGenerator) -> Int {
        let u = generator.nextUniform()
        var lo = 0, hi = labelCDF.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if labelCDF[mid] > u { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// Poisson(λ) by Knuth's product of uniforms (λ is small here).
    func poisson(_ lambda: Double, _ generator: inout RandomGenerator) -> Int {
        guard lambda > 0 else { return 0 }
        let limit = Foundation.exp(-lambda)
        var k = 0
        var p = generator.nextUniform()
        while p > limit {
            k += 1
            p *= generator.nextUniform()
        }
        return k
    }
}

/// The parameters of a synthetic YouTube-8M dataset (see `SyntheticVideoGenerator` for the model).
///
/// Defaults (the embedded default dataset, `SyntheticData.defaultDataset()`): 4,000 videos (3,200
/// train, 800 validate), 500 classes with Zipf(1.0) frequencies, 3 labels per video on average,
/// 20–120 frames per video (278,643 in all), 5% label noise, 4 shards per split, both levels,
/// seed 1. Measured: 19 MB of video-level and 312 MB of frame-level records, written in 7.7 s by a
/// release build on two threads; a logistic regression on the video level (300 full-batch Adam
/// steps, lr 0.02) reaches GAP@20 0.62 on `validate` (0.81 on `train`), so there is room for better
/// models, while predicting the training label frequencies for every video scores 0.11. Feature
/// sizes are the real ones (rgb 1024, audio 128); labels stay below 3862, so models sized for the
/// real vocabulary work too. The embedded dataset (``embedded``) adds 400 segment-rated videos.
///
/// ``v2`` (the second generator, ``SceneStructure``) changes the content model and the statistics:
/// Zipf(0.8) frequencies, 1 + Poisson(2.5) true labels of which 15 % go missing (about 3.0 written),
/// 120–300 frames (786,901 in all, 879 MB of frame-level records, written in 8.1 s on two threads).
public struct SyntheticDataConfig: Codable, Equatable, Sendable {
    /// The embedded default dataset's parameters: still the first generator's (``v1``), which the
    /// README's figures and the suite's checks were measured on; the second (``v2``) is written by
    /// `yt8m synth --preset v2` until the zoo's findings are shown to hold on it.
    public static let embedded = SyntheticDataConfig.v1

    /// The first generator's dataset: every scene about one of the video's labels and a
    /// video-wide mixture of its prototypes in every frame, with a segment-rated split of 400
    /// videos for the 2019 segment task (`yt8m synth --preset v1`).
    public static let v1 = SyntheticDataConfig(segmentRatedVideos: 400)

    /// The second generator's dataset: label evidence in some scenes among shared backgrounds,
    /// 2018-like label statistics and frame counts, order-defined classes (``SceneStructure``).
    public static let v2 = SyntheticDataConfig(zipfExponent: 0.8, meanLabels: 3.5, minFrames: 120, maxFrames: 300,
                                               labelNoise: 0, segmentRatedVideos: 400,
                                               generator: .v2, scenes: SceneStructure())

    /// The named datasets (`v1`, `v2`), for `yt8m synth --preset`.
    public static let presets: [String: SyntheticDataConfig] = ["v1": .v1, "v2": .v2]

    /// Which generator makes the videos.
    public var generator: SyntheticGenerator
    /// The second generator's scene structure (unused by the first).
    public var scenes: SceneStructure

    /// Number of videos over both splits.
    public var videos: Int
    /// Share of the videos written to the `validate` split (the last ones).
    public var validationFraction: Double
    /// Number of classes; labels are `0..<numClasses`, class 0 the most frequent.
    public var numClasses: Int
    /// Zipf exponent s of the label frequencies: class c is drawn with weight 1/(c + 1)^s.
    public var zipfExponent: Double
    /// Mean number of true labels per video: 1 + Poisson(meanLabels − 1).
    public var meanLabels: Double
    /// Fewest frames per video.
    public var minFrames: Int
    /// Most frames per video (the first generator's counts are uniform in `minFrames...maxFrames`;
    /// the second's are `minFrames` plus an exponential time, cut here).
    public var maxFrames: Int
    /// The first generator's label noise rate r (the second has ``SceneStructure/missingLabelRate``
    /// and ``SceneStructure/spuriousLabelRate``): each true label is left out with probability r, and a spurious label is
    /// added with probability r (a video always keeps at least one label).
    public var labelNoise: Double
    /// TFRecord files per split and level.
    public var shards: Int
    /// Write video-level records (`video/`).
    public var videoLevel: Bool
    /// Write frame-level records (`frame/`).
    public var frameLevel: Bool
    /// Seed of everything.
    public var seed: UInt64
    /// Scale of the class prototype added to the frames of a scene about that class (rgb; first generator).
    public var sceneSignal: Double
    /// Scale of the mixture of all the video's prototypes present in every frame (rgb; first generator).
    public var videoSignal: Double
    /// Standard deviation of the per-scene offset (shared by the frames of a scene).
    public var sceneNoise: Double
    /// Standard deviation of the per-frame noise.
    public var frameNoise: Double
    /// Audio signals are the rgb ones times this factor (audio is the weaker modality).
    public var audioSignalFactor: Double
    /// Videos of the segment-rated split (`segments`, frame level only, as
    /// the 2019 release): further videos of the same model whose records
    /// carry segment ratings (``SyntheticVideoGenerator/segmentRatings(of:index:ratedClasses:)``).
    public var segmentRatedVideos: Int

    /// Creates a configuration; every parameter has the embedded default.
    public init(videos: Int = 4000, validationFraction: Double = 0.2, numClasses: Int = 500,
                zipfExponent: Double = 1.0, meanLabels: Double = 3.0, minFrames: Int = 20, maxFrames: Int = 120,
                labelNoise: Double = 0.05, shards: Int = 4, videoLevel: Bool = true, frameLevel: Bool = true,
                seed: UInt64 = 1, sceneSignal: Double = 0.25, videoSignal: Double = 0.2, sceneNoise: Double = 0.3,
                frameNoise: Double = 0.35, audioSignalFactor: Double = 0.6, segmentRatedVideos: Int = 0,
                generator: SyntheticGenerator = .v1, scenes: SceneStructure = SceneStructure()) {
        self.videos = videos
        self.validationFraction = validationFraction
        self.numClasses = numClasses
        self.zipfExponent = zipfExponent
        self.meanLabels = meanLabels
        self.minFrames = minFrames
        self.maxFrames = maxFrames
        self.labelNoise = labelNoise
        self.shards = shards
        self.videoLevel = videoLevel
        self.frameLevel = frameLevel
        self.seed = seed
        self.sceneSignal = sceneSignal
        self.videoSignal = videoSignal
        self.sceneNoise = sceneNoise
        self.frameNoise = frameNoise
        self.audioSignalFactor = audioSignalFactor
        self.segmentRatedVideos = segmentRatedVideos
        self.generator = generator
        self.scenes = scenes
    }

    /// Whether `other` writes the same videos: every parameter equal, except the scene structure
    /// when both use the first generator, which never reads it (so a v1 dataset written before a
    /// scene parameter existed is still the same dataset).
    public func makesTheSameVideos(as other: SyntheticDataConfig) -> Bool {
        var mine = self, theirs = other
        if mine.generator == .v1 && theirs.generator == .v1 { mine.scenes = SceneStructure(); theirs.scenes = SceneStructure() }
        return mine == theirs
    }

    private enum CodingKeys: String, CodingKey {
        case videos, validationFraction, numClasses, zipfExponent, meanLabels, minFrames, maxFrames, labelNoise, shards
        case videoLevel, frameLevel, seed, sceneSignal, videoSignal, sceneNoise, frameNoise, audioSignalFactor, segmentRatedVideos
        case generator, scenes
    }

    /// Decodes a configuration; one written before the segment-rated split existed has none, and
    /// one written before the second generator existed is the first generator's.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(videos: try c.decode(Int.self, forKey: .videos), validationFraction: try c.decode(Double.self, forKey: .validationFraction),
                  numClasses: try c.decode(Int.self, forKey: .numClasses), zipfExponent: try c.decode(Double.self, forKey: .zipfExponent),
                  meanLabels: try c.decode(Double.self, forKey: .meanLabels), minFrames: try c.decode(Int.self, forKey: .minFrames),
                  maxFrames: try c.decode(Int.self, forKey: .maxFrames), labelNoise: try c.decode(Double.self, forKey: .labelNoise),
                  shards: try c.decode(Int.self, forKey: .shards), videoLevel: try c.decode(Bool.self, forKey: .videoLevel),
                  frameLevel: try c.decode(Bool.self, forKey: .frameLevel), seed: try c.decode(UInt64.self, forKey: .seed),
                  sceneSignal: try c.decode(Double.self, forKey: .sceneSignal), videoSignal: try c.decode(Double.self, forKey: .videoSignal),
                  sceneNoise: try c.decode(Double.self, forKey: .sceneNoise), frameNoise: try c.decode(Double.self, forKey: .frameNoise),
                  audioSignalFactor: try c.decode(Double.self, forKey: .audioSignalFactor),
                  segmentRatedVideos: try c.decodeIfPresent(Int.self, forKey: .segmentRatedVideos) ?? 0,
                  generator: try c.decodeIfPresent(SyntheticGenerator.self, forKey: .generator) ?? .v1,
                  scenes: try c.decodeIfPresent(SceneStructure.self, forKey: .scenes) ?? SceneStructure())
    }

    /// Number of videos in the validate split.
    public var validationVideos: Int { Int((Double(videos) * validationFraction).rounded()) }
    /// Number of videos in the train split.
    public var trainVideos: Int { videos - validationVideos }

    /// Throws `SyntheticDataError.invalidParameter` for the first parameter out of range.
    public func validate() throws {
        func require(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws {
            guard ok else { throw SyntheticDataError.invalidParameter(name: name, value: "\(value)", requirement: requirement) }
        }
        try require(videos >= 1, "videos", videos, "must be at least 1")
        try require(validationFraction >= 0 && validationFraction < 1, "validationFraction", validationFraction, "must be in [0, 1)")
        try require(trainVideos >= 1, "videos", videos, "leaves no training video at this validation fraction")
        try require(numClasses >= 1, "numClasses", numClasses, "must be at least 1")
        try require(zipfExponent >= 0 && zipfExponent.isFinite, "zipfExponent", zipfExponent, "must be finite and ≥ 0")
        try require(meanLabels >= 1 && meanLabels <= Double(numClasses), "meanLabels", meanLabels, "must be in [1, numClasses]")
        try require(minFrames >= 1, "minFrames", minFrames, "must be at least 1")
        try require(maxFrames >= minFrames, "maxFrames", maxFrames, "must be at least minFrames (\(minFrames))")
        try require(labelNoise >= 0 && labelNoise <= 1, "labelNoise", labelNoise, "must be in [0, 1]")
        try require(shards >= 1, "shards", shards, "must be at least 1")
        try require(videoLevel || frameLevel, "levels", "none", "write at least one level")
        try require(segmentRatedVideos >= 0, "segmentRatedVideos", segmentRatedVideos, "must be ≥ 0")
        try require(segmentRatedVideos == 0 || frameLevel, "segmentRatedVideos", segmentRatedVideos, "needs the frame level")
        try require(segmentRatedVideos == 0 || minFrames >= SegmentRating.length, "segmentRatedVideos", segmentRatedVideos,
                    "needs videos of at least \(SegmentRating.length) frames (minFrames)")
        if generator == .v2 { try scenes.validate(numClasses: numClasses, meanLabels: meanLabels) }
        for (name, value) in [("sceneSignal", sceneSignal), ("videoSignal", videoSignal), ("sceneNoise", sceneNoise),
                              ("frameNoise", frameNoise), ("audioSignalFactor", audioSignalFactor)] {
            try require(value >= 0 && value.isFinite, name, value, "must be finite and ≥ 0")
        }
    }
}

/// A synthetic dataset that cannot be made or read back.
public enum SyntheticDataError: Error, CustomStringConvertible, Equatable {
    /// A configuration parameter out of range.
    case invalidParameter(name: String, value: String, requirement: String)
    /// A directory that should hold a synthetic dataset does not (missing or unreadable `synthetic.json`).
    case notADataset(path: String, reason: String)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .invalidParameter(let name, let value, let requirement):
            return "synthetic data parameter \(name) = \(value): \(requirement)"
        case .notADataset(let path, let reason):
            return "\(path): not a synthetic dataset (\(reason))"
        }
    }
}

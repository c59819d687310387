/// A named feature of YouTube-8M records and its width (values per video, or bytes per frame).
public struct YT8MFeatureSpec: Equatable, Sendable {
    /// The key in the `Features` / `FeatureLists` map, e.g. `"mean_rgb"` or `"rgb"`.
    public var name: String
    /// Number of values per video (video level) or per frame (frame level).
    public var size: Int

    /// Creates a feature spec.
    public init(name: String, size: Int) {
        self.name = name
        self.size = size
    }
}

/// The keys, sizes and class count of a YouTube-8M release (google/youtube-8m `readers.py`).
///
/// 2018+ (default): `id`, `labels`, 3862 classes, video level `mean_rgb` 1024 + `mean_audio` 128,
/// frame level `rgb` 1024 + `audio` 128 bytes per frame. 2017: id key `video_id`, 4716 classes.
public struct YT8MRecordFormat: Equatable, Sendable {
    /// Key of the video id (bytes_list with one value).
    public var idKey: String
    /// Key of the label indices (int64_list).
    public var labelsKey: String
    /// Number of classes; every label must be in `0..<numClasses`.
    public var numClasses: Int
    /// Video-level float features, concatenated in this order by readers.
    public var videoFeatures: [YT8MFeatureSpec]
    /// Frame-level uint8 features (one byte string per frame), concatenated in this order per frame.
    public var frameFeatures: [YT8MFeatureSpec]
    /// The quantization of frame features.
    public var quantization: YT8MQuantization

    /// Creates a format; the defaults are the 2018 release's.
    public init(idKey: String = "id",
                labelsKey: String = "labels",
                numClasses: Int = 3862,
                videoFeatures: [YT8MFeatureSpec] = [.init(name: "mean_rgb", size: 1024), .init(name: "mean_audio", size: 128)],
                frameFeatures: [YT8MFeatureSpec] = [.init(name: "rgb", size: 1024), .init(name: "audio", size: 128)],
                quantization: YT8MQuantization = YT8MQuantization()) {
        self.idKey = idKey
        self.labelsKey = labelsKey
        self.numClasses = numClasses
        self.videoFeatures = videoFeatures
        self.frameFeatures = frameFeatures
        self.quantization = quantization
    }

    /// The 2018/2019 release: `id`, 3862 classes.
    public static let yt8m2018 = YT8MRecordFormat()

    /// The 2017 release: `video_id`, 4716 classes, same feature names and sizes.
    public static let yt8m2017 = YT8MRecordFormat(idKey: "video_id", numClasses: 4716)

    /// Total width of the concatenated video-level features (1152 by default).
    public var videoFeatureWidth: Int { videoFeatures.reduce(0) { $0 + $1.size } }

    /// Total width of one concatenated frame (1152 by default).
    public var frameFeatureWidth: Int { frameFeatures.reduce(0) { $0 + $1.size } }
}

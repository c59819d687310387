import FileIO
import YT8MData
import ArgumentParser
import Foundation
import Zoo

/// `yt8m synth`: writes a synthetic YouTube-8M dataset in the real TFRecord format.
struct Synth: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Write a synthetic YouTube-8M dataset (real TFRecord format, learnable labels).",
        discussion: """
            Writes video/train0000.tfrecord … and video/validate0000.tfrecord … (video level) and/or \
            frame/… (frame level, the same videos) under --out, with synthetic.json (all parameters) \
            and README.md. Videos have power-law label frequencies and about 3 labels per video. \
            --preset v1 (the embedded dataset's generator) makes every scene of 5–40 frames about one \
            of the video's labels; --preset v2 makes videos of 120–300 frames whose label evidence is \
            in some scenes among backgrounds that all classes share (docs/synthetic-data.md). \
            The output is identical on every machine for the same parameters. Without --frame-level or --video-level both \
            levels are written. Progress goes to standard error.
            """)

    @Option(help: "Directory to write (created if missing).")
    var out: String

    @Option(help: "Named dataset whose parameters the other options change: v1 (the embedded default's generator) or v2 (the second generator: scenes among shared backgrounds, 120–300 frames); default v1.")
    var preset: String?

    /// The preset the parameters start from when no file gives them.
    var presetName: String { preset ?? "v1" }

    @Option(help: ArgumentHelp("Start from the parameters in FILE instead of --preset: a dataset's synthetic.json, or its \"config\" object alone (edit one to explore the generator).", valueName: "file"))
    var parameters: String?

    @Option(help: "Number of videos (train + validate; default: the preset's).")
    var videos: Int?

    @Option(help: "Number of classes (labels 0..<C; the real vocabulary has 3862; default: the preset's).")
    var classes: Int?

    @Flag(help: "Write frame-level records.")
    var frameLevel = false

    @Flag(help: "Write video-level records.")
    var videoLevel = false

    @Option(help: "TFRecord files per split and level (default: the preset's).")
    var shards: Int?

    @Option(help: "Random seed (default: the preset's).")
    var seed: UInt64?

    @Option(help: "v1 label noise rate: probability of dropping each true label and of adding a spurious one.")
    var labelNoise: Double?

    @Option(help: "Fewest frames per video (default: the preset's).")
    var minFrames: Int?

    @Option(help: "Most frames per video (default: the preset's).")
    var maxFrames: Int?

    @Option(help: "Share of the videos in the validate split (default: the preset's).")
    var validationFraction: Double?

    @Option(help: "Further frame-level videos with segment ratings, the 2019 task's data (frame/segments*; default: none).")
    var segmentRatedVideos = 0

    @Option(help: "Threads generating shards.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    /// The preset with the options given on the command line.
    var config: SyntheticDataConfig {
        get throws {
            var c: SyntheticDataConfig
            if let parameters {
                c = try Self.load(parameters: parameters)
            } else if let named = SyntheticDataConfig.presets[presetName] {
                c = named
            } else {
                throw ValidationError("--preset \(presetName) is not a synthetic dataset: choose one of \(SyntheticDataConfig.presets.keys.sorted().joined(separator: ", "))")
            }
            c.videos = videos ?? c.videos
            c.numClasses = classes ?? c.numClasses
            c.shards = shards ?? c.shards
            c.seed = seed ?? c.seed
            c.labelNoise = labelNoise ?? c.labelNoise
            c.minFrames = minFrames ?? c.minFrames
            c.maxFrames = maxFrames ?? c.maxFrames
            c.validationFraction = validationFraction ?? c.validationFraction
            c.segmentRatedVideos = segmentRatedVideos
            c.videoLevel = videoLevel || !frameLevel
            c.frameLevel = frameLevel || !videoLevel
            return c
        }
    }

    /// The parameters in `path`: a `synthetic.json` (``SyntheticDatasetInfo``) or a bare
    /// ``SyntheticDataConfig``, with what is wrong and where when it is neither.
    static func load(parameters path: String) throws -> SyntheticDataConfig {
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(path)
        } catch let error as FileIOError {
            throw ValidationError("--parameters \(path): \(error)")
        }
        let data = Data(bytes)
        if let info = try? JSONDecoder().decode(SyntheticDatasetInfo.self, from: data) { return info.config }
        do {
            return try JSONDecoder().decode(SyntheticDataConfig.self, from: data)
        } catch {
            throw ValidationError("--parameters \(path) is neither a synthetic.json nor its \"config\" object: \(error)")
        }
    }

    func validate() throws {
        if parameters != nil && preset != nil {
            throw ValidationError("--parameters and --preset both choose the starting parameters; give one")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        do {
            try config.validate()
        } catch let error as SyntheticDataError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        try requireOneProcess("synth")
        let start = Date()
        var lastReport = Date.distantPast
        let status = StatusLine()
        let config = try self.config
        let info = try SyntheticData.write(config, to: out, threads: threads) { done, total in
            let now = Date()
            if done == total || now.timeIntervalSince(lastReport) > 0.5 {
                lastReport = now
                status.show("synth: \(done)/\(total) videos", final: done == total)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        writeToStandardError(String(format: "synth: wrote %@ in %.1f s\n", out, seconds))
        let levels = [config.videoLevel ? "video" : nil, config.frameLevel ? "frame" : nil].compactMap { $0 }
        print("directory: \(out)")
        print("levels: \(levels.joined(separator: ", "))")
        print("videos: \(info.videos["train"] ?? 0) train, \(info.videos["validate"] ?? 0) validate")
        print("classes: \(info.numClasses)")
        print("frames: \(info.totalFrames), labels: \(info.totalLabels)")
    }
}

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
            and README.md. Videos are mixtures of class prototypes plus noise, with power-law label \
            frequencies, about 3 labels per video and scenes of 5–40 frames; the output is identical \
            on every machine for the same parameters. Without --frame-level or --video-level both \
            levels are written. Progress goes to standard error.
            """)

    @Option(help: "Directory to write (created if missing).")
    var out: String

    @Option(help: "Number of videos (train + validate).")
    var videos: Int = SyntheticDataConfig().videos

    @Option(help: "Number of classes (labels 0..<C; the real vocabulary has 3862).")
    var classes: Int = SyntheticDataConfig().numClasses

    @Flag(help: "Write frame-level records.")
    var frameLevel = false

    @Flag(help: "Write video-level records.")
    var videoLevel = false

    @Option(help: "TFRecord files per split and level.")
    var shards: Int = SyntheticDataConfig().shards

    @Option(help: "Random seed.")
    var seed: UInt64 = SyntheticDataConfig().seed

    @Option(help: "Label noise rate: probability of dropping each true label and of adding a spurious one.")
    var labelNoise: Double = SyntheticDataConfig().labelNoise

    @Option(help: "Fewest frames per video.")
    var minFrames: Int = SyntheticDataConfig().minFrames

    @Option(help: "Most frames per video.")
    var maxFrames: Int = SyntheticDataConfig().maxFrames

    @Option(help: "Share of the videos in the validate split.")
    var validationFraction: Double = SyntheticDataConfig().validationFraction

    @Option(help: "Further frame-level videos with segment ratings, the 2019 task's data (frame/segments*).")
    var segmentRatedVideos = 0

    @Option(help: "Threads generating shards.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    var config: SyntheticDataConfig {
        SyntheticDataConfig(videos: videos, validationFraction: validationFraction, numClasses: classes,
                            minFrames: minFrames, maxFrames: maxFrames, labelNoise: labelNoise, shards: shards,
                            videoLevel: videoLevel || !frameLevel, frameLevel: frameLevel || !videoLevel, seed: seed,
                            segmentRatedVideos: segmentRatedVideos)
    }

    func validate() throws {
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

import FileIO
import TFRecord
import Tensor
import Dispatch
import Foundation

/// What `synthetic.json` records about a synthetic dataset directory.
public struct SyntheticDatasetInfo: Codable, Equatable, Sendable {
    /// Layout version of the directory (`SyntheticData.version`).
    public var version: Int
    /// The parameters it was made with.
    public var config: SyntheticDataConfig
    /// Number of classes (also in `config`; here for readers that only want the format).
    public var numClasses: Int
    /// Files relative to the directory, per split (`train`, `validate`) and level (`video`, `frame`).
    public var files: [String: [String: [String]]]
    /// Videos per split.
    public var videos: [String: Int]
    /// Frames over all videos.
    public var totalFrames: Int
    /// Labels written over all videos (after noise).
    public var totalLabels: Int

    /// Absolute paths of the files of `split` at `level`, inside `directory`.
    public func paths(split: String, level: YT8MDatasetLevel, in directory: String) -> [String] {
        (files[split]?[level.rawValue] ?? []).map { directory + "/" + $0 }
    }

    /// The record format of the files (real feature sizes, `numClasses` classes).
    public var format: YT8MRecordFormat { YT8MRecordFormat(numClasses: numClasses) }
}

/// Writing, finding and caching synthetic YouTube-8M datasets.
///
/// Layout of a dataset directory: `video/train0000.tfrecord …` and `video/validate0000.tfrecord …`
/// (video-level `tf.train.Example`s), `frame/…` (frame-level `tf.train.SequenceExample`s of the same
/// videos), `synthetic.json` (`SyntheticDatasetInfo`) and a `README.md` describing the contents.
public enum SyntheticData {
    /// Layout version; part of the default dataset's directory name.
    public static let version = 2

    /// Writes the dataset of `config` into `directory` (created if needed), generating the shards
    /// on up to `threads` threads. `progress(done, total)` is called (from any thread, serialised)
    /// as videos are written. Throws `SyntheticDataError`, `FileIOError` or `YT8MRecordError`.
    ///
    /// Over a dataset written here before, the shards of the old one that the
    /// new one does not replace are removed (a `train*` glob would otherwise
    /// mix the two); TFRecord files that no `synthetic.json` lists are not
    /// this function's to remove, so their presence is an error before
    /// anything is written.
    @discardableResult
    public static func write(_ config: SyntheticDataConfig, to directory: String, threads: Int = 1,
                             progress: ((Int, Int) -> Void)? = nil) throws -> SyntheticDatasetInfo {
        let generator = try SyntheticVideoGenerator(config: config)
        let previousFiles = try shardsWrittenBefore(in: directory)
        let levels = [YT8MDatasetLevel.video, .frame].filter { $0 == .video ? config.videoLevel : config.frameLevel }
        // The segment-rated split is frame level only, as the 2019 release.
        let splitLevels = { (split: String) in split == segmentSplit ? [YT8MDatasetLevel.frame] : levels }
        for level in levels {
            try createDirectories(directory + "/" + level.rawValue)
        }
        // Shards: (split, shard index, video range).
        var jobs: [(split: String, shard: Int, videos: Range<Int>)] = []
        let splits = [("train", 0..<config.trainVideos), ("validate", config.trainVideos..<config.videos),
                      (segmentSplit, config.videos..<(config.videos + config.segmentRatedVideos))]
        var files: [String: [String: [String]]] = [:]
        for (split, range) in splits where !range.isEmpty {
            let shards = min(config.shards, range.count)
            for shard in 0..<shards {
                let lo = range.lowerBound + range.count * shard / shards
                let hi = range.lowerBound + range.count * (shard + 1) / shards
                jobs.append((split, shard, lo..<hi))
                for level in splitLevels(split) {
                    files[split, default: [:]][level.rawValue, default: []].append("\(level.rawValue)/\(fileName(split, shard))")
                }
            }
        }
        let rated = SegmentClassList.starter.below(config.numClasses)
        let lock = NSLock()
        var done = 0, totalFrames = 0, totalLabels = 0
        var firstError: Error?
        let work = { (job: Int) in
            let (split, shard, videos) = jobs[job]
            let isSegmentRated = split == segmentSplit
            let jobLevels = splitLevels(split)
            do {
                let writers = try jobLevels.map { level -> TFRecordWriter in
                    try TFRecordWriter(path: directory + "/" + level.rawValue + "/" + fileName(split, shard))
                }
                defer { writers.forEach { $0.abort() } }  // no-op after a successful close
                var frames = 0, labels = 0
                for index in videos {
                    let video = generator.video(index)
                    for (level, writer) in zip(jobLevels, writers) {
                        var frameRecord = video.frameLevelRecord
                        if isSegmentRated { frameRecord.segmentRatings = generator.segmentRatings(of: video, index: index, ratedClasses: rated.set) }
                        let bytes = try level == .video
                            ? video.videoLevelRecord.serialized(format: generator.format)
                            : frameRecord.serialized(format: generator.format)
                        try writer.write(bytes)
                    }
                    frames += video.frameCount
                    labels += video.labels.count
                    lock.lock()
                    done += 1
                    let count = done
                    progress?(count, config.videos + config.segmentRatedVideos)
                    lock.unlock()
                }
                for writer in writers { try writer.close() }
                lock.lock()
                totalFrames += frames
                totalLabels += labels
                lock.unlock()
            } catch {
                lock.lock()
                if firstError == nil { firstError = error }
                lock.unlock()
            }
        }
        let parallel = max(1, min(threads, jobs.count))
        if parallel == 1 {
            for job in jobs.indices { work(job) }
        } else {
            // Jobs are handed out in order to `parallel` workers.
            let next = NSLock()
            var cursor = 0
            DispatchQueue.concurrentPerform(iterations: parallel) { _ in
                while true {
                    next.lock()
                    let job = cursor
                    cursor += 1
                    next.unlock()
                    guard job < jobs.count else { return }
                    work(job)
                }
            }
        }
        if let firstError { throw firstError }
        let info = SyntheticDatasetInfo(
            version: version, config: config, numClasses: config.numClasses, files: files,
            videos: ["train": config.trainVideos, "validate": config.validationVideos]
                .merging(config.segmentRatedVideos > 0 ? [segmentSplit: config.segmentRatedVideos] : [:]) { a, _ in a },
            totalFrames: totalFrames, totalLabels: totalLabels)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(info)
        try writeAtomically(readme(info), to: directory + "/README.md")
        if config.segmentRatedVideos > 0 {
            try writeAtomically(rated.csv, to: directory + "/" + segmentClassesFile)
        }
        try writeAtomically(vocabularyCSV(numClasses: config.numClasses), to: directory + "/" + vocabularyFile)
        try writeAtomically(String(decoding: json, as: UTF8.self) + "\n", to: directory + "/synthetic.json")
        let written = Set(files.values.flatMap { $0.values.joined() })
        for stale in previousFiles.subtracting(written).sorted() {
            try? FileManager.default.removeItem(atPath: directory + "/" + stale)
        }
        return info
    }

    /// The shards (`level/NAME.tfrecord`) of the dataset an earlier `write`
    /// left in `directory`. Throws ``SyntheticDataError/notADataset(path:reason:)``
    /// when `video/` or `frame/` holds TFRecord files its `synthetic.json` does not list.
    private static func shardsWrittenBefore(in directory: String) throws -> Set<String> {
        let listed = Set(((try? info(of: directory))?.files.values.flatMap { $0.values.joined() }) ?? [])
        let present = [YT8MDatasetLevel.video, .frame].flatMap { level in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + level.rawValue)) ?? [])
                .filter { $0.hasSuffix(".tfrecord") }.map { level.rawValue + "/" + $0 }
        }
        let strangers = present.filter { !listed.contains($0) }.sorted()
        guard strangers.isEmpty else {
            throw SyntheticDataError.notADataset(
                path: directory,
                reason: "it holds TFRecord files synth did not write (\(strangers.prefix(3).joined(separator: ", "))"
                    + "\(strangers.count > 3 ? ", …" : "")), which a train* glob would mix with the new data; "
                    + "give --out an empty or new directory (nothing was written)")
        }
        return Set(present)
    }

    /// Reads `directory/synthetic.json`. Throws `SyntheticDataError.notADataset` if it is missing or unreadable.
    public static func info(of directory: String) throws -> SyntheticDatasetInfo {
        let path = directory + "/synthetic.json"
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(path)
        } catch let error as FileIOError {
            throw SyntheticDataError.notADataset(path: directory, reason: "cannot read synthetic.json: \(error)")
        }
        do {
            return try JSONDecoder().decode(SyntheticDatasetInfo.self, from: Data(bytes))
        } catch {
            throw SyntheticDataError.notADataset(path: directory, reason: "synthetic.json does not decode: \(error)")
        }
    }

    /// The directory that holds cached datasets: `$YT8M_DATA` when set, else `.yt8m-data` in the
    /// package root (the nearest directory above the current one holding `Package.swift`), else
    /// `.yt8m-data` in the current directory.
    public static func cacheDirectory() -> String {
        if let path = ProcessInfo.processInfo.environment["YT8M_DATA"], !path.isEmpty { return path }
        var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent(".yt8m-data").path
            }
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        return FileManager.default.currentDirectoryPath + "/.yt8m-data"
    }

    /// The embedded default dataset (``SyntheticDataConfig/embedded``), made on first use: returns the path
    /// of `<cacheDirectory>/synthetic-v2`, generating it there first if it is not complete.
    public static func defaultDataset(threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                                      progress: ((Int, Int) -> Void)? = nil) throws -> String {
        try cachedDataset(.embedded, name: "synthetic-v\(version)", in: cacheDirectory(),
                          threads: threads, progress: progress)
    }

    /// The dataset of `config` at `root/name`, generated if missing: written into a temporary
    /// directory beside it and renamed into place, so a reader never sees a partial dataset and
    /// concurrent callers end up sharing one complete copy. An existing directory made with
    /// different parameters is an error (`notADataset`) rather than silently reused.
    public static func cachedDataset(_ config: SyntheticDataConfig, name: String, in root: String, threads: Int = 1,
                                     progress: ((Int, Int) -> Void)? = nil) throws -> String {
        let target = root + "/" + name
        if let existing = try? info(of: target) {
            guard existing.config.makesTheSameVideos(as: config), existing.version == version else {
                throw SyntheticDataError.notADataset(path: target, reason: "it was made with other parameters; remove it to regenerate")
            }
            return target
        }
        try createDirectories(root)
        // Cached data stays out of version control.
        let ignore = root + "/.gitignore"
        if !FileManager.default.fileExists(atPath: ignore) { try? writeAtomically("*\n", to: ignore) }
        let temporary = root + "/.\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(DispatchTime.now().uptimeNanoseconds)"
        do {
            try write(config, to: temporary, threads: threads, progress: progress)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        if rename(temporary, target) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            // Another process finished first (the target now exists and is complete).
            if (try? info(of: target)) != nil { return target }
            // A stale partial target (should not happen: targets only appear by rename).
            throw FileIOError(path: target, operation: "rename", code: code)
        }
        return target
    }

    /// The segment-rated split's name (`frame/segments0000.tfrecord …`).
    public static let segmentSplit = "segments"
    /// The rated classes' list in the dataset directory, in the starter's `segment_label_ids.csv` format.
    public static let segmentClassesFile = "segment_label_ids.csv"
    /// The made-up vocabulary in the dataset directory, in the release's `vocabulary.csv` format.
    public static let vocabularyFile = "vocabulary.csv"

    /// A vocabulary of made-up names in the release's columns (names quoted
    /// with a comma, so readers meet the CSV quoting of the real file).
    static func vocabularyCSV(numClasses: Int) -> String {
        let verticals = ["Games", "Arts & Entertainment", "Autos & Vehicles", "Food & Drink", "Sports", "Science"]
        var text = "Index,TrainVideoCount,KnowledgeGraphId,Name,WikiUrl,Vertical1,Vertical2,Vertical3,WikiDescription\n"
        for c in 0..<numClasses {
            text += "\(c),0,/m/synthetic\(c),\"Class \(c), synthetic\",,\(verticals[c % verticals.count]),,,"
                + "\"Made-up class \(c) of the \"\"synthetic\"\" dataset.\"\n"
        }
        return text
    }

    static func fileName(_ split: String, _ shard: Int) -> String {
        let digits = String(shard)
        return split + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".tfrecord"
    }

    /// The readme's lines on the first generator's labels and content.
    private static func firstGeneratorContent(_ c: SyntheticDataConfig) -> String {
        """
        - Classes: \(c.numClasses), label frequencies ∝ 1/(c + 1)^\(c.zipfExponent) (class 0 most frequent);
          1 + Poisson(\(c.meanLabels - 1)) true labels per video; label noise \(c.labelNoise) (each true label
          dropped, and one spurious label added, with that probability).
        - Frames per video: \(c.minFrames)–\(c.maxFrames), in scenes of 5–40 frames.
        - Content: frame = dataset mean + \(c.sceneSignal)·(prototype of the scene's label) +
          \(c.videoSignal)·(weighted mean of the video's label prototypes) + scene offset (σ \(c.sceneNoise)) +
          frame noise (σ \(c.frameNoise)); audio signals × \(c.audioSignalFactor); quantized to uint8 as the real
          data (dequantize: x = q·4/255 + 4/512 − 2). Video-level means are the means of the dequantized frames.
        """
    }

    /// The readme's lines on the second generator's labels and content.
    private static func secondGeneratorContent(_ c: SyntheticDataConfig) -> String {
        let s = c.scenes
        return """
        - Classes: \(c.numClasses), label frequencies ∝ 1/(c + 1)^\(c.zipfExponent) (class 0 most frequent);
          1 + Poisson(\(c.meanLabels - 1)) true labels per video; each true label missing with probability
          \(s.missingLabelRate), one spurious label with probability \(s.spuriousLabelRate).
        - Frames per video: \(c.minFrames) plus an exponential number (mean duration \(s.meanDuration) s), at most
          \(c.maxFrames), in scenes of 5–40 frames.
        - Content: every true label has a scene, and up to \(s.minEvidenceShare)–\(s.maxEvidenceShare) of a video's scenes show one of its labels, the rest
          one of its 1–3 backgrounds from a pool of \(s.backgrounds) that all classes share (scale \(s.backgroundSignal)).
          An evidence scene is \(s.evidenceSignal)·(√\(s.commonShare)·common direction ± √(1 − \(s.commonShare))·mode
          direction) of its class; \(s.orderedClassPairs) pairs of classes show the same two scenes in opposite orders.
          Plus the dataset mean, a scene offset (σ \(c.sceneNoise)) and frame noise (σ \(c.frameNoise)); audio evidence
          × \(c.audioSignalFactor), and under every audio frame a soundtrack of the video's label prototypes (scale
          \(s.audioSoundtrackSignal ?? 0) × \(c.audioSignalFactor)); quantized to uint8 as the real data (dequantize: x = q·4/255 + 4/512 − 2).
          Video-level means are the means of the dequantized frames.
        """
    }

    static func readme(_ info: SyntheticDatasetInfo) -> String {
        let c = info.config
        var levels: [String] = []
        if c.videoLevel { levels.append("`video/` (video level: tf.train.Example with `id`, `labels`, `mean_rgb` 1024, `mean_audio` 128)") }
        if c.frameLevel { levels.append("`frame/` (frame level: tf.train.SequenceExample with context `id`, `labels`; feature lists `rgb` 1024 and `audio` 128 uint8 bytes per frame)") }
        return """
            # Synthetic YouTube-8M data (layout version \(info.version))

            Written by the `YT8MData` module's `SyntheticData.write` (`yt8m synth`), in the real
            dataset's TFRecord format. Seeded; the same parameters give the same bytes on every machine.

            - Levels: \(levels.joined(separator: "; ")).
            - Splits: `train` \(info.videos["train"] ?? 0) videos, `validate` \(info.videos["validate"] ?? 0) videos, \
            \(c.shards) shard(s) each.
            \(c.generator == .v1 ? firstGeneratorContent(c) : secondGeneratorContent(c))
            - Totals: \(info.totalFrames) frames, \(info.totalLabels) labels written.
            - Segment-rated split (the 2019 task): `frame/segments*`, \(info.videos[segmentSplit] ?? 0) further videos whose
              records carry `segment_labels`, `segment_start_times` and `segment_scores`: for each rated true label,
              up to two 5-frame segments mostly about it (score 1) and two mostly about another label (score 0).
              Rated classes: `\(segmentClassesFile)`; made-up names: `\(vocabularyFile)`.
            - Seed: \(c.seed). All parameters: `synthetic.json`.

            """
    }
}

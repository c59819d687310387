@testable import Metrics
@testable import YT8MData
import Foundation
import Tensor
import TestSupport
import TFRecord
import NN
import XCTest

final class SyntheticDataTests: XCTestCase {
    /// A small configuration that generates quickly in debug builds.
    private func smallConfig(videos: Int = 60, seed: UInt64 = 3) -> SyntheticDataConfig {
        SyntheticDataConfig(videos: videos, numClasses: 20, minFrames: 4, maxFrames: 12, shards: 2, seed: seed)
    }

    private func allFiles(_ directory: String) throws -> [String] {
        let names = try FileManager.default.subpathsOfDirectory(atPath: directory).sorted()
        return names.filter { $0.hasSuffix(".tfrecord") || $0.hasSuffix(".json") || $0.hasSuffix(".md") }
    }

    func testSameParametersGiveTheSameBytesAndOtherSeedsDoNot() throws {
        let dir = try makeTemporaryDirectory(self)
        let info = try SyntheticData.write(smallConfig(), to: dir + "/a", threads: 2)
        try SyntheticData.write(smallConfig(), to: dir + "/b", threads: 1)
        try SyntheticData.write(smallConfig(seed: 4), to: dir + "/c", threads: 1)
        let files = try allFiles(dir + "/a")
        XCTAssertEqual(files, try allFiles(dir + "/b"))
        XCTAssertEqual(files.filter { $0.hasSuffix(".tfrecord") }.count, 8)   // 2 levels × 2 splits × 2 shards
        for file in files {
            XCTAssertEqual(try bytesOf(dir + "/a/" + file), try bytesOf(dir + "/b/" + file), file)
        }
        XCTAssertNotEqual(try bytesOf(dir + "/a/frame/train0000.tfrecord"), try bytesOf(dir + "/c/frame/train0000.tfrecord"))
        XCTAssertEqual(info.videos, ["train": 48, "validate": 12])
        XCTAssertEqual(try SyntheticData.info(of: dir + "/a"), info)
        XCTAssertEqual(info.paths(split: "validate", level: .frame, in: dir + "/a"),
                       [dir + "/a/frame/validate0000.tfrecord", dir + "/a/frame/validate0001.tfrecord"])
    }

    /// The first generator's videos are those it made before the second
    /// existed: the checksum was taken from that code (commit 610da23).
    func testTheFirstGeneratorStillMakesTheSameVideos() throws {
        let generator = try SyntheticVideoGenerator(config: smallConfig())
        var bytes: [UInt8] = []
        for v in 0..<20 {
            let video = generator.video(v)
            bytes += video.frames.flatMap { $0 } + video.labels.map { UInt8($0) } + video.frameScenes.map { UInt8($0) }
        }
        XCTAssertEqual(CRC32C.checksum(bytes), 171_964_957)
    }

    /// The second generator's statistics, worked out from its parameters: 1 + Poisson(2.5) true
    /// labels, 15 % of them missing and a spurious one in 2 % of videos, so 3.5 · 0.85 + 0.02 ≈
    /// 2.995 written labels; 120 + Exp(mean 87) frames cut at 300, mean 120 + 87 · (1 − e^(−180/87))
    /// ≈ 197.
    func testTheSecondGeneratorHasTheReleasesLabelAndLengthStatistics() throws {
        let config = SyntheticDataConfig.v2
        let generator = try SyntheticVideoGenerator(config: config)
        let videos = 300
        var written = 0, trueCount = 0, missing = 0, spurious = 0, frames = 0, background = 0
        for v in 0..<videos {
            let video = generator.video(v)
            XCTAssertTrue((120...300).contains(video.frameCount), "video \(v): \(video.frameCount) frames")
            XCTAssertEqual(video.frames[0].count, video.frameCount * 1024)
            XCTAssertEqual(video.frameScenes.count, video.frameCount)
            written += video.labels.count
            trueCount += video.trueLabels.count
            missing += video.trueLabels.filter { !video.labels.contains($0) }.count
            spurious += video.labels.filter { !video.trueLabels.contains($0) }.count
            frames += video.frameCount
            background += video.frameScenes.filter { $0 == -1 }.count
            // Every true label has evidence, and only true labels do.
            XCTAssertEqual(Set(video.frameScenes.filter { $0 >= 0 }), Set(video.trueLabels), "video \(v)")
        }
        XCTAssertEqual(Double(written) / Double(videos), 3.0, accuracy: 0.25)
        XCTAssertEqual(Double(frames) / Double(videos), 197, accuracy: 12)
        XCTAssertEqual(Double(missing) / Double(trueCount), 0.15, accuracy: 0.04)
        XCTAssertLessThan(spurious, missing / 4, "missing labels are more common than spurious ones")
        // 10–25 % of the scenes carry evidence, but every true label has one: about 10 scenes
        // of at most 40 frames and 3.5 labels leave backgrounds about 3/5 of the frames
        // (0.61 measured), never the 4/5 the share alone would give, nor the half of the
        // earlier 25–60 %.
        let backgroundShare = Double(background) / Double(frames)
        XCTAssertGreaterThan(backgroundShare, 0.55)
        XCTAssertLessThan(backgroundShare, 0.67)
    }

    /// The soundtrack is the only difference the parameter makes, and it is what it says: the
    /// picture is unchanged, and the audio of every frame, backgrounds included, moves by one
    /// vector per video, of standard deviation 0.2 × 0.6 (the soundtrack's scale × the audio
    /// factor) per dimension.
    func testTheSoundtrackRunsUnderEveryAudioFrameAndNowhereElse() throws {
        var silent = SyntheticDataConfig.v2
        silent.scenes.audioSoundtrackSignal = nil
        let withSoundtrack = try SyntheticVideoGenerator(config: .v2), without = try SyntheticVideoGenerator(config: silent)
        func dequantized(_ q: UInt8) -> Double { Double(q) * 4 / 255 + 4.0 / 512 - 2 }
        var variance = 0.0, residualSquares = 0.0, residualCount = 0
        let videos = 20
        for v in 0..<videos {
            let a = withSoundtrack.video(v), b = without.video(v)
            XCTAssertEqual(a.frames[0], b.frames[0], "video \(v): the picture must not change")
            XCTAssertEqual(a.frameScenes, b.frameScenes)
            // Bytes at 0 or 255 are clipped, and clipping hides part of the move: left out.
            let frames = a.frameCount
            func unclipped(_ i: Int) -> Bool { (1...254).contains(a.frames[1][i]) && (1...254).contains(b.frames[1][i]) }
            func move(_ i: Int) -> Double { dequantized(a.frames[1][i]) - dequantized(b.frames[1][i]) }
            var shift = [Double](repeating: 0, count: 128), counts = [Double](repeating: 0, count: 128)
            for t in 0..<frames {
                for d in 0..<128 where unclipped(t * 128 + d) { shift[d] += move(t * 128 + d); counts[d] += 1 }
            }
            shift = zip(shift, counts).map { $0 / $1 }
            variance += shift.reduce(0) { $0 + $1 * $1 } / 128 / Double(videos)
            for t in 0..<frames {
                for d in 0..<128 where unclipped(t * 128 + d) {
                    let r = move(t * 128 + d) - shift[d]
                    residualSquares += r * r
                    residualCount += 1
                }
            }
        }
        XCTAssertEqual(variance.squareRoot(), 0.2 * 0.6, accuracy: 0.015)
        // Two roundings to steps of 4/255 differ by about 0.0064 rms.
        XCTAssertLessThan((residualSquares / Double(residualCount)).squareRoot(), 0.01)
    }

    /// An ordered pair's first class shows the pair's scene U before V, the second V before U:
    /// each scene of the class is matched to the nearer of the two prototypes.
    func testOrderedClassesShowTheirTwoScenesInTheirOrder() throws {
        let config = SyntheticDataConfig.v2
        let generator = try SyntheticVideoGenerator(config: config)
        let tables = try XCTUnwrap(generator.sceneTables)
        let q = generator.format.quantization
        var checked = 0
        var checkedClasses: [Int] = []
        for v in 0..<200 {
            let video = generator.video(v)
            for c in video.trueLabels {
                guard let pair = tables.pairOfClass[c] else { continue }
                // Each of the class's frames, in time order, is nearer to U or to V.
                let nearU = video.frameScenes.indices.filter { video.frameScenes[$0] == c }.map { t -> Bool in
                    var u = 0.0, w = 0.0
                    for d in 0..<1024 {
                        let x = Double(q.dequantize(video.frames[0][t * 1024 + d])) - Double(generator.datasetMeans[0][d])
                        u += x * Double(tables.parts[0][(2 * pair.pair) * 1024 + d])
                        w += x * Double(tables.parts[0][(2 * pair.pair + 1) * 1024 + d])
                    }
                    return u > w
                }
                let expected = pair.second ? nearU.filter { !$0 } + nearU.filter { $0 } : nearU.filter { $0 } + nearU.filter { !$0 }
                XCTAssertEqual(nearU, expected, "video \(v) class \(c): \(pair.second ? "V then U" : "U then V")")
                XCTAssertTrue(nearU.contains(true) && nearU.contains(false), "video \(v) class \(c): both scenes")
                checkedClasses.append(c)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 3, "ordered classes seen: \(checkedClasses)")
    }

    func testTheSegmentRatedSplitRatesWholeSegmentsByTheirScenes() throws {
        let dir = try makeTemporaryDirectory(self)
        var config = SyntheticDataConfig(videos: 30, numClasses: 60, minFrames: 12, maxFrames: 60, shards: 2, seed: 5)
        let plain = try SyntheticData.write(config, to: dir + "/plain")
        config.segmentRatedVideos = 20
        let info = try SyntheticData.write(config, to: dir + "/rated")
        // The other splits are byte for byte those of the same dataset without ratings.
        for file in plain.files.values.flatMap({ $0.values.joined() }) {
            XCTAssertEqual(try bytesOf(dir + "/plain/" + file), try bytesOf(dir + "/rated/" + file), file)
        }
        XCTAssertEqual(info.videos[SyntheticData.segmentSplit], 20)
        XCTAssertNil(info.files[SyntheticData.segmentSplit]?["video"], "segment-rated files are frame level only")
        let rated = SegmentClassList.starter.below(60).set
        XCTAssertEqual(rated, Set(SegmentClassList.starter.classes.filter { $0 < 60 }))
        XCTAssertEqual(try SegmentClassList.read(path: dir + "/rated/" + SyntheticData.segmentClassesFile, numClasses: 60).set, rated)
        let vocabulary = try YT8MVocabulary.read(path: dir + "/rated/" + SyntheticData.vocabularyFile, numClasses: 60)
        XCTAssertEqual(vocabulary.name(of: 7), "Class 7, synthetic")

        let generator = try SyntheticVideoGenerator(config: config)
        var ratings = 0, positives = 0
        for path in info.paths(split: SyntheticData.segmentSplit, level: .frame, in: dir + "/rated") {
            let reader = try YT8MRecordReader<FrameLevelRecord>(path: path, format: info.format)
            while let record = try reader.next() {
                let index = Int(record.id.dropFirst())!
                XCTAssertGreaterThanOrEqual(index, 30)
                let video = generator.video(index)
                for rating in record.segmentRatings {
                    XCTAssertTrue(rated.contains(rating.label) && video.trueLabels.contains(rating.label))
                    XCTAssertLessThanOrEqual(rating.startTime + SegmentRating.length, video.frameCount, "whole segments only")
                    let about = video.frameScenes[rating.startTime..<(rating.startTime + 5)].filter { $0 == rating.label }.count
                    XCTAssertEqual(about >= 3, rating.positive, "\(record.id) \(rating)")
                    ratings += 1
                    positives += rating.positive ? 1 : 0
                }
            }
        }
        XCTAssertGreaterThan(positives, 5)
        XCTAssertGreaterThan(ratings - positives, 5)
    }

    func testAConfigurationWrittenBeforeSegmentRatingsDecodesWithoutThem() throws {
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(smallConfig())) as! [String: Any]
        json["segmentRatedVideos"] = nil
        let decoded = try JSONDecoder().decode(SyntheticDataConfig.self, from: JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(decoded, smallConfig())
        XCTAssertEqual(decoded.segmentRatedVideos, 0)
    }

    func testWritingOverALargerDatasetRemovesItsExtraShardsAndNothingElse() throws {
        let dir = try makeTemporaryDirectory(self) + "/data"
        var larger = smallConfig()
        larger.shards = 4
        try SyntheticData.write(larger, to: dir)
        _ = FileManager.default.createFile(atPath: dir + "/notes.txt", contents: Data("mine".utf8))
        try SyntheticData.write(smallConfig(), to: dir)
        XCTAssertEqual(try allFiles(dir).filter { $0.hasSuffix(".tfrecord") }.count, 8, "only the new dataset's 2 × 2 × 2 shards")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/notes.txt"))

        // A TFRecord file synth did not write is not its to remove: refused before anything is written.
        let foreign = dir + "/video/train9999.tfrecord"
        _ = FileManager.default.createFile(atPath: foreign, contents: Data())
        let before = try bytesOf(dir + "/video/train0000.tfrecord")
        XCTAssertThrowsError(try SyntheticData.write(smallConfig(seed: 9), to: dir)) {
            guard case .notADataset(let path, let reason)? = $0 as? SyntheticDataError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, dir)
            XCTAssertTrue(reason.contains("video/train9999.tfrecord"), reason)
        }
        XCTAssertEqual(try bytesOf(dir + "/video/train0000.tfrecord"), before)
        XCTAssertTrue(FileManager.default.fileExists(atPath: foreign))
    }

    func testVideoLevelMeansAreTheMeansOfTheDequantizedFrames() throws {
        let dir = try makeTemporaryDirectory(self)
        let info = try SyntheticData.write(smallConfig(), to: dir)
        let format = info.format
        let videoFiles = info.paths(split: "train", level: .video, in: dir) + info.paths(split: "validate", level: .video, in: dir)
        let frameFiles = info.paths(split: "train", level: .frame, in: dir) + info.paths(split: "validate", level: .frame, in: dir)
        let videos = try videoFiles.flatMap { try YT8MRecordReader<VideoLevelRecord>.readAll(path: $0, format: format) }
        let frames = try frameFiles.flatMap { try YT8MRecordReader<FrameLevelRecord>.readAll(path: $0, format: format) }
        XCTAssertEqual(videos.map(\.id), (0..<60).map { String(format: "s%06d", $0) })
        XCTAssertEqual(videos.map(\.id), frames.map(\.id))
        XCTAssertEqual(videos.map(\.labels), frames.map(\.labels))
        var totalFrames = 0
        for (video, frame) in zip(videos, frames) {
            let n = frame.numFrames(format: format)
            totalFrames += n
            XCTAssertTrue((4...12).contains(n), "\(n) frames")
            XCTAssertEqual(frame.frameCount(feature: 1, format: format), n)
            for (feature, size) in [(0, 1024), (1, 128)] {
                for d in stride(from: 0, to: size, by: 37) {
                    var sum = 0.0
                    for t in 0..<n { sum += Double(referenceDequantize(frame.frames[feature][t * size + d])) }
                    XCTAssertEqual(Double(video.features[feature][d]), sum / Double(n), accuracy: 1e-6)
                }
            }
        }
        XCTAssertEqual(totalFrames, info.totalFrames)
    }

    func testLabelsFollowAPowerLawWithAboutThreePerVideoAndTheNoiseRate() throws {
        let config = SyntheticDataConfig(videos: 3000, numClasses: 50, minFrames: 1, maxFrames: 1, labelNoise: 0.2)
        let generator = try SyntheticVideoGenerator(config: config)
        var counts = [Int](repeating: 0, count: 50)
        var trueTotal = 0, missing = 0, spurious = 0
        for v in 0..<config.videos {
            let video = generator.video(v)
            XCTAssertFalse(video.labels.isEmpty)
            XCTAssertEqual(Set(video.trueLabels).count, video.trueLabels.count)
            trueTotal += video.trueLabels.count
            missing += video.trueLabels.filter { !video.labels.contains($0) }.count
            spurious += video.labels.filter { !video.trueLabels.contains($0) }.count
            for label in video.trueLabels { counts[label] += 1 }
        }
        let meanLabels = Double(trueTotal) / Double(config.videos)
        XCTAssertEqual(meanLabels, 3, accuracy: 0.1)
        XCTAssertEqual(Double(missing) / Double(trueTotal), 0.2, accuracy: 0.03)
        XCTAssertEqual(Double(spurious) / Double(config.videos), 0.2, accuracy: 0.03)
        // Zipf(1): class 0 is drawn 10× as often as class 9 and 50× as often as class 49 before the
        // without-replacement effect flattens the head; require a clear decreasing power law.
        XCTAssertGreaterThan(counts[0], 3 * counts[9])
        XCTAssertGreaterThan(counts[9], counts[49])
        XCTAssertGreaterThan(counts[49], 0)
    }

    func testAModelThatLearnsScoresFarAboveOneThatIgnoresTheInput() throws {
        let dir = try makeTemporaryDirectory(self)
        let config = SyntheticDataConfig(videos: 800, numClasses: 30, minFrames: 5, maxFrames: 20, labelNoise: 0.05,
                                         shards: 1, frameLevel: false, seed: 11)
        let info = try SyntheticData.write(config, to: dir)
        func load(_ split: String) throws -> YT8MBatch {
            let options = YT8MDatasetOptions(level: .video, format: info.format, batchSize: 1000)
            return try XCTUnwrap(try YT8MDataset(files: info.paths(split: split, level: .video, in: dir), options: options).next())
        }
        let train = try load("train"), validate = try load("validate")
        XCTAssertEqual(train.count, 640)

        /// Logistic regression (Linear + sigmoid BCE + Adam), full batch; GAP@20 on the validate split.
        func trainAndScore(useInput: Bool) throws -> Double {
            var rng = RandomGenerator(seed: 1)
            let model = Linear(1152, config.numClasses, rng: &rng)
            let optimizer = Adam(model, learningRate: 0.05)
            let x = useInput ? l2Normalize(train.features) : Tensor.zeros(train.features.shape)
            for _ in 0..<60 {
                optimizer.zeroGrad()
                let loss = binaryCrossEntropy(logits: model(x), targets: train.labels)
                loss.backward()
                optimizer.update()
            }
            let input = useInput ? l2Normalize(validate.features) : Tensor.zeros(validate.features.shape)
            let scores = withoutGrad { sigmoid(model(input)) }
            var metrics = EvaluationMetrics(numClasses: config.numClasses)
            try metrics.accumulate(predictions: scores.floats, labels: validate.labelIndices)
            return metrics.result().globalAveragePrecision
        }
        let learned = try trainAndScore(useInput: true)
        let blind = try trainAndScore(useInput: false)
        // Measured: learned 0.749 (train 0.959), blind 0.321 (the label-frequency prior).
        XCTAssertGreaterThan(learned, 0.65, "a linear model learns the synthetic labels")
        XCTAssertLessThan(blind, 0.4, "label frequencies alone do not score well")
        XCTAssertGreaterThan(learned - blind, 0.3)
    }

    func testCachedDatasetIsGeneratedOnceAtomicallyAndRefusesOtherParameters() throws {
        let root = try makeTemporaryDirectory(self)
        let config = smallConfig(videos: 10)
        let path = try SyntheticData.cachedDataset(config, name: "synthetic-test", in: root)
        XCTAssertEqual(path, root + "/synthetic-test")
        XCTAssertEqual(try SyntheticData.info(of: path).config, config)
        let before = try FileManager.default.attributesOfItem(atPath: path + "/synthetic.json")[.modificationDate] as? Date
        XCTAssertEqual(try SyntheticData.cachedDataset(config, name: "synthetic-test", in: root), path)
        let after = try FileManager.default.attributesOfItem(atPath: path + "/synthetic.json")[.modificationDate] as? Date
        XCTAssertEqual(before, after, "the second call reuses the dataset")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "no temporary directory is left behind")
        XCTAssertEqual(try String(contentsOfFile: root + "/.gitignore", encoding: .utf8), "*\n")
        XCTAssertThrowsError(try SyntheticData.cachedDataset(smallConfig(videos: 11), name: "synthetic-test", in: root)) {
            guard case .notADataset? = $0 as? SyntheticDataError else { return XCTFail("\($0)") }
        }
    }

    /// The first generator never reads the scene structure, so a v1 dataset written before a
    /// scene parameter existed (here: its synthetic.json without the soundtrack) is still the
    /// same dataset; the second generator's is compared whole.
    func testACachedFirstGeneratorDatasetIgnoresSceneParametersItNeverRead() throws {
        let root = try makeTemporaryDirectory(self)
        let config = smallConfig(videos: 10)
        let path = try SyntheticData.cachedDataset(config, name: "synthetic-test", in: root)
        let json = path + "/synthetic.json"
        let edited = try String(contentsOfFile: json, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("audioSoundtrackSignal") }
            .joined(separator: "\n")
        try edited.write(toFile: json, atomically: true, encoding: .utf8)
        XCTAssertNil(try SyntheticData.info(of: path).config.scenes.audioSoundtrackSignal)
        XCTAssertEqual(try SyntheticData.cachedDataset(config, name: "synthetic-test", in: root), path)

        var v2 = config
        v2.generator = .v2
        var quieter = v2
        quieter.scenes.audioSoundtrackSignal = 0.1
        XCTAssertTrue(v2.makesTheSameVideos(as: v2))
        XCTAssertFalse(v2.makesTheSameVideos(as: quieter))
        XCTAssertFalse(config.makesTheSameVideos(as: v2))
    }

    func testCacheDirectoryFollowsTheEnvironmentThenThePackageRoot() {
        let saved = ProcessInfo.processInfo.environment["YT8M_DATA"]
        defer { if let saved { setenv("YT8M_DATA", saved, 1) } else { unsetenv("YT8M_DATA") } }
        setenv("YT8M_DATA", "/tmp/somewhere", 1)
        XCTAssertEqual(SyntheticData.cacheDirectory(), "/tmp/somewhere")
        unsetenv("YT8M_DATA")
        let directory = SyntheticData.cacheDirectory()
        XCTAssertTrue(directory.hasSuffix("/.yt8m-data"), directory)
        let root = (directory as NSString).deletingLastPathComponent
        if FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/Package.swift") {
            XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/Package.swift"), "\(root) is the package root")
        }
    }

    func testInvalidParametersAreTypedErrors() {
        var config = SyntheticDataConfig()
        config.maxFrames = 5
        config.minFrames = 10
        XCTAssertThrowsError(try config.validate()) {
            XCTAssertEqual($0 as? SyntheticDataError,
                           .invalidParameter(name: "maxFrames", value: "5", requirement: "must be at least minFrames (10)"))
        }
        XCTAssertThrowsError(try SyntheticData.info(of: "/nonexistent")) {
            guard case .notADataset? = $0 as? SyntheticDataError else { return XCTFail("\($0)") }
        }
    }
}

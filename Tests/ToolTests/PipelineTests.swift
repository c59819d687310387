import Foundation
import Training
import YT8MData
import XCTest

/// The `yt8m` tool run as users run it, as a separate process: the papers'
/// pipeline (train, eval, predict, export, ensemble, stack, distill) end to
/// end on a small synthetic dataset, and its exit codes and messages on
/// mistakes.
final class PipelineTests: XCTestCase {
    /// What one run of the tool printed and how it ended.
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The built `yt8m` next to the test bundle (SwiftPM builds the
    /// executable because this test target depends on it).
    var toolURL: URL {
        #if os(macOS)
        let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL.deletingLastPathComponent()
        #else
        let products = Bundle.main.bundleURL
        #endif
        return products.appendingPathComponent("yt8m")
    }

    func yt8m(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = toolURL
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a chatty child never blocks on a full pipe.
        final class Collected: @unchecked Sendable { var data = Data() }   // written by the reader thread, read after it finished
        let errData = Collected()
        let errReader = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errReader.isFinished { usleep(1000) }
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData.data, as: UTF8.self))
    }

    /// Under mpirun with several ranks, a command that does not run
    /// data-parallel refuses before any work (exit 64) instead of letting
    /// every rank write the same files.
    func testCommandsOtherThanTrainRefuseSeveralRanks() throws {
        let dir = try temporaryDirectory()
        for arguments in [["synth", "--out", "made"], ["export", "--checkpoint", "none.safetensors", "--out", "q.safetensors"]] {
            let run = try yt8m(arguments, in: dir, environment: ["OMPI_COMM_WORLD_SIZE": "2"])
            XCTAssertEqual(run.status, 64, "\(arguments)")
            XCTAssertTrue(run.stderr.contains("yt8m \(arguments[0]) runs in one process, not data-parallel (mpirun started 2 ranks)"), run.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [])
    }

    /// Runs the tool and fails the test, showing its standard error, unless it exits with 0.
    @discardableResult
    func succeed(_ arguments: [String], in directory: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let run = try yt8m(arguments, in: directory)
        XCTAssertEqual(run.status, 0, "yt8m \(arguments.joined(separator: " ")) failed:\n\(run.stderr)", file: file, line: line)
        return run.stdout
    }

    func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ToolTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// The GAP@20 a line of `output` starting with `prefix` reports.
    func gap(after prefix: String, in output: String, file: StaticString = #filePath, line: UInt = #line) -> Double? {
        guard let row = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
              let range = row.range(of: "GAP@20 ") else {
            XCTFail("no line starting with '\(prefix)' and a GAP@20 in:\n\(output)", file: file, line: line)
            return nil
        }
        return Double(row[range.upperBound...].prefix { !$0.isWhitespace })
    }

    /// Lines of a Kaggle submission CSV, checked for its header and one row per video.
    func submissionRows(_ path: String, videos: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [Substring] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "VideoId,LabelConfidencePairs", file: file, line: line)
        XCTAssertEqual(lines.count, videos + 1, "\(path): header and one row per video", file: file, line: line)
        return Array(lines.dropFirst())
    }

    func testThePapersPipelineRunsEndToEndOnSyntheticData() throws {
        let dir = try temporaryDirectory()
        // 240 videos (180 train, 60 validate) of 20 classes in 4 shards per split.
        let synth = try succeed(["synth", "--out", "data", "--video-level", "--videos", "240", "--classes", "20",
                                 "--shards", "4", "--validation-fraction", "0.25"], in: dir)
        XCTAssertTrue(synth.contains("videos: 180 train, 60 validate"), synth)
        let train = ["--train", "data/video/train*", "--validation", "data/video/validate*", "--num-classes", "20"]
        let validate = ["data/video/validate*"]

        for (name, seed) in [("a", "0"), ("b", "1")] {
            let out = try succeed(["train", "--model", "logistic", "--size", "small", "--steps", "60", "--batch-size", "32",
                                   "--validate-every", "30", "--seed", seed, "--out", "runs/\(name)"] + train, in: dir)
            XCTAssertNotNil(gap(after: "validation:", in: out))
            for file in ["best.safetensors", "last.safetensors", "metrics.csv", "training-curves.svg"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: "\(dir)/runs/\(name)/\(file)"), "train wrote no \(file)")
            }
        }

        let eval = try succeed(["eval", "--checkpoint", "runs/a/best.safetensors", "--data"] + validate, in: dir)
        let before = try XCTUnwrap(gap(after: "GAP@20", in: eval))
        XCTAssertGreaterThan(before, 0)

        try succeed(["predict", "--checkpoint", "runs/a/best.safetensors", "--out", "a.csv", "--top-k", "5", "--data"] + validate, in: dir)
        let row = try XCTUnwrap(submissionRows("\(dir)/a.csv", videos: 60).first)
        XCTAssertEqual(row.split(separator: ",")[1].split(separator: " ").count, 10, "5 label/score pairs: \(row)")

        // Export: the 1152 × 20 weight is above 17,000 elements and becomes uint8;
        // the exported file is itself a checkpoint the other commands load.
        let export = try succeed(["export", "--checkpoint", "runs/a/best.safetensors", "--out", "a-8bit.safetensors",
                                  "--data"] + validate, in: dir)
        XCTAssertTrue(export.contains("1 tensors quantised to 8 bits"), export)
        XCTAssertTrue(export.contains("budget: within"), export)
        let exported = try succeed(["eval", "--checkpoint", "a-8bit.safetensors", "--data"] + validate, in: dir)
        let after = try XCTUnwrap(gap(after: "GAP@20", in: exported))
        XCTAssertEqual(after, before, accuracy: 0.02, "8-bit weights should score about as the float ones")

        let ensemble = try succeed(["ensemble", "--checkpoints", "runs/a/best.safetensors", "runs/b/best.safetensors",
                                    "--trials", "20", "--out", "ensemble.csv", "--validation"] + validate + ["--data"] + validate, in: dir)
        XCTAssertNotNil(gap(after: "ensemble validation", in: ensemble))
        XCTAssertTrue(ensemble.contains("weights: --weights "), ensemble)
        _ = try submissionRows("\(dir)/ensemble.csv", videos: 60)

        let stack = try succeed(["stack", "--checkpoints", "runs/a/best.safetensors", "runs/b/best.safetensors",
                                 "--hidden", "0", "--steps", "30", "--batch-size", "32", "--validate-every", "15",
                                 "--out", "runs/stack", "--submission", "stack.csv", "--data"] + validate + train, in: dir)
        XCTAssertNotNil(gap(after: "final classifier (best step)", in: stack))
        _ = try submissionRows("\(dir)/stack.csv", videos: 60)

        let distill = try succeed(["distill", "--teacher", "logistic", "--student", "logistic", "--size", "small",
                                   "--folds", "2", "--teacher-steps", "30", "--student-steps", "30", "--batch-size", "32",
                                   "--out", "runs/distill"] + train, in: dir)
        XCTAssertNotNil(gap(after: "soft labels (out-of-fold teacher predictions)", in: distill))
        XCTAssertNotNil(gap(after: "the 2 fold teachers averaged", in: distill))
        XCTAssertTrue(distill.contains("distilled from logistic"), distill)
        let softFiles = try FileManager.default.contentsOfDirectory(atPath: "\(dir)/runs/distill/soft")
        XCTAssertEqual(softFiles.count, 4, "one soft-labelled copy per training file")
    }

    /// `synth --preset` picks the generator; an unknown name is a usage error naming the choices.
    func testSynthPresetsChooseTheGenerator() throws {
        let dir = try temporaryDirectory()
        let unknown = try yt8m(["synth", "--out", "data", "--preset", "v9"], in: dir)
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("v1, v2"), unknown.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/data"), "nothing written")

        try succeed(["synth", "--out", "v2", "--preset", "v2", "--videos", "6", "--classes", "100", "--frame-level",
                     "--shards", "1"], in: dir)
        let info = try SyntheticData.info(of: dir + "/v2")
        XCTAssertEqual(info.config.generator, .v2)
        XCTAssertEqual(info.config.minFrames, 120)
        XCTAssertGreaterThanOrEqual(info.totalFrames, 6 * 120)
        try succeed(["synth", "--out", "v1", "--videos", "6", "--classes", "20", "--video-level", "--shards", "1"], in: dir)
        XCTAssertEqual(try SyntheticData.info(of: dir + "/v1").config.generator, .v1)
    }

    /// `synth --parameters` starts from an edited synthetic.json (or its `config` object alone),
    /// which the other flags still change; a file that is neither, or one given with --preset,
    /// is a usage error naming the file, and nothing is written.
    func testSynthParametersStartFromAnEditedSyntheticJSON() throws {
        let dir = try temporaryDirectory()
        try succeed(["synth", "--out", "base", "--preset", "v2", "--videos", "6", "--classes", "100", "--frame-level",
                     "--shards", "1"], in: dir)
        var config = try SyntheticData.info(of: dir + "/base").config
        config.scenes.commonShare = 0.05
        try JSONEncoder().encode(config).write(to: URL(fileURLWithPath: dir + "/edited.json"))
        try succeed(["synth", "--out", "edited", "--parameters", "edited.json", "--videos", "8"], in: dir)
        let edited = try SyntheticData.info(of: dir + "/edited")
        XCTAssertEqual(edited.config.scenes.commonShare, 0.05)
        XCTAssertEqual(edited.config.generator, .v2)
        XCTAssertEqual(edited.videos.values.reduce(0, +), 8, "--videos still applies")
        try succeed(["synth", "--out", "again", "--parameters", "base/synthetic.json"], in: dir)
        XCTAssertEqual(try SyntheticData.info(of: dir + "/again").config.videos, 6, "a whole synthetic.json works too")

        try "{\"videos\": 3}".write(toFile: dir + "/partial.json", atomically: true, encoding: .utf8)
        for (arguments, expected) in [(["--parameters", "partial.json"], "partial.json is neither"),
                                      (["--parameters", "missing.json"], "missing.json"),
                                      (["--parameters", "edited.json", "--preset", "v2"], "give one")] {
            let result = try yt8m(["synth", "--out", "bad"] + arguments, in: dir)
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(expected), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/bad"), "nothing written for \(arguments)")
        }
    }

    func testUsageErrorsExitWith64AndNameTheFlag() throws {
        let dir = try temporaryDirectory()
        let unknown = try yt8m(["train", "--modle", "moe"], in: dir)
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("--modle"), unknown.stderr)
        XCTAssertTrue(unknown.stdout.isEmpty, "diagnostics go to standard error")

        let folds = try yt8m(["distill", "--folds", "1"], in: dir)
        XCTAssertEqual(folds.status, 64)
        XCTAssertTrue(folds.stderr.contains("--folds must be at least 2"), folds.stderr)

        // Values outside their range stop before any work, naming the flag and the range.
        for (arguments, flag) in [(["--ema-rate", "5"], "--ema-rate"), (["--learning-rate", "nan"], "--learning-rate"),
                                  (["--learning-rate=-1"], "--learning-rate"), (["--mixup=-0.2"], "--mixup"),
                                  (["--threads=-2"], "--threads"), (["--accumulate", "0"], "--accumulate"),
                                  (["--batch-size", "10", "--accumulate", "3"], "--accumulate"),
                                  (["--loss", "bce+rank", "--rank-weight=-1"], "--loss"), (["--steps", "0"], "--steps"),
                                  (["--model", "moe", "--config", #"{"mixtures": 0}"#], "'mixtures' is 0"),
                                  (["--model", "moe", "--config", #"{"mixturs": 2}"#], "no configuration field 'mixturs'")] {
            let run = try yt8m(["train", "--out", "r"] + arguments, in: dir)
            XCTAssertEqual(run.status, 64, "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(flag), "\(arguments): \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/r"), "\(arguments) started work")
        }

        let model = try yt8m(["train", "--model", "nosuchmodel"], in: dir)
        XCTAssertEqual(model.status, 64, model.stderr)
        XCTAssertTrue(model.stderr.contains("unknown model 'nosuchmodel'"), model.stderr)

        let version = try yt8m(["--version"], in: dir)
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines), YT8MKitVersion.current)

        let help = try yt8m(["--help"], in: dir)
        XCTAssertEqual(help.status, 0)
        for command in ["train", "eval", "predict", "export", "ensemble", "stack", "distill", "zoo"] {
            XCTAssertTrue(help.stdout.contains(command), "--help lists \(command)")
        }
    }

    /// Standard error on a full disk (`2>/dev/full`) loses the diagnostics,
    /// not the work: Foundation's FileHandle.write trapped on ENOSPC.
    func testAFullStandardErrorDoesNotStopTheTool() throws {
        let dir = try temporaryDirectory()
        let process = Process()
        process.executableURL = toolURL
        process.arguments = ["synth", "--out", dir + "/data", "--videos", "20", "--classes", "5", "--video-level", "--shards", "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/data/video/train0000.tfrecord"))
    }

    /// `--restart` removes the files a run writes and nothing else, and
    /// refuses an `--out` that is a file (it once deleted whatever it named).
    func testRestartRemovesOnlyTheRunsOwnFiles() throws {
        let dir = try temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        for name in ["notes.txt", "last.safetensors", "metrics.csv", ".last.safetensors.tmp-AbC123"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/run/" + name))
        }
        try RunDirectory.clear(dir + "/run")
        // .lock is the run's own lock file (RunDirectoryLock): it stays, since removing it would race with another run.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir + "/run").sorted(), [".lock", "notes.txt"])

        try Data("weights".utf8).write(to: URL(fileURLWithPath: dir + "/best.safetensors"))
        let run = try yt8m(["train", "--model", "logistic", "--steps", "1", "--out", "best.safetensors", "--restart"], in: dir)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("best.safetensors is a file"), run.stderr)
        XCTAssertEqual(try String(contentsOfFile: dir + "/best.safetensors", encoding: .utf8), "weights")
    }

    func testAMissingOrCorruptFileIsAnErrorNamingIt() throws {
        let dir = try temporaryDirectory()
        let missing = try yt8m(["eval", "--checkpoint", "no/such.safetensors"], in: dir)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no/such.safetensors"), missing.stderr)

        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: "\(dir)/bad.safetensors"))
        let corrupt = try yt8m(["eval", "--checkpoint", "bad.safetensors"], in: dir)
        XCTAssertEqual(corrupt.status, 1)
        XCTAssertTrue(corrupt.stderr.contains("bad.safetensors"), corrupt.stderr)
    }
}

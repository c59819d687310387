import FileIO
import Foundation
import Training
import YT8MData

/// The B10 input: 600 videos at the real feature sizes (rgb 1024 + audio 128
/// per frame and per video), 3,862 classes, 120–300 frames, video and frame
/// level, written by the generator `yt8m synth` uses into the data cache
/// (`SyntheticData.cacheDirectory()/bench`, kept out of git) on first use and
/// reused after; a cache made with other parameters is refused, not overwritten.
let wholeToolConfig = SyntheticDataConfig(videos: 600, validationFraction: 0.05, numClasses: 3862, minFrames: 120,
                                          maxFrames: 300, shards: 4, videoLevel: true, frameLevel: true, seed: 10)
let wholeToolDirectory = SyntheticData.cacheDirectory() + "/bench/b10-whole-tool-v\(SyntheticData.version)"

/// The share of step time B10 allows waiting for data: above it the reader,
/// not the model, sets the training speed.
let dataWaitLimit = 0.05

/// One `yt8m train` run of B10: a zoo model at paper size with a batch small
/// enough that a run of a few steps fits the benchmark's time on 2 cores (a
/// smaller batch also leaves the reader less time per batch, the harder case).
/// On the project's 2-core machine a paper-size step took about 1 s for moe
/// at 1024, 13 s for netvlad at 32 and 19 s for lstm at 16 (loaded machine).
struct WholeToolRun {
    let model: String
    let level: String
    let batchSize: Int
}

let wholeToolRuns = [
    WholeToolRun(model: "moe", level: "video", batchSize: 1024),
    WholeToolRun(model: "netvlad", level: "frame", batchSize: 32),
    WholeToolRun(model: "lstm", level: "frame", batchSize: 8),
]

/// B10: the whole tool. `yt8m train` (the executable next to this one, run as
/// a process, so its peak resident memory is its own) trains each of
/// ``wholeToolRuns`` for `B10_STEPS` steps (default 6; validation only at the
/// end, no TensorBoard) on the cached synthetic data. From each run's
/// metrics.csv, over the steps after the first `B10_WARMUP` (default 2: file
/// opening, first allocations): examples/s and the share of step time spent
/// waiting for data (``Throughput``, as the progress line computes it); the
/// peak resident MB from the process's rusage. A data wait of 5 % or more is
/// flagged in the runner's B10 table (`Report`, from `rows`): training should
/// never wait on the reader. projectMs is the sum of the three models' mean
/// step times.
let wholeToolWorkload = Workload(id: "B10", name: "whole-tool-train", peer: nil) { threads in
    let environment = ProcessInfo.processInfo.environment
    let steps = environment["B10_STEPS"].flatMap(Int.init) ?? 6
    let warmup = environment["B10_WARMUP"].flatMap(Int.init) ?? 2
    guard steps > warmup, warmup >= 0 else { fail("B10_STEPS (\(steps)) must exceed B10_WARMUP (\(warmup)) ≥ 0") }
    let executable = wholeToolExecutable()
    let data: String
    do {
        data = try SyntheticData.cachedDataset(wholeToolConfig, name: (wholeToolDirectory as NSString).lastPathComponent,
                                               in: (wholeToolDirectory as NSString).deletingLastPathComponent, threads: threads)
    } catch {
        fail("cannot make the synthetic data: \(error)")
    }
    // Runs are scratch: a fresh directory per invocation, removed at the end.
    let scratch = NSTemporaryDirectory() + "yt8m-b10-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: scratch) }

    var rows: [String: [String: Double]] = [:]
    var totalMs = 0.0, peakMB = 0.0, worstWait = 0.0, overLimit = 0
    for run in wholeToolRuns {
        let out = scratch + "/" + run.model
        let arguments = ["train", "--model", run.model, "--size", "paper",
                         "--train", "\(data)/\(run.level)/train*", "--validation", "\(data)/\(run.level)/validate*",
                         "--steps", String(steps), "--batch-size", String(run.batchSize), "--validate-every", String(steps),
                         "--no-tensorboard", "--threads", String(threads), "--out", out]
        // Its progress lines go to a log, shown only when it fails; its own process gives its peak memory.
        let result: ChildProcess.Result
        do {
            try createDirectories(out)
            result = try ChildProcess(executable: executable, arguments: arguments).run()
        } catch {
            fail("\(run.model): \(error)")
        }
        guard result.succeeded else {
            fail("\(run.model): yt8m train exited with \(result.status):\n\(result.errorLines(last: 5).joined(separator: "\n"))")
        }
        let timing: Throughput
        do {
            timing = try timedSteps(metrics: out + "/metrics.csv", batchSize: run.batchSize, after: warmup)
        } catch {
            fail("\(run.model): \(error)")
        }
        let msPerStep = timing.seconds * 1000 / Double(steps - warmup)
        rows[run.model] = ["examples_per_s": timing.examplesPerSecond, "data_wait_fraction": timing.dataWaitFraction,
                           "peak_mb": result.peakMB, "ms": msPerStep, "batch_size": Double(run.batchSize),
                           "timed_steps": Double(steps - warmup)]
        totalMs += msPerStep
        peakMB = max(peakMB, result.peakMB)
        worstWait = max(worstWait, timing.dataWaitFraction)
        if timing.dataWaitFraction >= dataWaitLimit { overLimit += 1 }
    }
    return ProjectResult(id: "B10", name: "whole-tool-train", projectMs: totalMs, projectPeakMB: peakMB,
                         unit: "ms/step (sum of 3 models)",
                         extra: ["worst_data_wait_fraction": worstWait, "data_wait_limit": dataWaitLimit,
                                 "models_over_data_wait_limit": Double(overLimit), "steps": Double(steps),
                                 "warmup_steps": Double(warmup)],
                         rows: rows)
}

/// The `yt8m` executable built next to this benchmark binary (same build
/// directory and configuration); stops with how to build it when it is missing.
func wholeToolExecutable() -> String {
    let path = URL(fileURLWithPath: ChildProcess.thisExecutable).deletingLastPathComponent().appendingPathComponent("yt8m").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        fail("\(path) is not built: build it with `swift build -c release --product yt8m` (the same configuration as Benchmarks)")
    }
    return path
}

/// The steps of a run's metrics.csv after the first `warmup`, as one
/// ``Throughput`` window: each step's seconds are its batch over its
/// examples/s, its data wait that times its data-wait fraction.
func timedSteps(metrics path: String, batchSize: Int, after warmup: Int) throws -> Throughput {
    let log = try MetricsLog.load(from: path)
    var window = Throughput()
    for row in log.rows where row.step > warmup {
        guard let rate = row.values[MetricsLog.examplesPerSecond], rate > 0,
              let wait = row.values[MetricsLog.dataWaitFraction] else { continue }
        let seconds = Double(batchSize) / rate
        window.add(StepReport(step: row.step, loss: row.values["train_loss"] ?? .nan, learningRate: 0, gradientNorm: 0,
                              batchSize: batchSize, seconds: seconds, dataSeconds: wait * seconds))
    }
    guard !window.isEmpty else { throw WholeToolError("\(path) has no timed steps after step \(warmup)") }
    return window
}

struct WholeToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private func fail(_ message: String) -> Never {
    writeToStandardError("B10: \(message)\n")
    exit(1)
}

// Trains a tiny model on in-memory data and writes its final weights, so
// scripts/mpi_equivalence.sh can compare data-parallel runs (under mpirun)
// with single-process ones:
//
//   DistributedCheck train --mode mpi|accumulate|plain --model logistic|moe|moe-gated|lstm
//                          --steps N --batch B [--accumulate K] --out FILE
//                          [--dir RUN] [--pid-prefix P] [--bucket-bytes N] [--mixup ALPHA]
//   DistributedCheck compare A B (--exact | --tolerance T)
//   DistributedCheck checkpoint-step FILE
//
// `mpi` trains data-parallel on MPI_COMM_WORLD (rank 0 writes FILE, after
// checking every rank ends with the same weights); `accumulate` is one
// process with accumulationSteps K; `plain` one process on whole batches.
// Exit status: 0 on success, 1 on a difference or error, 64 on bad usage.
import FileIO
import Collectives
import Distributed
import Foundation
import Metrics
import NN
import Tensor
import Training
import Zoo

func fail(_ message: String, code: Int32 = 1) -> Never {
    writeToStandardError("DistributedCheck: " + message + "\n")
    exit(code)
}

func option(_ args: [String], _ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

/// Labels from 10 shared prototypes plus noise (TrainerTests' toy data, 16 features).
func toyData(count: Int, seed: UInt64) -> (features: Tensor, labels: Tensor) {
    var rng = RandomGenerator(seed: 1000)
    let prototypes = Tensor.normal([10, 16], using: &rng).floats
    var g = RandomGenerator(seed: seed)
    var x = [Float](repeating: 0, count: count * 16), y = [Float](repeating: 0, count: count * 10)
    for i in 0..<count {
        let labels = Set((0..<(1 + g.nextInt(below: 2))).map { _ in g.nextInt(below: 10) })
        for c in labels {
            y[i * 10 + c] = 1
            for d in 0..<16 { x[i * 16 + d] += prototypes[c * 16 + d] }
        }
        for d in 0..<16 { x[i * 16 + d] += Float(g.normal(std: 0.3)) }
    }
    return (Tensor(x, shape: [count, 16]), Tensor(y, shape: [count, 10]))
}

/// The check's models: without batch norm or dropout (logistic, moe), with
/// a batch norm the ranks synchronise (moe-gated, video level) and with
/// dropout after an LSTM (lstm, frame level).
///
/// No model here has a parameter whose gradient is zero in exact arithmetic,
/// such as the bias of a linear map followed by a batch norm (ResNet-like
/// blocks, DBoF's input batch norm): Adam turns such a gradient's float
/// noise (1e-9, different for any other summation order, on one process
/// too) into a step of ±learning rate, which the evaluation's running
/// statistics then see.
let models = ["logistic", "moe", "moe-gated", "lstm"]

func makeModel(_ name: String) -> any ZooModel & Module {
    var rng = RandomGenerator(seed: 3)
    switch name {
    case "logistic":
        var c = LogisticModel.Config()
        c.inputSize = 16
        c.transform = .none
        return LogisticModel(c, numClasses: 10, rng: &rng)
    case "moe", "moe-gated":
        var c = MoeModel.Config()
        c.inputSize = 16
        c.mixtures = 2
        // Probability gating: a bias-free linear map into a batch norm, which the ranks synchronise.
        c.probabilityGating = name == "moe-gated"
        c.batchNormMomentum = 0.1
        return MoeModel(c, numClasses: 10, rng: &rng)
    case "lstm":
        var c = EarlyConcatLSTMModel.Config()
        c.hiddenSize = 8
        c.layers = 1
        c.fcnSizes = [16]
        c.dropout = 0.3
        return EarlyConcatLSTMModel(c, inputSize: 16, numClasses: 10, rng: &rng)
    default: fail("unknown model \(name) (\(models.joined(separator: ", ")))", code: 64)
    }
}

/// The toy examples as frames for a frame-level model: video i has 3 to 8
/// frames, each its features plus its own noise; padding frames are zero.
func toyFrames(_ data: (features: Tensor, labels: Tensor), seed: UInt64) -> (features: Tensor, lengths: [Int]) {
    let n = data.features.shape[0], t = 8
    var g = RandomGenerator(seed: seed)
    let x = data.features.floats
    var frames = [Float](repeating: 0, count: n * t * 16), lengths: [Int] = []
    for i in 0..<n {
        let length = 3 + g.nextInt(below: t - 2)
        lengths.append(length)
        for f in 0..<length {
            for d in 0..<16 { frames[(i * t + f) * 16 + d] = x[i * 16 + d] + Float(g.normal(std: 0.2)) }
        }
    }
    return (Tensor(frames, shape: [n, t, 16]), lengths)
}

/// The model's parameters and buffers, sorted by name: for each, the name's
/// length (UInt32), the name, the element count (UInt32) and the float32
/// values, all little-endian.
func weightBytes(_ model: Module) -> [UInt8] {
    let state = model.stateDict()
    var out: [UInt8] = []
    func put(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    for name in state.keys.sorted() {
        let values = state[name]!.floats
        put(UInt32(name.utf8.count))
        out.append(contentsOf: Array(name.utf8))
        put(UInt32(values.count))
        for f in values { put(f.bitPattern) }
    }
    return out
}

/// The values of a ``weightBytes(_:)`` file by tensor name.
func parseWeights(_ bytes: [UInt8]) -> [String: [Float]] {
    var out: [String: [Float]] = [:], i = 0
    func get() -> UInt32 {
        guard i + 4 <= bytes.count else { fail("truncated weights file") }
        defer { i += 4 }
        return UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24
    }
    while i < bytes.count {
        let n = Int(get())
        guard i + n <= bytes.count else { fail("truncated weights file") }
        let name = String(decoding: bytes[i..<(i + n)], as: UTF8.self)
        i += n
        out[name] = (0..<Int(get())).map { _ in Float(bitPattern: get()) }
    }
    return out
}

func train(_ args: [String]) throws {
    let mode = option(args, "--mode") ?? "plain"
    let steps = Int(option(args, "--steps") ?? "20") ?? 0
    let batch = Int(option(args, "--batch") ?? "32") ?? 0
    let accumulate = Int(option(args, "--accumulate") ?? "1") ?? 0
    guard steps > 0, batch > 0, accumulate > 0, let out = option(args, "--out") else {
        fail("train needs --out FILE and positive --steps, --batch, --accumulate", code: 64)
    }
    let model = makeModel(option(args, "--model") ?? "logistic")
    var config = TrainingConfig()
    config.steps = steps
    config.learningRate = 0.05
    config.validateEvery = 10
    config.progressInterval = 1e9
    config.accumulationSteps = mode == "accumulate" ? accumulate : 1
    // --optimizer sgd: an update linear in the gradient, for the comparisons
    // within a tolerance (see scripts/mpi_equivalence.sh).
    if let name = option(args, "--optimizer") {
        guard let kind = OptimizerKind(rawValue: name) else { fail("unknown optimizer \(name)", code: 64) }
        config.optimizer = kind
    }
    // --mixup ALPHA: partners and λ drawn over the global batch (gathered from the ranks under mpi).
    config.mixupAlpha = option(args, "--mixup").flatMap(Double.init)
    let data = toyData(count: 256, seed: 1), val = toyData(count: 128, seed: 2)
    let frames = model.level == .frame
    let trainFrames = frames ? toyFrames(data, seed: 7) : nil, valFrames = frames ? toyFrames(val, seed: 8) : nil
    let global = InMemoryBatchSource(features: trainFrames?.features ?? data.features, labels: data.labels,
                                     lengths: trainFrames?.lengths, batchSize: batch, shuffle: true, repeats: true, seed: 5)
    let validation = InMemoryBatchSource(features: valFrames?.features ?? val.features, labels: val.labels,
                                         lengths: valFrames?.lengths, batchSize: 24, shuffle: false, repeats: false)
    // --dir keeps the run's files (checkpoints, metrics.csv: rank 0 writes them);
    // without it they go to a temporary directory and only the weights are kept.
    let keep = option(args, "--dir")
    let directory = keep ?? NSTemporaryDirectory() + "distributed-check-\(ProcessInfo.processInfo.processIdentifier)"
    defer { if keep == nil { try? FileManager.default.removeItem(atPath: directory) } }
    let quiet = ProgressReporter(totalSteps: steps, output: { _ in })

    if mode == "mpi" {
        let world = try MPICommunicator.world()
        DataParallel.runOrAbort(world) {
            let training = try ShardedBatchSource(global, rank: world.rank, size: world.size)
            // The rank-failure test kills a rank by the pid this writes.
            if let prefix = option(args, "--pid-prefix") {
                try String(ProcessInfo.processInfo.processIdentifier).write(toFile: "\(prefix).\(world.rank)", atomically: true, encoding: .utf8)
            }
            // --bucket-bytes: small buckets, so several allreduces overlap the backward pass in order.
            let bucketBytes = option(args, "--bucket-bytes").flatMap(Int.init) ?? 25 << 20
            let callbacks = keep == nil ? [DataParallel(communicator: world, training: training, bucketBytes: bucketBytes)]
                : DataParallel.callbacks(for: config, communicator: world, training: training)
            let trainer = Trainer(model: model, config: config, directory: directory, callbacks: callbacks)
            try trainer.run(training: training, validation: validation, progress: quiet)
            let bytes = weightBytes(model)
            // Every rank must end with rank 0's weights.
            let hashes = try world.allgather(Array(String(fnv1a(bytes)).utf8))
            guard hashes.allSatisfy({ $0 == hashes[0] }) else {
                throw CheckError.ranksDiffer(hashes.map { String(decoding: $0, as: UTF8.self) })
            }
            // Scored by ShardedEvaluation (each rank its share of the batches).
            let metrics = try trainer.evaluate(on: validation)
            if world.isRoot {
                try Data(bytes).write(to: URL(fileURLWithPath: out))
                try writeMetrics(metrics, to: out)
            }
            try world.barrier()
        }
    } else {
        let trainer = Trainer(model: model, config: config, directory: directory, callbacks: keep == nil ? [] : nil)
        try trainer.run(training: global, validation: validation, progress: quiet)
        try Data(weightBytes(model)).write(to: URL(fileURLWithPath: out))
        try writeMetrics(try trainer.evaluate(on: validation), to: out)
    }
}

/// The validation metrics beside the weights, in `FILE.metrics`: GAP@20,
/// MAP, Hit@1 and PERR with every digit, so equal runs give equal text.
func writeMetrics(_ r: EvaluationResult, to out: String) throws {
    let text = [r.globalAveragePrecision, r.meanAveragePrecision, r.hitAtOne, r.precisionAtEqualRecallRate]
        .map { "\($0)" }.joined(separator: " ") + "\n"
    try text.write(toFile: out + ".metrics", atomically: true, encoding: .utf8)
}

func readMetrics(_ out: String) throws -> [Double] {
    try String(contentsOfFile: out + ".metrics", encoding: .utf8).split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan }
}

enum CheckError: Error, CustomStringConvertible {
    case ranksDiffer([String])
    var description: String {
        switch self {
        case .ranksDiffer(let hashes): return "ranks end with different weights (hashes \(hashes.joined(separator: ", ")))"
        }
    }
}

func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}

/// Exact: the files are byte for byte the same (and so are the validation
/// metrics). Tolerance: for every tensor, max |a − b| / max |a| (the
/// difference relative to the tensor's scale; for a running mean, at least
/// the largest running standard deviation of its layer) is at most T, and
/// the validation GAP@20 agrees to three decimals. Relative to each element instead, a weight near zero (4e-3 in
/// the MoE's gates after 20 steps) turns float32 rounding of the batch split
/// (1e-7 absolute) into 3e-5, which says nothing about the training.
func compare(_ args: [String]) throws {
    guard args.count >= 3 else { fail("compare needs two files", code: 64) }
    let a = try [UInt8](Data(contentsOf: URL(fileURLWithPath: args[1])))
    let b = try [UInt8](Data(contentsOf: URL(fileURLWithPath: args[2])))
    let (ma, mb) = (try readMetrics(args[1]), try readMetrics(args[2]))
    print("validation GAP@20, MAP, Hit@1, PERR: \(ma) and \(mb)")
    if args.contains("--exact") {
        guard a == b else { fail("\(args[1]) and \(args[2]) differ (\(a.count) and \(b.count) bytes)") }
        // Equal weights: the sharded validation must score exactly as one process.
        guard ma == mb else { fail("equal weights, different validation metrics: \(ma) and \(mb)") }
        print("identical: \(a.count) bytes, and the same metrics")
        return
    }
    // The validation GAP@20 agrees to three decimals.
    guard abs(ma[0] - mb[0]) < 5e-4 else { fail("validation GAP@20 \(ma[0]) and \(mb[0]) differ in the third decimal") }
    guard let tolerance = option(args, "--tolerance").flatMap(Double.init) else { fail("compare needs --exact or --tolerance T", code: 64) }
    let (x, y) = (parseWeights(a), parseWeights(b))
    guard x.keys.sorted() == y.keys.sorted() else { fail("the files hold different tensors") }
    var worst = 0.0, worstName = "", count = 0
    for (name, u) in x.sorted(by: { $0.key < $1.key }) {
        let v = y[name]!
        guard u.count == v.count else { fail("\(name): \(u.count) and \(v.count) values") }
        var scale = max(u.map { abs(Double($0)) }.max() ?? 0, 1e-12)
        // A batch mean is judged against the spread of what it averages: the
        // running mean of a zero-mean layer is float noise (1e-8) that its own
        // largest value cannot scale.
        if name.hasSuffix("running_mean"), let variance = x[String(name.dropLast("mean".count)) + "var"] {
            scale = max(scale, (variance.map(Double.init).max() ?? 0).squareRoot())
        }
        let d = zip(u, v).map { abs(Double($0) - Double($1)) }.max() ?? 0
        if d / scale >= worst { worst = d / scale; worstName = name }
        count += u.count
    }
    print("max relative difference \(String(format: "%.3g", worst)) (\(worstName)) over \(count) weights (tolerance \(tolerance))")
    guard worst <= tolerance else { fail("max relative difference \(worst) exceeds \(tolerance)") }
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "train": try train(arguments)
    case "compare": try compare(arguments)
    case "checkpoint-step":
        // Reads every tensor of a checkpoint (a torn file fails) and prints its step.
        guard arguments.count == 2 else { fail("checkpoint-step needs a file", code: 64) }
        let (_, metadata) = try SafeTensors.read(arguments[1])
        print(metadata["step"] ?? "?")
    default: fail("usage: DistributedCheck train --mode mpi|accumulate|plain --model \(models.joined(separator: "|")) --steps N --batch B [--accumulate K] --out FILE | compare A B (--exact | --tolerance T)", code: 64)
    }
} catch {
    fail("\(error)")
}

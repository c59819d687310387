import Training
import YT8MData
import ArgumentParser
import Foundation
import NN
import Tensor
import Zoo

/// `yt8m train`: train a zoo model with its paper's recipe.
struct Train: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Train a zoo model on YouTube-8M TFRecords (or the embedded synthetic data).",
        discussion: """
            Without --train, the embedded synthetic dataset is made on first use and the small \
            configuration is trained. The recipe (optimizer, learning rate, decay, batch size, loss, frames per \
            video) is the paper's unless an option overrides it; some small configurations train at a rate of \
            their own (the first line printed gives it). Every --validate-every steps the model \
            is scored (GAP@20, MAP, Hit@1, PERR) and OUT/last.safetensors is written; OUT/best.safetensors \
            keeps the best validation GAP. OUT/metrics.csv logs every metric and OUT/training-curves.svg \
            plots them. Running again on the same OUT resumes exactly where it stopped (--restart to start over).
            """)

    @Option(help: "Zoo model (see `yt8m zoo`).")
    var model = "moe"

    @Option(help: "Configuration size: paper or small (default: small on synthetic data, paper otherwise).")
    var size: ModelSize?

    @Option(help: "JSON object of configuration overrides, e.g. '{\"innerSize\": 1024}' (see `yt8m zoo --show MODEL`).")
    var config: String?

    @Option(parsing: .upToNextOption, help: "Training TFRecord files, directories or globs.")
    var train: [String] = []

    @Option(parsing: .upToNextOption, help: "Validation TFRecord files, directories or globs.")
    var validation: [String] = []

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: "Training steps.")
    var steps = 2000

    @Option(help: "Batch size (default: the recipe's).")
    var batchSize: Int?

    @Option(help: "Base learning rate (default: the recipe's, or the small configuration's own).")
    var learningRate: Double?

    @Option(help: "Loss: bce, rank, bce+rank or distill (default: the recipe's).")
    var loss: String?

    @Option(help: "Weight of the ranking term in bce+rank.")
    var rankWeight = 0.1

    @Option(help: "λ of distillation: λ·BCE(labels) + (1−λ)·BCE(teacher).")
    var distillLambda = 0.5

    @Option(help: "Mixup α (default: the recipe's; 0 turns it off).")
    var mixup: Double?

    @Option(help: "EMA rate γ in W_ema = (1−γ)·W_ema + γ·W (0 turns it off).")
    var emaRate = 0.0

    @Option(help: "Step at which EMA averaging starts.")
    var emaStart = 0

    @Option(help: "Clip the global gradient norm (default: the recipe's; 0 turns it off).")
    var clipNorm: Double?

    @Option(help: "Optimizer: adam or rmsprop (PyTorch defaults; default: the recipe's).")
    var optimizer: OptimizerKind?

    @Option(help: "Frame-level training reads N frames sampled with replacement, or 'all' frames in order (default: the recipe's).")
    var frames: TrainingFrames?

    @Option(help: "Validate and checkpoint every this many steps.")
    var validateEvery = 250

    @Option(help: "Output directory (default: runs/MODEL).")
    var out: String?

    @Option(help: "Random seed (initialisation, data order, dropout).")
    var seed: UInt64 = 0

    @Option(help: "Threads for BLAS and kernels.")
    var threads: Int?

    @Flag(help: "Ignore an existing checkpoint in OUT and start over.")
    var restart = false

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        guard validateEvery > 0 else { throw ValidationError("--validate-every must be positive") }
        if let b = batchSize, b <= 0 { throw ValidationError("--batch-size must be positive, got \(b)") }
        if let c = clipNorm, c < 0 { throw ValidationError("--clip-norm must be 0 (off) or positive, got \(c)") }
        if let l = loss, !["bce", "rank", "bce+rank", "distill"].contains(l) {
            throw ValidationError("--loss must be bce, rank, bce+rank or distill, got '\(l)'")
        }
        if let c = config, (try? JSONSerialization.jsonObject(with: Data(c.utf8))) as? [String: Any] == nil {
            throw ValidationError("--config must be a JSON object, got '\(c)'")
        }
    }

    func run() throws {
        if let t = threads { Parallel.threads = t }
        let entry = try ModelZoo.entry(named: model)
        let printer = ProgressPrinter()
        let data = try DataSelection.resolve(train: train, validation: validation, level: entry.recordLevel, format: formatOptions.format,
                                             progress: printer.syntheticData)
        let size = self.size ?? (data.isSynthetic ? .small : .paper)
        let spec = ModelSpec(model: model, size: size, overrides: config ?? "{}", numClasses: data.format.numClasses)
        let parameters = try entry.parameterCount(size: size, overrides: spec.overrideDictionary, numClasses: spec.numClasses)
        let recipe = entry.recipe(for: size)

        var tc = recipe.trainingConfig(steps: steps)
        if let lr = learningRate { tc.learningRate = lr }
        switch loss {
        case "rank": tc.loss = .ranking
        case "bce+rank": tc.loss = .bceWithRanking(weight: rankWeight)
        case "distill": tc.loss = .distillation(lambda: distillLambda)
        case "bce": tc.loss = .binaryCrossEntropy
        default: break
        }
        if let m = mixup { tc.mixupAlpha = m > 0 ? m : nil }
        tc.emaRate = emaRate > 0 ? emaRate : nil
        tc.emaStartStep = emaStart
        if let c = clipNorm { tc.clipNorm = c > 0 ? c : nil }
        if let o = optimizer { tc.optimizer = o }
        tc.validateEvery = validateEvery
        tc.seed = seed

        let batch = batchSize ?? (data.isSynthetic ? min(recipe.batchSize, 128) : recipe.batchSize)
        let directory = out ?? "runs/\(model)"
        if restart { try? FileManager.default.removeItem(atPath: directory) }
        var job = TrainingJob(spec: spec, trainFiles: data.trainFiles, validationFiles: data.validationFiles, format: data.format,
                              config: tc, batchSize: batch, frames: frames?.sampling ?? recipe.frames,
                              directory: directory, seed: seed)
        if case .distillation = tc.loss { job.teacherKey = "predictions" }
        note("\(model) (\(size.rawValue), \(Self.millions(parameters)) parameters) on \(data.isSynthetic ? "the synthetic dataset" : "\(data.trainFiles.count) files"), batch \(batch), \(tc.loss), \(tc.optimizer) lr \(tc.learningRate)")
        let result = try job.run(progress: printer.callback).validation
        if let r = result {
            print(String(format: "validation: GAP@20 %.4f  MAP %.4f  Hit@1 %.4f  PERR %.4f  (%d videos)",
                         r.globalAveragePrecision, r.meanAveragePrecision, r.hitAtOne, r.precisionAtEqualRecallRate, r.videoCount))
            let base = try Trainer.labelFrequencyBaseline(on: try job.evaluationSource(data.validationFiles), numClasses: spec.numClasses)
            print(String(format: "a model that ignores its input (label frequencies): GAP@20 %.4f", base.globalAveragePrecision))
        }
        print("checkpoints, metrics.csv and training-curves.svg in \(directory)")
    }

    static func millions(_ n: Int) -> String { String(format: "%.2f M", Double(n) / 1e6) }
}

extension OptimizerKind: ExpressibleByArgument {}

/// `--frames`: a count of frames sampled with replacement, or `all` for every frame in order.
struct TrainingFrames: ExpressibleByArgument {
    let sampling: FrameSampling

    init?(argument: String) {
        if argument == "all" { sampling = .all; return }
        guard let n = Int(argument), n > 0 else { return nil }
        sampling = .randomWithReplacement(count: n)
    }

    static var defaultValueDescription: String { "N or all" }
}

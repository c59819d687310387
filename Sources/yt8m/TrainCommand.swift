import Collectives
import Distributed
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
            their own (the first line printed gives it), and the small configuration starts the final classifier's \
            bias at the training labels' frequencies (--output-bias). Every --validate-every steps the model \
            is scored (GAP@20, MAP, Hit@1, PERR) and OUT/last.safetensors is written; OUT/best.safetensors \
            keeps the best validation GAP. OUT/metrics.csv logs every metric and OUT/training-curves.svg (and .png) \
            plot them. Running again on the same OUT resumes exactly where it stopped (--restart to start over).

            Fine-tuning on the 2019 segment labels (the starter code's baseline): --segment-labels trains on \
            each rated 5-frame segment of segment-rated files, only the rated classes counting (label weights), \
            and validates on the same kind of examples; --init-from starts from a checkpoint trained on video \
            labels, whose model, size and configuration are then the defaults. Without --train the embedded \
            dataset's segment-rated split is used, its last shard held out for validation.
            """)

    @Option(help: "Zoo model (see `yt8m zoo`; default: the --init-from checkpoint's, else moe).")
    var model: String?

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

    @Option(help: "Optimizer: adam, rmsprop or sgd (PyTorch defaults, SGD with momentum 0.9; default: the recipe's).")
    var optimizer: OptimizerKind?

    @Option(help: "Frame-level training reads N frames sampled with replacement, or 'all' frames in order (default: the recipe's).")
    var frames: TrainingFrames?

    @Option(help: "Initial bias of the final classifier when a run starts afresh: prior (the training labels' frequencies, the small configuration's default) or as-built (the reference's initialisers, the paper configuration's default).")
    var outputBias: OutputBiasInitialization?

    @Option(help: "Learning-rate schedule after any warm-up: staircase (the recipe's decay every N examples), cosine or constant.")
    var schedule: LearningRateDecay?

    @Option(help: "Linear warm-up of the learning rate over this many steps.")
    var warmupSteps: Int?

    @Option(help: "Stop when validation GAP has not improved for this many validations in a row.")
    var earlyStopping: Int?

    @Option(help: "Split each batch into K micro-batches whose gradients are summed before one update (less memory, same arithmetic); the batch size must be divisible by ranks × K.")
    var accumulate: Int?

    @Option(help: "Validate and checkpoint every this many steps.")
    var validateEvery = 250

    @Option(help: "Output directory (default: runs/MODEL).")
    var out: String?

    @Option(help: "Random seed (initialisation, data order, dropout).")
    var seed: UInt64 = 0

    @Option(help: "Threads for BLAS and kernels.")
    var threads: Int?

    @Flag(inversion: .prefixedNo,
          help: "Write TensorBoard event files in OUT/tensorboard: scalars every step, weight and gradient histograms at every validation (view with `tensorboard --logdir OUT`).")
    var tensorboard = true

    @Flag(help: "Skip a batch whose loss or gradient is NaN or infinite (counted as skipped_batches in metrics.csv) instead of stopping; 100 in a row still stop the run.")
    var skipNonFinite = false

    @Flag(help: "Train on the segment ratings of 2019 segment-rated files instead of video labels (frame-level models).")
    var segmentLabels = false

    @Option(help: "Start from this checkpoint's weights (fine-tuning) instead of a random initialisation.")
    var initFrom: String?

    @Flag(help: "Start over: remove the run files in OUT (checkpoints, metrics.csv, training-curves.svg and .png), nothing else.")
    var restart = false

    func validate() throws {
        if let model { do { _ = try ModelZoo.entry(named: model) } catch let error as ZooError { throw ValidationError(error.description) } }
        if let l = loss, !["bce", "rank", "bce+rank", "distill"].contains(l) {
            throw ValidationError("--loss must be bce, rank, bce+rank or distill, got '\(l)'")
        }
        if let c = config {
            guard let overrides = (try? JSONSerialization.jsonObject(with: Data(c.utf8))) as? [String: Any] else {
                throw ValidationError("--config must be a JSON object, got '\(c)'")
            }
            // Unknown keys, wrong types and values out of range, before any data is read.
            if let model {
                do { _ = try ModelZoo.entry(named: model).configuration(size: .small, overrides: overrides) }
                catch let error as ZooError { throw ValidationError("--config: \(error)") }
            }
        }
        if let t = threads, t <= 0 { throw ValidationError("--threads must be positive, got \(t)") }
        if let b = batchSize, b <= 0 { throw ValidationError("--batch-size must be positive, got \(b)") }
        // Checked again in run() against the recipe's batch size; here before any work when the flag gives it.
        let launched = MPICommunicator.launchedWorldSize
        if let b = batchSize, let k = accumulate, k >= 1, b % (launched * k) != 0 {
            throw ValidationError("--batch-size \(b) must be divisible by the ranks × --accumulate (\(launched) × \(k) = \(launched * k))")
        }
        for (flag, value) in [("--mixup", mixup), ("--clip-norm", clipNorm), ("--ema-rate", emaRate)] {
            if let v = value, !(v.isFinite && v >= 0) { throw ValidationError("\(flag) must be 0 (off) or positive, got \(v)") }
        }
        // Every other range is the library's (TrainingConfig.validate), checked before any work with the flag named.
        do { try overrides.trainingConfig(Recipe(batchSize: 1, learningRate: 1e-3), steps: steps).validate() }
        catch let error as TrainingConfigError { throw ValidationError(Self.flagMessage(error)) }
    }

    /// The recipe changes the flags ask for.
    var overrides: RecipeOverrides {
        var o = RecipeOverrides()
        o.batchSize = batchSize
        o.learningRate = learningRate
        switch loss {
        case "rank": o.loss = .ranking
        case "bce+rank": o.loss = .bceWithRanking(weight: rankWeight)
        case "distill": o.loss = .distillation(lambda: distillLambda)
        case "bce": o.loss = .binaryCrossEntropy
        default: break
        }
        o.optimizer = optimizer
        o.mixupAlpha = mixup
        o.emaRate = emaRate
        o.emaStartStep = emaStart
        o.clipNorm = clipNorm
        o.schedule = schedule
        o.warmupSteps = warmupSteps
        o.earlyStoppingPatience = earlyStopping
        o.accumulationSteps = accumulate
        o.frames = frames?.sampling
        o.outputBias = outputBias
        o.validateEvery = validateEvery
        o.seed = seed
        o.tensorBoard = tensorboard
        o.skipNonFiniteBatches = skipNonFinite
        if segmentLabels {
            // The starter's fine-tuning: plain weighted BCE; a recipe's mixup or ranking term unless asked for (and then refused).
            o.loss = o.loss ?? .binaryCrossEntropy
            o.mixupAlpha = mixup ?? 0
        }
        return o
    }

    /// The library's message with the configuration field replaced by the flag that sets it.
    static func flagMessage(_ error: TrainingConfigError) -> String {
        let flags = ["steps": "--steps", "learningRate": "--learning-rate", "clipNorm": "--clip-norm", "mixupAlpha": "--mixup",
                     "emaRate": "--ema-rate", "emaStartStep": "--ema-start", "validateEvery": "--validate-every",
                     "warmupSteps": "--warmup-steps", "earlyStoppingPatience": "--early-stopping",
                     "accumulationSteps": "--accumulate", "loss": "--loss (with --rank-weight or --distill-lambda)"]
        return "\(flags[error.field] ?? error.field) is \(error.value); it must be \(error.allowed)"
    }

    func run() throws {
        // Under mpirun every rank runs this command; rank and size come from MPI.
        // Without mpirun MPI is never initialised and the run is as it always was.
        let world: MPICommunicator? = MPICommunicator.isLaunchedByMPI ? try MPICommunicator.world() : nil
        let ranks = world?.size ?? 1, isRoot = world?.isRoot ?? true
        if let t = threads { Parallel.threads = t }
        else if world != nil, let local = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init), local > 1 {
            // The ranks of one machine share its cores instead of each taking them all.
            Parallel.threads = max(1, ProcessInfo.processInfo.activeProcessorCount / local)
        }
        // The checkpoint to fine-tune gives the model, size and configuration the flags leave open.
        let initial = try initFrom.map { try TrainedModel.spec(of: $0) }
        let model = self.model ?? initial?.model ?? "moe"
        let entry = try ModelZoo.entry(named: model)
        let sameModel = initial?.model == model
        let size = self.size ?? (sameModel ? initial?.size : nil)
        let config = self.config ?? (sameModel ? initial?.overrides : nil)
        var format = formatOptions.format
        // Fine-tuning keeps the checkpoint's classes unless --num-classes says otherwise.
        if formatOptions.numClasses == nil, let classes = initial?.numClasses { format.numClasses = classes }
        let printer = ProgressPrinter()
        let resolve = {
            segmentLabels
                ? try DataSelection.resolveSegmentRated(train: train, validation: validation, format: format,
                                                        progress: isRoot ? printer.syntheticData : nil)
                : try DataSelection.resolve(train: train, validation: validation, level: entry.recordLevel, format: format,
                                            progress: isRoot ? printer.syntheticData : nil)
        }
        let data: DataSelection
        if let world, world.size > 1 {
            // Rank 0 makes the synthetic dataset on first use; the others wait for it rather than race to write it.
            let first = isRoot ? DataParallel.runOrAbort(world) { try resolve() } : nil
            try world.barrier()
            data = try first ?? resolve()
        } else {
            data = try resolve()
        }
        let directory = out ?? "runs/\(model)"
        var job: TrainingJob
        do {
            job = try TrainingJob(model: model, size: size, configuration: config, data: data, steps: steps,
                                  overrides: overrides, directory: directory)
            job.segmentLabels = segmentLabels
            job.initialWeights = initFrom
            try job.checkSegmentLabels()
        } catch let error as TrainingConfigError { throw ValidationError(Self.flagMessage(error)) }
        catch let error as TrainingJobError { throw ValidationError(error.description) }
        catch let error as TrainingError { throw ValidationError(error.description) }
        // Equal shares per rank and micro-batch keep N ranks × K micro-batches the arithmetic of one batch.
        let parts = ranks * job.config.accumulationSteps
        guard job.batchSize % parts == 0 else {
            throw ValidationError("--batch-size \(job.batchSize) must be divisible by the ranks × --accumulate (\(ranks) × \(job.config.accumulationSteps) = \(parts))")
        }
        if restart {
            // One rank clears; the others wait, so none resumes from a file about to go.
            if isRoot { try RunDirectory.clear(directory) }
            try world?.barrier()
        }
        let parameters = try entry.parameterCount(size: job.spec.size, overrides: job.spec.overrideDictionary, numClasses: job.spec.numClasses)
        if isRoot {
            let examples = segmentLabels ? "segment labels of" : "", start = initFrom.map { ", from \($0)" } ?? ""
            note("\(model) (\(job.spec.size.rawValue), \(Self.millions(parameters)) parameters) on \(examples)\(examples.isEmpty ? "" : " ")\(data.isSynthetic ? "the synthetic dataset" : "\(data.trainFiles.count) files")\(start), batch \(job.batchSize)\(segmentLabels ? " segments" : "")\(ranks > 1 ? " over \(ranks) ranks" : ""), \(job.config.loss), \(job.config.optimizer) lr \(job.config.learningRate)")
        }
        let result: TrainingJob.Result
        if let world {
            // A rank that fails ends every rank, naming itself and the error, instead of leaving them in a collective.
            result = DataParallel.runOrAbort(world) {
                try job.run(progress: isRoot ? printer.callback : nil, topology: DataParallelTopology(communicator: world))
            }
        } else {
            result = try job.run(progress: printer.callback)
        }
        guard isRoot else { return }
        if let r = result.validation {
            print(String(format: "validation: GAP@20 %.4f  MAP %.4f  Hit@1 %.4f  PERR %.4f",
                         r.globalAveragePrecision, r.meanAveragePrecision, r.hitAtOne, r.precisionAtEqualRecallRate)
                  + "  (\(r.videoCount) \(segmentLabels ? "rated segments, rated classes only" : "videos"))")
        }
        if let base = try job.labelFrequencyBaseline() {
            print(String(format: "a model that ignores its input (label frequencies): GAP@20 %.4f", base.globalAveragePrecision))
        }
        print("checkpoints, metrics.csv and training-curves.svg/.png in \(directory)")
    }

    static func millions(_ n: Int) -> String { String(format: "%.2f M", Double(n) / 1e6) }
}

extension OptimizerKind: ExpressibleByArgument {}
extension LearningRateDecay: ExpressibleByArgument {}
extension OutputBiasInitialization: ExpressibleByArgument {}

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

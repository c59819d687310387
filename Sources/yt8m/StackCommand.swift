import Training
import ArgumentParser
import Foundation
import Tensor

/// `yt8m stack`: Samsung's final stage, a classifier over frozen models' penultimate layers.
struct Stack: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Train a final classifier over frozen checkpoints' penultimate layers (Samsung's final stage).",
        discussion: """
            Each checkpoint is frozen and run once over the training and the validation videos; its \
            penultimate layer (the input of its last classification layer) is kept, and the rows of \
            all checkpoints are concatenated per video. A final classifier (BatchNorm, hidden layers \
            Linear → BatchNorm → ReLU → Dropout, Linear to the classes) trains on them with Adam, \
            validating every --validate-every steps; OUT holds its checkpoints, metrics.csv and \
            training-curves.svg. The validation GAP@20 of every member, of their average (equal and \
            searched weights) and of the final classifier are printed. With --data and --submission \
            the stacked model's Kaggle submission is written (atomically). All checkpoints must read \
            the same videos in the same order: on real data one record level; on the synthetic data \
            (the default) any mix. Memory: videos × (Σ feature widths + classes) floats.
            """)

    @Option(parsing: .upToNextOption, help: "Checkpoints written by `yt8m train` (one or more).")
    var checkpoints: [String]

    @Option(parsing: .upToNextOption, help: "Training TFRecords of the final classifier (default: the synthetic training split).")
    var train: [String] = []

    @Option(parsing: .upToNextOption, help: "Validation TFRecords (default: the synthetic validation split).")
    var validation: [String] = []

    @Option(parsing: .upToNextOption, help: "Hidden layer widths of the final classifier; 0 for none (a logistic classifier).")
    var hidden: [Int] = [1024]

    @Option(help: "Dropout after each hidden layer.")
    var dropout = 0.5

    @Option(help: "Training steps of the final classifier.")
    var steps = 1000

    @Option(help: "Adam learning rate.")
    var learningRate = 1e-3

    @Option(help: "Videos per batch.")
    var batchSize = 256

    @Option(help: "Validate and checkpoint every this many steps.")
    var validateEvery = 200

    @Option(help: "Output directory of the final classifier.")
    var out = "runs/stack"

    @Flag(help: "Ignore an existing checkpoint in OUT and start over.")
    var restart = false

    @Option(parsing: .upToNextOption, help: "TFRecords to predict for --submission.")
    var data: [String] = []

    @Option(help: "Write the stacked model's Kaggle submission CSV over --data here.")
    var submission: String?

    @Option(help: "Label/score pairs per video in --submission.")
    var topK = 20

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: "Random seed (initialisation, data order, dropout).")
    var seed: UInt64 = 0

    @Option(help: "Threads for BLAS and kernels.")
    var threads: Int?

    var hiddenSizes: [Int] { hidden == [0] ? [] : hidden }

    func validate() throws {
        guard !checkpoints.isEmpty else { throw ValidationError("--checkpoints needs at least one checkpoint") }
        guard steps > 0, batchSize > 0, validateEvery > 0, topK > 0 else {
            throw ValidationError("--steps, --batch-size, --validate-every and --top-k must be positive")
        }
        guard hidden == [0] || hidden.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--hidden takes positive widths, or 0 alone for no hidden layer; got \(hidden)")
        }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
        if !train.isEmpty && validation.isEmpty {
            throw ValidationError("training on --train files needs labelled --validation files to choose the best step")
        }
        if (submission == nil) != data.isEmpty {
            throw ValidationError("--data and --submission go together: the videos to predict and where the CSV goes")
        }
    }

    func run() throws {
        try requireOneProcess("stack")
        if let t = threads { Parallel.threads = t }
        let progress = ProgressPrinter().callback
        let set = try CheckpointSet.forCommand(checkpoints, readsRealData: !(train + validation + data).isEmpty)
        let stack = StackedClassifierPipeline(checkpoints: set, classifier: .init(hiddenSizes: hiddenSizes, dropout: dropout),
                                              steps: steps, learningRate: learningRate, batchSize: batchSize,
                                              validateEvery: validateEvery, seed: seed, directory: out, format: formatOptions.format)
        let report = try stack.run(train: train, validation: validation, restart: restart, progress: progress)

        for (name, gap) in zip(set.paddedNames, report.memberGAP) {
            print(name + String(format: "  validation GAP@20 %.4f", gap))
        }
        if let equal = report.equalWeightsGAP, let searched = report.searchedWeightsGAP {
            print(String(format: "average, equal weights: GAP@20 %.4f", equal))
            print(String(format: "average, weights searched on this validation set: GAP@20 %.4f", searched))
        }
        let r = report.final
        print(String(format: "final classifier (best step): GAP@20 %.4f  MAP %.4f  Hit@1 %.4f  PERR %.4f  (%d videos)",
                     r.globalAveragePrecision, r.meanAveragePrecision, r.hitAtOne, r.precisionAtEqualRecallRate, r.videoCount))
        print("final classifier checkpoints, metrics.csv and training-curves.svg/.png in \(out)")

        guard let submission else { return }
        let videos = try stack.writeSubmission(of: report.classifier, over: data, to: submission, topK: topK, progress: progress)
        note("wrote the stacked model's predictions for \(videos) videos to \(submission)")
    }
}

import Metrics
import Training
import ArgumentParser
import Foundation
import NN
import Tensor
import Zoo

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
        if let t = threads { Parallel.threads = t }
        let set = try CheckpointSet(checkpoints, readsRealData: !(train + validation + data).isEmpty)
        let classes = set.numClasses
        func sources(_ paths: [String], training: Bool) throws -> [BatchSource] {
            try set.sources(paths, format: formatOptions.format, batchSize: batchSize, syntheticTraining: training)
        }
        let members = set.models
        members.forEach { $0.freeze() }
        func collect(_ paths: [String], training: Bool, what: String) throws -> StackedFeatures {
            var last = 0.0
            let features = try StackedFeatures.collect(from: members, on: try sources(paths, training: training),
                                                       keepMemberPredictions: !training) { videos in
                let now = Date().timeIntervalSince1970
                if now - last > 2 { last = now; FileHandle.standardError.write(Data("\rfeatures of the \(what) videos: \(videos)".utf8)) }
            }
            FileHandle.standardError.write(Data("\rfeatures of the \(what) videos: \(features.ids.count)\n".utf8))
            return features
        }
        let trainSet = try collect(train, training: true, what: "training")
        let validationSet = try collect(validation, training: false, what: "validation")
        let width = trainSet.widths.reduce(0, +)
        note("penultimate widths " + zip(set.loaded, trainSet.widths).map { "\($0.spec.model) \($1)" }.joined(separator: ", ")
             + " → \(width) features per video")

        var rng = RandomGenerator(seed: seed)
        let config = FinalClassifier.Config(hiddenSizes: hiddenSizes, dropout: dropout)
        let head = FinalClassifier(inputSize: width, numClasses: classes, config: config, rng: &rng)
        var tc = TrainingConfig()
        tc.steps = steps
        tc.learningRate = learningRate
        tc.validateEvery = validateEvery
        tc.seed = seed
        if restart { try? FileManager.default.removeItem(atPath: out) }
        let trainer = Trainer(model: head, config: tc, directory: out)
        trainer.checkpointMetadata = ["model": "final-classifier", "members": checkpoints.joined(separator: " "),
                                      "hidden": hiddenSizes.map(String.init).joined(separator: " "), "dropout": String(dropout)]
        let trainBatches = trainSet.batches(size: batchSize, training: true, seed: seed)
        if try trainer.resumeIfPossible(training: trainBatches) { note("resuming \(out) at step \(trainer.step)") }
        note("final classifier: \(FinalClassifier.parameterCount(inputSize: width, numClasses: classes, config: config)) parameters, hidden \(hiddenSizes), \(trainSet.ids.count) training videos")
        try trainer.run(training: trainBatches, validation: validationSet.batches(size: batchSize, training: false))
        _ = try Checkpoint.load(from: out + "/best.safetensors", module: head)

        func gap(_ p: [Float]) throws -> Double { try set.gap(p, labels: validationSet.labelIndices) }
        for (m, name) in set.paddedNames.enumerated() {
            print(name + String(format: "  validation GAP@20 %.4f", try gap(validationSet.memberProbabilities[m])))
        }
        let predictions = validationSet.memberProbabilities
        if predictions.count > 1 {
            let equal = [Double](repeating: 1 / Double(predictions.count), count: predictions.count)
            print(String(format: "average, equal weights: GAP@20 %.4f", try gap(EnsembleWeights.average(predictions, weights: equal))))
            let searched = try EnsembleWeights.search(predictions: predictions, labels: validationSet.labelIndices,
                                                      numClasses: classes, trials: 200, seed: seed)
            print(String(format: "average, weights searched on this validation set: GAP@20 %.4f", try gap(EnsembleWeights.average(predictions, weights: searched.weights))))
        }
        let r = try Trainer.evaluate(head, on: validationSet.batches(size: batchSize, training: false))
        print(String(format: "final classifier (best step): GAP@20 %.4f  MAP %.4f  Hit@1 %.4f  PERR %.4f  (%d videos)",
                     r.globalAveragePrecision, r.meanAveragePrecision, r.hitAtOne, r.precisionAtEqualRecallRate, r.videoCount))
        print("final classifier checkpoints, metrics.csv and training-curves.svg in \(out)")

        guard let submission else { return }
        head.eval()
        let writer = try KaggleSubmission.Writer(path: submission, topK: topK)
        var videos = 0
        try forEachLockstepBatch(of: try sources(data, training: false)) { batches in
            let features = Tensor.concat(zip(members, batches).map { model, batch in withoutGrad { model.features(batch.input) } }, axis: 1)
            let scores = withoutGrad { head(ModelInput(features: features)).probabilities }.floats
            for (i, id) in batches[0].ids.enumerated() {
                try writer.write(videoID: id, scores: Array(scores[(i * classes)..<((i + 1) * classes)]))
            }
            videos += batches[0].ids.count
        }
        try writer.close()
        note("wrote the stacked model's predictions for \(videos) videos to \(submission)")
    }
}

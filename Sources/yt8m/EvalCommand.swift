import Metrics
import Training
import YT8MData
import ArgumentParser
import Foundation
import NN
import Tensor
import Zoo

/// Options shared by the commands that run a trained checkpoint over data.
struct CheckpointData: ParsableArguments {
    @Option(help: "Checkpoint written by `yt8m train` (e.g. runs/moe/best.safetensors) or `yt8m export`.")
    var checkpoint: String

    @Option(parsing: .upToNextOption, help: "TFRecord files, directories or globs (default: the synthetic validation split).")
    var data: [String] = []

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: "Videos per batch.")
    var batchSize = 128

    @Option(help: "Threads for BLAS and kernels.")
    var threads: Int?

    /// The model, its spec and a single pass over the data.
    func open() throws -> (model: any ZooModel, spec: ModelSpec, source: DatasetBatchSource, synthetic: Bool) {
        if let t = threads { Parallel.threads = t }
        let (model, spec) = try TrainedModel.load(checkpoint)
        let (source, synthetic) = try Self.source(for: spec, paths: data, format: formatOptions.format, batchSize: batchSize)
        return (model, spec, source, synthetic)
    }

    /// One deterministic pass of the model's record level over `paths` (the
    /// synthetic dataset's validation split, or its training split with
    /// `syntheticTraining`, when empty); whether the data is synthetic.
    static func source(for spec: ModelSpec, paths: [String], format: YT8MRecordFormat, batchSize: Int,
                       syntheticTraining: Bool = false) throws -> (DatasetBatchSource, synthetic: Bool) {
        let entry = try ModelZoo.entry(named: spec.model)
        var format = format
        format.numClasses = spec.numClasses
        let selection = try DataSelection.resolve(train: paths, validation: [], level: entry.recordLevel, format: format)
        let files = selection.isSynthetic && !syntheticTraining ? selection.validationFiles : selection.trainFiles
        let options = entry.evaluationOptions(format: selection.format, batchSize: batchSize, maxFrames: spec.maxFrames, epochs: 1)
        return (DatasetBatchSource(try YT8MDataset(files: files, options: options), repeats: false), selection.isSynthetic)
    }
}

/// `yt8m eval`: the challenge metrics of a checkpoint on labelled data.
struct Eval: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Score a trained checkpoint: GAP@20, MAP, Hit@1 and PERR over labelled TFRecords.",
        discussion: "Frame-level models see every frame (up to the checkpoint's max frames): evaluation is deterministic.")

    @OptionGroup var options: CheckpointData

    func validate() throws {
        guard options.batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() throws {
        let (model, spec, source, _) = try options.open()
        let r = try Trainer.evaluate(model, on: source)
        print("\(spec.model) (\(spec.size.rawValue)) on \(r.videoCount) videos")
        print(String(format: "GAP@20 %.4f\nMAP    %.4f\nHit@1  %.4f\nPERR   %.4f",
                     r.globalAveragePrecision, r.meanAveragePrecision, r.hitAtOne, r.precisionAtEqualRecallRate))
    }
}

/// `yt8m predict`: a Kaggle submission CSV from a checkpoint.
struct Predict: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Write a Kaggle submission CSV (VideoId,LabelConfidencePairs; top-k label score pairs).")

    @OptionGroup var options: CheckpointData

    @Option(help: "Output CSV (written atomically).")
    var out: String

    @Option(help: "Label/score pairs per video.")
    var topK = 20

    func validate() throws {
        guard topK > 0 else { throw ValidationError("--top-k must be positive, got \(topK)") }
    }

    func run() throws {
        let (model, _, source, _) = try options.open()
        let writer = try KaggleSubmission.Writer(path: out, topK: topK)
        var videos = 0
        try forEachPrediction(of: model, on: source) { id, scores in
            try writer.write(videoID: id, scores: Array(scores))
            videos += 1
        }
        try writer.close()
        note("wrote predictions for \(videos) videos to \(out)")
    }
}

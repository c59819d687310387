import Metrics
import Training
import YT8MData
import Foundation
import NN
import Tensor
import Zoo

/// One training run of a zoo model on TFRecord files: the datasets the
/// recipe asks for, the trainer, resume, and the final validation score.
/// Shared by `train` and `distill`.
struct TrainingJob {
    let spec: ModelSpec
    let trainFiles: [String]
    let validationFiles: [String]
    let format: YT8MRecordFormat
    var config: TrainingConfig
    var batchSize: Int
    /// How training reads frames (frame-level models).
    var frames: FrameSampling
    let directory: String
    var seed: UInt64 = 0
    /// Read teacher predictions from this context feature (distillation).
    var teacherKey: String? = nil

    var entry: ZooEntry { try! ModelZoo.entry(named: spec.model) }

    func run(resume: Bool = true, quiet: Bool = false) throws -> (model: any ZooModel, validation: EvaluationResult?) {
        let network = try spec.build(seed: seed)
        let trainOptions = entry.trainingOptions(format: format, batchSize: batchSize, frames: frames,
                                                 maxFrames: spec.maxFrames, seed: seed, teacherKey: teacherKey)
        let trainSource = DatasetBatchSource(try YT8MDataset(files: trainFiles, options: trainOptions), repeats: true)
        let validationSource = try validationFiles.isEmpty ? nil : evaluationSource(validationFiles)

        let trainer = Trainer(model: network, config: config, directory: directory)
        trainer.checkpointMetadata = ["model": spec.model, "model_spec": spec.json]
        if resume, try trainer.resumeIfPossible(training: trainSource) {
            note("resuming \(directory) at step \(trainer.step)")
        }
        let progress = quiet ? ProgressReporter(totalSteps: config.steps, output: { _ in }) : nil
        try trainer.run(training: trainSource, validation: validationSource, progress: progress)
        let result = try validationSource.map { try trainer.evaluate(on: $0) }
        return (network, result)
    }

    /// One deterministic pass over `files` (every frame, up to the spec's max).
    func evaluationSource(_ files: [String]) throws -> DatasetBatchSource {
        let options = entry.evaluationOptions(format: format, batchSize: batchSize, maxFrames: spec.maxFrames, epochs: nil)
        return DatasetBatchSource(try YT8MDataset(files: files, options: options), repeats: false)
    }

    /// Probabilities of `model` (row-major [videos, classes]) for every
    /// video of `files` in order, with the videos' ids and labels and the
    /// metrics of the predictions against them.
    func predictions(of model: any ZooModel, on files: [String]) throws
        -> (ids: [String], labels: [[Int]], probabilities: [Float], score: EvaluationResult) {
        var ids: [String] = [], labels: [[Int]] = [], probabilities: [Float] = []
        let source = try evaluationSource(files)
        model.eval()
        while let batch = try source.nextBatch() {
            probabilities += withoutGrad { model(batch.input).probabilities }.floats
            ids += batch.ids
            labels += batch.labelIndices
        }
        var metrics = EvaluationMetrics(numClasses: spec.numClasses)
        try metrics.accumulate(predictions: probabilities, labels: labels)
        return (ids, labels, probabilities, metrics.result())
    }
}

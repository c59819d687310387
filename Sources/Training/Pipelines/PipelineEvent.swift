import YT8MData
import Zoo

/// What a long-running pipeline is doing, for its caller to show: the library
/// never prints, so a tool, a notebook or a test decides where progress goes.
/// Each pipeline documents the events it sends.
public enum PipelineEvent {
    /// The embedded synthetic dataset is being made (first use): `done` of `total` videos written.
    case makingSyntheticData(done: Int, total: Int)
    /// A training run found a checkpoint in `directory` and goes on from `step`.
    case resumed(directory: String, step: Int)
    /// A training run that starts afresh set its final classifier's bias to
    /// the label frequencies of the first `videos` training videos.
    case outputBiasInitialized(videos: Int)
    /// One line of training progress (step, epoch, examples/s, loss, GAP, time left).
    case training(line: String)
    /// Stacking: `videos` of the `split` ("training" or "validation") have their
    /// features; `finished` on the last call of the pass.
    case collectingFeatures(split: String, videos: Int, finished: Bool)
    /// Stacking: the members' penultimate widths, in checkpoint order (model name, width).
    case stackedFeatures(members: [(model: String, width: Int)])
    /// Stacking: the final classifier starts (or resumes) training.
    case finalClassifierStarting(parameters: Int, hiddenSizes: [Int], trainingVideos: Int)
    /// Distillation: teacher `fold` (from 0) of `folds` trains on `trainingFiles` files to predict `heldOutFiles`.
    case teacherStarted(fold: Int, folds: Int, trainingFiles: Int, heldOutFiles: Int)
    /// Distillation: teacher `fold` has predicted its held-out fold and the validation videos.
    case teacherFinished(fold: Int, heldOutGAP: Double, validationGAP: Double)
    /// Distillation: all teachers are done; GAP@20 of the soft labels against the training
    /// labels and of the teachers' average on the validation videos (also in the report, but
    /// known long before the students finish).
    case teachersFinished(softLabelGAP: Double, teachersAveragedGAP: Double)
    /// Distillation: `labels` soft labels were written into `files` files in `directory`.
    case softLabelsWritten(labels: Int, files: Int, directory: String)
    /// Distillation: a student starts training, with the teacher (`distilled`) or on the labels alone.
    case studentStarted(distilled: Bool)
}

/// Where pipelines send their ``PipelineEvent``s.
public typealias PipelineProgress = (PipelineEvent) -> Void

extension DataSelection {
    /// ``resolve(train:validation:level:format:progress:)`` reporting the synthetic
    /// dataset's generation as ``PipelineEvent/makingSyntheticData(done:total:)``.
    static func resolve(train: [String], validation: [String], level: YT8MDatasetLevel, format: YT8MRecordFormat,
                        events: PipelineProgress?) throws -> DataSelection {
        try resolve(train: train, validation: validation, level: level, format: format,
                    progress: events.map { report in { report(.makingSyntheticData(done: $0, total: $1)) } })
    }
}

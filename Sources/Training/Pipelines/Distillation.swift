import FileIO
import Foundation
import Metrics
import YT8MData
import Zoo

/// Why a distillation cannot run.
public enum DistillationError: Error, CustomStringConvertible, Equatable {
    /// The teacher and the student read different input levels, so one set of records cannot serve both.
    case levelsDiffer(teacher: String, teacherLevel: InputLevel, student: String, studentLevel: InputLevel)
    /// k-fold teachers need at least two folds.
    case tooFewFolds(Int)
    /// Each fold needs at least one training file: `folds` folds, `files` files.
    case tooFewFiles(folds: Int, files: Int)
    /// Real training files came without validation files, which comparing the students needs.
    case noValidationFiles

    /// What is wrong, for an error message.
    public var description: String {
        switch self {
        case .levelsDiffer(let t, let tl, let s, let sl):
            return "teacher \(t) reads \(tl.rawValue)-level data but student \(s) reads \(sl.rawValue)-level data"
        case .tooFewFolds(let k):
            return "distillation needs at least 2 folds, got \(k)"
        case .tooFewFiles(let k, let n):
            return "\(k) folds need at least \(k) training files; there are \(n)"
        case .noValidationFiles:
            return "comparing the students needs labelled validation files besides the training files"
        }
    }
}

/// Distillation with out-of-fold soft labels (Skalic & Austin 2018;
/// Ostyakov et al. 2018). The training files are split into k folds; for
/// each fold a teacher trains on the other folds and predicts the held-out
/// one, so every training video gets a prediction from a teacher that never
/// saw it. The predictions are written into copies of the training records
/// (``SoftLabels``), and the student trains on λ·BCE(labels) + (1−λ)·BCE(teacher);
/// the same student trained on the labels alone shows what the teacher adds.
public struct Distillation {
    /// Teacher model (a `ModelZoo` name).
    public var teacher: String
    /// Student model.
    public var student: String
    /// Configuration size of both; nil for small on synthetic data, paper otherwise.
    public var size: ModelSize?
    /// Number of folds (2 … training files).
    public var folds: Int
    /// Training steps of each teacher.
    public var teacherSteps: Int
    /// Training steps of each student.
    public var studentSteps: Int
    /// λ: weight of the hard labels in the distilled student's loss.
    public var lambda: Double
    /// Videos per batch.
    public var batchSize: Int
    /// Where the teachers (`teacher-F`), the soft-labelled records (`soft`) and
    /// the students (`student-distilled`, `student-labels-only`) go.
    public var directory: String
    /// Format of the records given (the synthetic dataset's own when none are).
    public var format: YT8MRecordFormat
    /// How the teachers and students are shared with other processes (the
    /// Distributed module's data parallelism); nil trains alone. Every
    /// process predicts the held-out folds in full (the same weights give
    /// the same soft labels), and the writing process alone makes the data
    /// and the soft-labelled files, the others waiting for it.
    public var topology: (any TrainingTopology)?

    /// A distillation; see the properties.
    public init(teacher: String, student: String, size: ModelSize? = nil, folds: Int = 4, teacherSteps: Int = 1000,
                studentSteps: Int = 1000, lambda: Double = 0.5, batchSize: Int = 128, directory: String,
                format: YT8MRecordFormat) {
        self.teacher = teacher
        self.student = student
        self.size = size
        self.folds = folds
        self.teacherSteps = teacherSteps
        self.studentSteps = studentSteps
        self.lambda = lambda
        self.batchSize = batchSize
        self.directory = directory
        self.format = format
    }

    /// What a distillation gave.
    public struct Report {
        /// The configuration size both models were trained at.
        public let size: ModelSize
        /// Each fold teacher's GAP@20 on its held-out fold and on the validation videos.
        public let teacherGAP: [(heldOut: Double, validation: Double)]
        /// GAP@20 of the soft labels (the out-of-fold predictions) against the training labels.
        public let softLabelGAP: Double
        /// GAP@20 of the fold teachers' equal average on the validation videos:
        /// the ensemble the student is distilled from.
        public let teachersAveragedGAP: Double
        /// The soft-labelled copies of the training files, in order.
        public let softFiles: [String]
        /// Videos that got a soft label.
        public let softLabels: Int
        /// The student trained with the teacher, on the validation videos.
        public let distilled: EvaluationResult
        /// The student trained on the labels alone, on the validation videos.
        public let labelsOnly: EvaluationResult
    }

    /// Runs the teachers, writes the soft labels and trains both students
    /// from scratch. `train` and `validation` are record files, directories or
    /// globs; with no `train`, the embedded synthetic dataset. Throws
    /// ``DistillationError`` before training anything when the setup cannot work.
    /// - Parameters:
    ///   - train: TFRecord files, directories or globs of the training videos, which the folds are cut from
    ///     (empty: the embedded synthetic dataset).
    ///   - validation: TFRecord files, directories or globs the teachers and students are scored on.
    ///   - progress: gets ``PipelineEvent/makingSyntheticData(done:total:)``,
    ///     ``PipelineEvent/teacherStarted(fold:folds:trainingFiles:heldOutFiles:)``,
    ///     ``PipelineEvent/teacherFinished(fold:heldOutGAP:validationGAP:)``,
    ///     ``PipelineEvent/teachersFinished(softLabelGAP:teachersAveragedGAP:)``,
    ///     ``PipelineEvent/softLabelsWritten(labels:files:directory:)``,
    ///     ``PipelineEvent/studentStarted(distilled:)`` and the students' ``PipelineEvent/training(line:)``
    ///     lines (the teachers train silently).
    public func run(train: [String], validation: [String], progress: PipelineProgress? = nil) throws -> Report {
        let teacherEntry = try ModelZoo.entry(named: teacher), studentEntry = try ModelZoo.entry(named: student)
        guard teacherEntry.level == studentEntry.level else {
            throw DistillationError.levelsDiffer(teacher: teacher, teacherLevel: teacherEntry.level,
                                                 student: student, studentLevel: studentEntry.level)
        }
        guard folds >= 2 else { throw DistillationError.tooFewFolds(folds) }
        if !train.isEmpty && validation.isEmpty { throw DistillationError.noValidationFiles }
        let writes = topology?.writesFiles ?? true
        // The writing process makes the synthetic data on first use; the others wait rather than race it.
        func resolve() throws -> DataSelection {
            try DataSelection.resolve(train: train, validation: validation, level: teacherEntry.recordLevel,
                                      format: format, events: writes ? progress : nil)
        }
        let first = writes ? try resolve() : nil
        try topology?.synchronize()
        let data = try first ?? resolve()
        guard data.trainFiles.count >= folds else {
            throw DistillationError.tooFewFiles(folds: folds, files: data.trainFiles.count)
        }
        guard !data.validationFiles.isEmpty else { throw DistillationError.noValidationFiles }
        let size = self.size ?? (data.isSynthetic ? .small : .paper)
        let classes = data.format.numClasses
        func job(_ entry: ZooEntry, files: [String], validation: [String], steps: Int, dir: String) -> TrainingJob {
            let recipe = entry.recipe(for: size)
            var config = recipe.trainingConfig(steps: steps)
            config.validateEvery = steps
            config.progressInterval = 10
            return TrainingJob(spec: ModelSpec(model: entry.name, size: size, numClasses: classes), trainFiles: files,
                               validationFiles: validation, format: data.format, config: config, batchSize: batchSize,
                               frames: recipe.frames, directory: dir, outputBias: recipe.outputBias)
        }

        // 1. Out-of-fold teacher predictions; the fold teachers' average on
        // the validation videos is the ensemble the student is distilled from.
        var soft: [String: [Float]] = [:]
        var outOfFold = EvaluationMetrics(numClasses: classes)
        var teachersOnValidation: [[Float]] = [], validationLabels: [[Int]] = []
        var teacherGAP: [(heldOut: Double, validation: Double)] = []
        for (f, heldOut) in SoftLabels.folds(data.trainFiles, k: folds).enumerated() {
            let rest = data.trainFiles.filter { !heldOut.contains($0) }
            progress?(.teacherStarted(fold: f, folds: folds, trainingFiles: rest.count, heldOutFiles: heldOut.count))
            let j = job(teacherEntry, files: rest, validation: [], steps: teacherSteps, dir: "\(directory)/teacher-\(f)")
            let model = try j.run(resume: false, topology: topology).model
            let heldOutPredictions = try j.predictions(of: model, on: heldOut)
            for (i, id) in heldOutPredictions.ids.enumerated() { soft[id] = Array(heldOutPredictions.row(i)) }
            try outOfFold.accumulate(predictions: heldOutPredictions.probabilities, labels: heldOutPredictions.labels)
            let onValidation = try j.predictions(of: model, on: data.validationFiles)
            teachersOnValidation.append(onValidation.probabilities)
            validationLabels = onValidation.labels
            teacherGAP.append((heldOutPredictions.score.globalAveragePrecision, onValidation.score.globalAveragePrecision))
            progress?(.teacherFinished(fold: f, heldOutGAP: teacherGAP[f].heldOut, validationGAP: teacherGAP[f].validation))
        }
        var teacherEnsemble = EvaluationMetrics(numClasses: classes)
        try teacherEnsemble.accumulate(predictions: EnsembleWeights.average(teachersOnValidation,
                                                                            weights: Array(repeating: 1 / Double(folds), count: folds)),
                                       labels: validationLabels)
        progress?(.teachersFinished(softLabelGAP: outOfFold.result().globalAveragePrecision,
                                    teachersAveragedGAP: teacherEnsemble.result().globalAveragePrecision))

        // 2. Soft-labelled copies of the training records.
        if writes { try createDirectories(directory + "/soft") }
        var softFiles: [String] = []
        for (i, file) in data.trainFiles.enumerated() {
            let path = String(format: "%@/soft/train%04d.tfrecord", directory, i)
            if writes {
                try SoftLabels.annotate(input: file, output: path, predictions: soft, frameLevel: teacherEntry.recordLevel == .frame,
                                        format: data.format)
            }
            softFiles.append(path)
        }
        try topology?.synchronize()
        progress?(.softLabelsWritten(labels: soft.count, files: softFiles.count, directory: directory + "/soft"))

        // 3. The student with and without the teacher, both from scratch.
        var distilled = job(studentEntry, files: softFiles, validation: data.validationFiles, steps: studentSteps,
                            dir: "\(directory)/student-distilled")
        distilled.config.loss = .distillation(lambda: lambda)
        distilled.teacherKey = "predictions"
        let plain = job(studentEntry, files: data.trainFiles, validation: data.validationFiles, steps: studentSteps,
                        dir: "\(directory)/student-labels-only")
        progress?(.studentStarted(distilled: true))
        let withTeacher = try distilled.run(resume: false, progress: progress, topology: topology).validation
        progress?(.studentStarted(distilled: false))
        let alone = try plain.run(resume: false, progress: progress, topology: topology).validation
        // Both jobs have validation files (checked above), so both are scored.
        guard let withTeacher, let alone else { throw DistillationError.noValidationFiles }
        return Report(size: size, teacherGAP: teacherGAP, softLabelGAP: outOfFold.result().globalAveragePrecision,
                      teachersAveragedGAP: teacherEnsemble.result().globalAveragePrecision, softFiles: softFiles,
                      softLabels: soft.count, distilled: withTeacher, labelsOnly: alone)
    }
}

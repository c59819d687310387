import Metrics
import Training
import ArgumentParser
import Foundation
import NN
import Zoo

/// `yt8m distill`: out-of-fold soft labels from a teacher, then a student.
struct Distill: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Distil a teacher into a student with out-of-fold soft labels.",
        discussion: """
            The training files are split into k folds. For each fold a teacher is trained on the other \
            folds and predicts the held-out one, so every training video gets a prediction from a teacher \
            that never saw it (Skalic & Austin 2018; Ostyakov et al. 2018). The predictions are written \
            into copies of the training records as the context feature `predictions`, and the student \
            trains on λ·BCE(labels) + (1−λ)·BCE(teacher). For comparison the same student is also trained \
            on the labels alone; both validation GAPs are printed.
            """)

    @Option(help: "Teacher model (see `yt8m zoo`).")
    var teacher = "moe"

    @Option(help: "Student model.")
    var student = "logistic"

    @Option(help: "Configuration size of both models (default: small on synthetic data, paper otherwise).")
    var size: ModelSize?

    @Option(help: "Number of folds (at most the number of training files).")
    var folds = 4

    @Option(help: "Training steps of each teacher.")
    var teacherSteps = 1000

    @Option(help: "Training steps of the student.")
    var studentSteps = 1000

    @Option(help: "λ: weight of the hard labels.")
    var lambda = 0.5

    @Option(parsing: .upToNextOption, help: "Training TFRecord files, directories or globs (default: synthetic data).")
    var train: [String] = []

    @Option(parsing: .upToNextOption, help: "Validation TFRecord files, directories or globs.")
    var validation: [String] = []

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: "Batch size.")
    var batchSize = 128

    @Option(help: "Output directory (teachers, soft-labelled records, students).")
    var out = "runs/distill"

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2, got \(folds)") }
        guard lambda >= 0 && lambda <= 1 else { throw ValidationError("--lambda must be in [0, 1], got \(lambda)") }
        if !train.isEmpty && validation.isEmpty {
            throw ValidationError("comparing the students needs labelled --validation files besides --train")
        }
    }

    func run() throws {
        let teacherEntry = try ModelZoo.entry(named: teacher), studentEntry = try ModelZoo.entry(named: student)
        guard teacherEntry.level == studentEntry.level else {
            throw ValidationError("teacher \(teacher) reads \(teacherEntry.level.rawValue)-level data but student \(student) reads \(studentEntry.level.rawValue)-level data")
        }
        let data = try DataSelection.resolve(train: train, validation: validation, level: teacherEntry.recordLevel, format: formatOptions.format)
        guard data.trainFiles.count >= folds else {
            throw ValidationError("--folds \(folds) needs at least \(folds) training files; there are \(data.trainFiles.count)")
        }
        let size = self.size ?? (data.isSynthetic ? .small : .paper)
        let classes = data.format.numClasses
        let frameLevel = teacherEntry.recordLevel == .frame
        func job(_ entry: ZooEntry, files: [String], validation: [String], steps: Int, dir: String) -> TrainingJob {
            var config = entry.recipe(for: size).trainingConfig(steps: steps)
            config.validateEvery = steps
            config.progressInterval = 10
            return TrainingJob(spec: ModelSpec(model: entry.name, size: size, numClasses: classes), trainFiles: files,
                               validationFiles: validation, format: data.format, config: config, batchSize: batchSize,
                               frames: entry.recipe.frames, directory: dir)
        }

        // 1. Out-of-fold teacher predictions; the fold teachers' average on
        // the validation videos is the ensemble the student is distilled from.
        var soft: [String: [Float]] = [:]
        var outOfFold = EvaluationMetrics(numClasses: classes)
        var teachersOnValidation: [[Float]] = [], validationLabels: [[Int]] = []
        for (f, heldOut) in SoftLabels.folds(data.trainFiles, k: folds).enumerated() {
            let rest = data.trainFiles.filter { !heldOut.contains($0) }
            note("teacher \(f + 1)/\(folds): \(teacher) on \(rest.count) files, predicting \(heldOut.count)")
            let j = job(teacherEntry, files: rest, validation: [], steps: teacherSteps, dir: "\(out)/teacher-\(f)")
            let (model, _) = try j.run(resume: false, quiet: true)
            let heldOutPredictions = try j.predictions(of: model, on: heldOut)
            for (i, id) in heldOutPredictions.ids.enumerated() {
                soft[id] = Array(heldOutPredictions.probabilities[(i * classes)..<((i + 1) * classes)])
            }
            try outOfFold.accumulate(predictions: heldOutPredictions.probabilities, labels: heldOutPredictions.labels)
            let onValidation = try j.predictions(of: model, on: data.validationFiles)
            teachersOnValidation.append(onValidation.probabilities)
            validationLabels = onValidation.labels
            note(String(format: "teacher %d: GAP@20 %.4f on its held-out fold, %.4f on validation", f + 1,
                        heldOutPredictions.score.globalAveragePrecision, onValidation.score.globalAveragePrecision))
        }
        var teacherEnsemble = EvaluationMetrics(numClasses: classes)
        try teacherEnsemble.accumulate(predictions: EnsembleWeights.average(teachersOnValidation, weights: Array(repeating: 1 / Double(folds), count: folds)),
                                       labels: validationLabels)
        print(String(format: "soft labels (out-of-fold teacher predictions): GAP@20 %.4f against the training labels",
                     outOfFold.result().globalAveragePrecision))
        print(String(format: "the %d fold teachers averaged: validation GAP@20 %.4f", folds, teacherEnsemble.result().globalAveragePrecision))

        // 2. Soft-labelled copies of the training records.
        try FileManager.default.createDirectory(atPath: out + "/soft", withIntermediateDirectories: true)
        var softFiles: [String] = []
        for (i, file) in data.trainFiles.enumerated() {
            let path = String(format: "%@/soft/train%04d.tfrecord", out, i)
            try SoftLabels.annotate(input: file, output: path, predictions: soft, frameLevel: frameLevel, format: data.format)
            softFiles.append(path)
        }
        note("wrote \(soft.count) soft labels into \(softFiles.count) files in \(out)/soft")

        // 3. The student with and without the teacher.
        var distilled = job(studentEntry, files: softFiles, validation: data.validationFiles, steps: studentSteps, dir: "\(out)/student-distilled")
        distilled.config.loss = .distillation(lambda: lambda)
        distilled.teacherKey = "predictions"
        let plain = job(studentEntry, files: data.trainFiles, validation: data.validationFiles, steps: studentSteps, dir: "\(out)/student-labels-only")
        note("student \(student) with the teacher (λ = \(lambda))")
        let (_, withTeacher) = try distilled.run(resume: false)
        note("student \(student) on the labels alone")
        let (_, alone) = try plain.run(resume: false)
        if let a = withTeacher, let b = alone {
            print(String(format: "student %@ validation GAP@20: %.4f distilled from %@, %.4f on labels alone (%+.4f)",
                         student, a.globalAveragePrecision, teacher, b.globalAveragePrecision,
                         a.globalAveragePrecision - b.globalAveragePrecision))
        }
    }
}

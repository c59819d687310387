import Training
import ArgumentParser
import Distributed
import Foundation
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
        let printer = ProgressPrinter()
        var distillation = Distillation(teacher: teacher, student: student, size: size, folds: folds,
                                        teacherSteps: teacherSteps, studentSteps: studentSteps, lambda: lambda,
                                        batchSize: batchSize, directory: out, format: formatOptions.format)
        // Under mpirun the teachers and students train data-parallel; rank 0 alone speaks and writes.
        let world = try MPICommunicator.worldOfSeveralRanks()
        if let world {
            guard batchSize % world.size == 0 else {
                throw ValidationError("--batch-size \(batchSize) must be divisible by the \(world.size) ranks")
            }
            distillation.topology = DataParallelTopology(communicator: world)
        }
        let speaks = world?.isRoot ?? true
        var report: Distillation.Report?
        do {
            try sharedBetweenRanks(world) { report = try distillation.run(train: train, validation: validation) { [self] event in
                guard speaks else { return }
                switch event {
                case .teacherStarted(let f, let k, let files, let heldOut):
                    note("teacher \(f + 1)/\(k): \(teacher) on \(files) files, predicting \(heldOut)")
                case .teacherFinished(let f, let heldOut, let validation):
                    note(String(format: "teacher %d: GAP@20 %.4f on its held-out fold, %.4f on validation", f + 1, heldOut, validation))
                case .teachersFinished(let softLabelGAP, let averaged):
                    // Printed as soon as known, between the teachers' and the students' progress.
                    print(String(format: "soft labels (out-of-fold teacher predictions): GAP@20 %.4f against the training labels", softLabelGAP))
                    print(String(format: "the %d fold teachers averaged: validation GAP@20 %.4f", folds, averaged))
                case .softLabelsWritten(let labels, let files, let directory):
                    note("wrote \(labels) soft labels into \(files) files in \(directory)")
                case .studentStarted(let distilled):
                    note(distilled ? "student \(student) with the teacher (λ = \(lambda))" : "student \(student) on the labels alone")
                default:
                    printer.show(event)
                }
            } }
        } catch let error as DistillationError {
            // A setup that cannot work is a mistake in the command line (exit 64), in the flags' words.
            switch error {
            case .tooFewFiles(let k, let n): throw ValidationError("--folds \(k) needs at least \(k) training files; there are \(n)")
            default: throw ValidationError(error.description)
            }
        }
        guard speaks, let report else { return }
        let (a, b) = (report.distilled.globalAveragePrecision, report.labelsOnly.globalAveragePrecision)
        print(String(format: "student %@ validation GAP@20: %.4f distilled from %@, %.4f on labels alone (%+.4f)",
                     student, a, teacher, b, a - b))
    }
}

import Foundation
import Metrics
import NN
import Tensor
import Training
import XCTest
import YT8MData
import Zoo

/// The papers' pipelines called as library API (what `yt8m` commands run) on
/// a tiny video-level synthetic dataset: 80 videos of 10 classes, 60 training
/// videos in 4 shards and 20 validation videos in 4 shards, and two logistic
/// checkpoints trained on it once for the whole class.
final class TrainingPipelineTests: XCTestCase {
    struct Fixture {
        let root: String
        let train: [String]
        let validation: [String]
        let format: YT8MRecordFormat
        let checkpoints: [String]
    }

    nonisolated(unsafe) static var fixture: Fixture?
    nonisolated(unsafe) static var fixtureError: Error?

    override class func setUp() {
        super.setUp()
        do { fixture = try makeFixture() } catch { fixtureError = error }
    }

    override class func tearDown() {
        if let root = fixture?.root { try? FileManager.default.removeItem(atPath: root) }
        super.tearDown()
    }

    static func job(_ data: DataSelection, seed: UInt64, steps: Int, directory: String) -> TrainingJob {
        var config = TrainingConfig()
        config.steps = steps
        config.learningRate = 0.05
        config.validateEvery = steps
        config.progressInterval = 1e9
        return TrainingJob(spec: ModelSpec(model: "logistic", size: .small, numClasses: data.format.numClasses),
                           trainFiles: data.trainFiles, validationFiles: data.validationFiles, format: data.format,
                           config: config, batchSize: 16, frames: .all, directory: directory, seed: seed)
    }

    static func makeFixture() throws -> Fixture {
        let root = NSTemporaryDirectory() + "TrainingPipelineTests-\(UUID().uuidString)"
        let config = SyntheticDataConfig(videos: 80, validationFraction: 0.25, numClasses: 10, minFrames: 4, maxFrames: 8,
                                         shards: 4, frameLevel: false, seed: 7)
        try SyntheticData.write(config, to: root + "/data")
        let data = try DataSelection.resolve(train: [root + "/data/video/train*"], validation: [root + "/data/video/validate*"],
                                             level: .video, format: YT8MRecordFormat(numClasses: 10))
        var checkpoints: [String] = []
        for seed: UInt64 in [0, 1] {
            let directory = root + "/runs/\(seed)"
            _ = try job(data, seed: seed, steps: 20, directory: directory).run()
            checkpoints.append(directory + "/best.safetensors")
        }
        return Fixture(root: root, train: data.trainFiles, validation: data.validationFiles, format: data.format,
                       checkpoints: checkpoints)
    }

    func data() throws -> Fixture {
        if let error = Self.fixtureError { throw error }
        return try XCTUnwrap(Self.fixture)
    }

    func submissionRows(_ path: String) throws -> [Substring] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.first, "VideoId,LabelConfidencePairs")
        return Array(lines.dropFirst())
    }

    func testDataSelectionResolvesGivenPathsAndKeepsTheirFormat() throws {
        let f = try data()
        XCTAssertEqual(f.train.count, 4)
        XCTAssertEqual(f.validation.count, 4)
        let selection = try DataSelection.resolve(train: [f.root + "/data/video"], validation: [], level: .video,
                                                  format: f.format)
        XCTAssertFalse(selection.isSynthetic, "given paths are not the embedded dataset")
        XCTAssertEqual(selection.trainFiles.count, 8, "a directory gives every record file in it")
        XCTAssertEqual(selection.validationFiles, [])
        XCTAssertEqual(selection.format, f.format)
    }

    /// A job reports resuming and its trainer's lines through the callback and
    /// goes on from its last checkpoint.
    func testTrainingJobResumesAndReportsThroughTheCallback() throws {
        let f = try data()
        let selection = DataSelection(trainFiles: f.train, validationFiles: f.validation, format: f.format, isSynthetic: false)
        let directory = f.root + "/runs/resume"
        let first = try Self.job(selection, seed: 2, steps: 5, directory: directory).run()
        XCTAssertNil(first.resumedStep)
        var events: [PipelineEvent] = []
        let second = try Self.job(selection, seed: 2, steps: 10, directory: directory).run { events.append($0) }
        XCTAssertEqual(second.resumedStep, 5)
        guard case .resumed(let dir, let step)? = events.first else { return XCTFail("no resume event: \(events)") }
        XCTAssertEqual(dir, directory)
        XCTAssertEqual(step, 5)
        XCTAssertTrue(events.contains { if case .training = $0 { return true } else { return false } }, "the last step is always reported")
        XCTAssertEqual(try XCTUnwrap(second.validation).videoCount, 20)
    }

    /// The logistic model's output bias.
    func outputBias(_ model: any ZooModel) throws -> [Float] {
        try XCTUnwrap(XCTUnwrap(model as? LogisticModel).classifier.bias).value.floats
    }

    func biasEvents(_ events: [PipelineEvent]) -> [Int] {
        events.compactMap { if case .outputBiasInitialized(let videos) = $0 { return videos } else { return nil } }
    }

    /// `.labelPrior` sets the bias to logit((n_c + ½)/(N + 1)) of the training
    /// labels (counted here with `YT8MLabels`) when a run starts afresh; a run
    /// that resumes keeps its checkpoint's bias, and one started from
    /// `initialWeights` keeps those weights'.
    func testTrainingJobStartsAtTheLabelPriorOnlyWhenStartingAfresh() throws {
        let f = try data()
        let selection = DataSelection(trainFiles: f.train, validationFiles: f.validation, format: f.format, isSynthetic: false)
        var counts = [Double](repeating: 0, count: 10)
        let labels = try YT8MLabels(files: f.train, format: f.format)
        for entry in labels.entries { for c in Set(entry.labels) { counts[c] += 1 } }
        let n = Double(labels.entries.count)
        XCTAssertEqual(n, 60)
        let expected = counts.map { c -> Double in
            let q = min(max((c + 0.5) / (n + 1), 1e-4), 0.5)
            return Foundation.log(q / (1 - q))
        }

        // Afresh: one step at a learning rate of 1e-6 leaves the bias within 1e-5 of the prior's logits.
        var fresh = Self.job(selection, seed: 4, steps: 1, directory: f.root + "/runs/prior-fresh")
        fresh.config.learningRate = 1e-6
        fresh.outputBias = .labelPrior
        var events: [PipelineEvent] = []
        let started = try fresh.run { events.append($0) }
        XCTAssertEqual(biasEvents(events), [60])
        for (b, e) in zip(try outputBias(started.model), expected) { XCTAssertEqual(Double(b), e, accuracy: 1e-5) }

        // As built: the bias is not the prior's.
        var asBuilt = fresh
        asBuilt.outputBias = .asBuilt
        asBuilt.directory = f.root + "/runs/prior-as-built"
        events = []
        let built = try asBuilt.run { events.append($0) }
        XCTAssertEqual(biasEvents(events), [])
        XCTAssertGreaterThan(zip(try outputBias(built.model), expected).map { abs(Double($0) - $1) }.max() ?? 0, 1)

        // Resuming: a run trained 3 steps as built, resumed at its last step with the prior asked for.
        let directory = f.root + "/runs/prior-resume"
        let first = try Self.job(selection, seed: 5, steps: 3, directory: directory).run()
        let trained = try outputBias(first.model)
        var resumed = Self.job(selection, seed: 5, steps: 3, directory: directory)
        resumed.outputBias = .labelPrior
        events = []
        let second = try resumed.run { events.append($0) }
        XCTAssertEqual(second.resumedStep, 3)
        XCTAssertEqual(biasEvents(events), [])
        XCTAssertEqual(try outputBias(second.model), trained, "the checkpoint's bias, not the prior's")

        // Fine-tuning from a checkpoint keeps its weights.
        var fineTuned = fresh
        fineTuned.directory = f.root + "/runs/prior-init-from"
        fineTuned.initialWeights = f.checkpoints[0]
        events = []
        let tuned = try fineTuned.run { events.append($0) }
        XCTAssertEqual(biasEvents(events), [])
        let saved = try outputBias(TrainedModel.load(f.checkpoints[0]).model)
        for (b, s) in zip(try outputBias(tuned.model), saved) { XCTAssertEqual(b, s, accuracy: 1e-5) }
    }

    /// Evaluation, prediction to a submission and 8-bit export of one checkpoint.
    func testEvaluatePredictAndExport() throws {
        let f = try data()
        let run = try CheckpointRun(checkpoint: f.checkpoints[0], data: f.validation, format: f.format, batchSize: 8)
        XCTAssertFalse(run.isSynthetic)
        XCTAssertEqual(run.spec.model, "logistic")
        let score = try run.evaluate()
        XCTAssertEqual(score.videoCount, 20)
        XCTAssertGreaterThan(score.globalAveragePrecision, 0)
        XCTAssertEqual(try run.evaluate().globalAveragePrecision, score.globalAveragePrecision, "evaluation is deterministic")

        let csv = f.root + "/predict-\(UUID().uuidString).csv"
        XCTAssertEqual(try run.writeSubmission(to: csv, topK: 3), 20)
        let rows = try submissionRows(csv)
        XCTAssertEqual(rows.count, 20)
        XCTAssertEqual(rows[0].split(separator: ",")[1].split(separator: " ").count, 6, "3 label/score pairs")

        let exported = f.root + "/export-\(UUID().uuidString).safetensors"
        let report = try run.export(to: exported, minimumElements: 1000)
        XCTAssertEqual(report.before.globalAveragePrecision, score.globalAveragePrecision)
        XCTAssertEqual(report.quantization.quantizedTensors, 1, "the 1152 × 10 weight is quantized")
        XCTAssertLessThan(report.megabytes, 0.1)
        XCTAssertEqual(report.after.globalAveragePrecision, report.before.globalAveragePrecision, accuracy: 0.05)
        let reloaded = try CheckpointRun(checkpoint: exported, data: f.validation, format: f.format, batchSize: 8)
        XCTAssertEqual(try reloaded.evaluate().globalAveragePrecision, report.after.globalAveragePrecision, accuracy: 1e-6,
                       "the export's score is the file's")
    }

    /// Searched weights score at least as well as each member on the validation
    /// videos; given weights are used as they are; the submission covers every video.
    func testEnsembleSearchesWeightsAndWritesASubmission() throws {
        let f = try data()
        let set = try CheckpointSet(f.checkpoints, readsRealData: true)
        XCTAssertEqual(set.numClasses, 10)
        let ensemble = EnsemblePipeline(checkpoints: set, format: f.format, batchSize: 8)
        let searched = try ensemble.validate(on: f.validation, trials: 10, seed: 1)
        XCTAssertEqual(searched.searchedTrials, 13, "equal weights, each model alone and 10 draws")
        XCTAssertEqual(searched.videos, 20)
        XCTAssertEqual(searched.weights.reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertGreaterThanOrEqual(searched.ensembleGAP, searched.memberGAP.max()! - 1e-12)
        let alone = try ensemble.validate(on: f.validation, weights: [1, 0])
        XCTAssertNil(alone.searchedTrials)
        XCTAssertEqual(alone.ensembleGAP, alone.memberGAP[0], accuracy: 1e-9, "all weight on one member is that member")
        let single = try CheckpointRun(checkpoint: f.checkpoints[0], data: f.validation, format: f.format, batchSize: 8)
        XCTAssertEqual(alone.memberGAP[0], try single.evaluate().globalAveragePrecision, accuracy: 1e-9)

        let csv = f.root + "/ensemble-\(UUID().uuidString).csv"
        XCTAssertEqual(try ensemble.writeSubmission(over: f.validation, weights: searched.weights, to: csv, topK: 5), 20)
        XCTAssertEqual(try submissionRows(csv).count, 20)
    }

    /// A logistic final classifier over the two members' features trains,
    /// reports its stages, is compared with the members and writes a submission.
    func testStackedClassifierTrainsOverFrozenMembers() throws {
        let f = try data()
        let set = try CheckpointSet(f.checkpoints, readsRealData: true)
        let directory = f.root + "/runs/stack-\(UUID().uuidString)"
        let stack = StackedClassifierPipeline(checkpoints: set, classifier: .init(hiddenSizes: [], dropout: 0), steps: 10,
                                              learningRate: 1e-2, batchSize: 16, validateEvery: 5, directory: directory,
                                              format: f.format)
        var finishedSplits: [String] = [], members: [(model: String, width: Int)] = []
        let report = try stack.run(train: f.train, validation: f.validation) { event in
            switch event {
            case .collectingFeatures(let split, let videos, true): finishedSplits.append("\(split) \(videos)")
            case .stackedFeatures(let m): members = m
            default: break
            }
        }
        XCTAssertEqual(finishedSplits, ["training 60", "validation 20"])
        XCTAssertEqual(members.map(\.model), ["logistic", "logistic"])
        XCTAssertEqual(report.widths, set.models.map(\.featureCount))
        XCTAssertEqual(report.trainingVideos, 60)
        XCTAssertNil(report.resumedStep)
        XCTAssertEqual(report.memberGAP.count, 2)
        XCTAssertNotNil(report.equalWeightsGAP)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(report.searchedWeightsGAP), report.memberGAP.max()! - 1e-12)
        XCTAssertEqual(report.final.videoCount, 20)
        XCTAssertEqual(report.classifier.inputSize, report.widths.reduce(0, +))
        for file in ["best.safetensors", "last.safetensors", "metrics.csv", "training-curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/" + file), file)
        }

        let csv = f.root + "/stack-\(UUID().uuidString).csv"
        XCTAssertEqual(try stack.writeSubmission(of: report.classifier, over: f.validation, to: csv), 20)
        XCTAssertEqual(try submissionRows(csv).count, 20)
        // Running again on the same directory resumes at the end instead of training again.
        let again = try stack.run(train: f.train, validation: f.validation)
        XCTAssertEqual(again.resumedStep, 10)
    }

    /// Two fold teachers give every training video an out-of-fold soft label;
    /// both students train and are scored on the validation videos.
    func testDistillationWritesOutOfFoldSoftLabelsAndTrainsBothStudents() throws {
        let f = try data()
        let directory = f.root + "/runs/distill-\(UUID().uuidString)"
        let distillation = Distillation(teacher: "logistic", student: "logistic", size: .small, folds: 2, teacherSteps: 10,
                                        studentSteps: 10, lambda: 0.5, batchSize: 16, directory: directory, format: f.format)
        var started: [Int] = [], students: [Bool] = [], summary: (Double, Double)?
        let report = try distillation.run(train: f.train, validation: f.validation) { event in
            switch event {
            case .teacherStarted(let fold, 2, 2, 2): started.append(fold)
            case .studentStarted(let distilled): students.append(distilled)
            case .teachersFinished(let soft, let averaged):
                XCTAssertTrue(students.isEmpty, "the teachers' summary comes before the students train")
                summary = (soft, averaged)
            default: break
            }
        }
        XCTAssertEqual(started, [0, 1])
        XCTAssertEqual(students, [true, false])
        XCTAssertEqual(report.size, .small)
        XCTAssertEqual(report.teacherGAP.count, 2)
        XCTAssertEqual(report.softLabels, 60, "every training video has a soft label")
        XCTAssertEqual(report.softFiles.count, 4, "one soft-labelled copy per training file")
        XCTAssertTrue(report.softFiles.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        XCTAssertGreaterThan(report.softLabelGAP, 0)
        XCTAssertGreaterThan(report.teachersAveragedGAP, 0)
        XCTAssertEqual(summary?.0, report.softLabelGAP)
        XCTAssertEqual(summary?.1, report.teachersAveragedGAP)
        XCTAssertEqual(report.distilled.videoCount, 20)
        XCTAssertEqual(report.labelsOnly.videoCount, 20)
    }

    func testDistillationSetupsThatCannotWorkAreTypedErrors() throws {
        let f = try data()
        func attempt(teacher: String = "logistic", student: String = "logistic", folds: Int = 2,
                     validation: [String]? = nil) -> DistillationError? {
            let d = Distillation(teacher: teacher, student: student, folds: folds, directory: f.root + "/runs/never", format: f.format)
            do { _ = try d.run(train: f.train, validation: validation ?? f.validation) } catch { return error as? DistillationError }
            return nil
        }
        XCTAssertEqual(attempt(student: "lstm"), .levelsDiffer(teacher: "logistic", teacherLevel: .video, student: "lstm", studentLevel: .frame))
        XCTAssertEqual(attempt(folds: 1), .tooFewFolds(1))
        XCTAssertEqual(attempt(folds: 5), .tooFewFiles(folds: 5, files: 4))
        XCTAssertEqual(attempt(validation: []), .noValidationFiles)
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.root + "/runs/never"), "nothing is trained")
    }

    /// Checkpoints that cannot be used together are named in a typed error.
    func testCheckpointSetRejectsOtherClassesAndMixedLevelsOnRealData() throws {
        let f = try data()
        func save(_ spec: ModelSpec, _ name: String) throws -> String {
            let path = f.root + "/\(name)-\(UUID().uuidString).safetensors"
            try Checkpoint.save(to: path, module: try spec.build(), step: 0, metadata: ["model_spec": spec.json, "model": spec.model])
            return path
        }
        let five = try save(ModelSpec(model: "logistic", size: .small, numClasses: 5), "five")
        XCTAssertThrowsError(try CheckpointSet([f.checkpoints[0], five], readsRealData: false)) { error in
            XCTAssertEqual(error as? CheckpointSetError,
                           .classesDiffer(path: five, classes: 5, firstPath: f.checkpoints[0], firstClasses: 10))
        }
        let frames = try save(ModelSpec(model: "lstm", size: .small, numClasses: 10), "lstm")
        XCTAssertThrowsError(try CheckpointSet([f.checkpoints[0], frames], readsRealData: true)) { error in
            XCTAssertEqual(error as? CheckpointSetError, .recordLevelsDiffer(videoLevel: [f.checkpoints[0]], frameLevel: [frames]))
            XCTAssertTrue("\(error)".contains(frames), "the message names the files: \(error)")
        }
        XCTAssertEqual(try CheckpointSet([f.checkpoints[0], frames], readsRealData: false).specs.map(\.model), ["logistic", "lstm"],
                       "the synthetic dataset's levels hold the same videos, so any mix works there")
        XCTAssertThrowsError(try CheckpointSet([], readsRealData: false)) { XCTAssertEqual($0 as? CheckpointSetError, .empty) }
    }

    func testAReleaseVocabularyCheckpointIsNotScoredOnTheOtherRelease() throws {
        let old = ModelSpec(model: "logistic", size: .paper, numClasses: 4716)
        XCTAssertThrowsError(try old.evaluationSource(paths: ["/no/such/2018/*.tfrecord"], format: .yt8m2018, batchSize: 8)) {
            let mismatch = $0 as? VocabularyMismatch
            XCTAssertEqual(mismatch?.checkpointClasses, 4716)
            XCTAssertEqual(mismatch?.dataClasses, 3862)
            XCTAssertTrue("\($0)".contains("--release 2017"), "\($0)")
        }
        // Data read as its own release, or with a class count of its own, is the checkpoint's to decide.
        for (classes, format) in [(4716, YT8MRecordFormat.yt8m2017), (20, .yt8m2018)] {
            XCTAssertThrowsError(try ModelSpec(model: "logistic", size: .paper, numClasses: classes)
                .evaluationSource(paths: ["/no/such/*.tfrecord"], format: format, batchSize: 8)) {
                XCTAssertNil($0 as? VocabularyMismatch, "\($0)")
            }
        }
    }
}

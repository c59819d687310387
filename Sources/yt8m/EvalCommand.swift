import FileIO
import Metrics
import Training
import YT8MData
import ArgumentParser
import Distributed
import NN
import Tensor

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

    /// The checkpoint and one pass over the data (``CheckpointRun``). Under
    /// `mpirun` with several ranks, the pass is shared (`ShardedEvaluation`)
    /// and rank 0 alone makes the synthetic data on first use, writes files
    /// and speaks; `world` is then the ranks' communicator.
    func open() throws -> (run: CheckpointRun, world: MPICommunicator?) {
        if let t = threads { Parallel.threads = t }
        let world = try MPICommunicator.worldOfSeveralRanks()
        let isRoot = world?.isRoot ?? true
        func make() throws -> CheckpointRun {
            try CheckpointRun(checkpoint: checkpoint, data: data, format: formatOptions.format, batchSize: batchSize,
                              progress: isRoot ? ProgressPrinter().callback : nil)
        }
        var run: CheckpointRun
        if let world {
            // The others wait for rank 0 rather than race it to write the synthetic dataset.
            let first = isRoot ? DataParallel.runOrAbort(world) { try make() } : nil
            try world.barrier()
            run = first ?? DataParallel.runOrAbort(world) { try make() }
            run.evaluation = ShardedEvaluation(communicator: world)
            run.writesFiles = isRoot
        } else {
            run = try make()
        }
        // Say so: without --data the numbers are the synthetic set's, not the user's data.
        if run.isSynthetic && isRoot { note("no --data given: reading the embedded synthetic dataset's validation split") }
        return (run, world)
    }
}

/// Runs `body`, and under several ranks ends every rank with a message
/// naming the rank if it throws, so none is left waiting in a collective.
func sharedBetweenRanks(_ world: MPICommunicator?, _ body: () throws -> Void) throws {
    if let world { DataParallel.runOrAbort(world, body) } else { try body() }
}

/// `yt8m eval`: the challenge metrics of a checkpoint on labelled data.
struct Eval: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Score a trained checkpoint: GAP@20, MAP, Hit@1 and PERR over labelled TFRecords.",
        discussion: """
            Frame-level models see every frame (up to the checkpoint's max frames): evaluation is deterministic. \
            On segment-rated files (the 2019 release) a frame-level model is also scored on 5-frame segments: \
            mAP@N over the rated classes, the value `yt8m score` gives the submission of `yt8m predict --segments`.
            """)

    @OptionGroup var options: CheckpointData

    @Option(help: "Segment-rated data: segments per class scored (mAP@N).")
    var topN = SegmentMeanAveragePrecision.kaggleTopN

    @OptionGroup var segmentClassOption: SegmentClassOption

    @OptionGroup var vocabularyOption: VocabularyOption

    @Option(help: "With --vocabulary: the best and the worst classes by AP listed (0: none).")
    var classes = 5

    func validate() throws {
        guard options.batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard topN > 0 else { throw ValidationError("--top-n must be positive, got \(topN)") }
        guard classes >= 0 else { throw ValidationError("--classes must be ≥ 0, got \(classes)") }
    }

    func run() throws {
        let format = options.formatOptions.format
        let rated = try segmentClassOption.ratedClasses(numClasses: format.numClasses)
        let vocabulary = try vocabularyOption.load(numClasses: format.numClasses)
        let (run, world) = try options.open()
        try sharedBetweenRanks(world) { try report(run, rated: rated, vocabulary: vocabulary, speaks: world?.isRoot ?? true) }
    }

    /// Scores the pass and prints the metrics (when `speaks`: rank 0 alone under `mpirun`).
    private func report(_ run: CheckpointRun, rated: SegmentClassList, vocabulary: YT8MVocabulary?, speaks: Bool) throws {
        let r = try run.evaluate()
        let segments = run.scoresSegments ? try run.evaluateSegments(ratedClasses: rated, topN: topN) : nil
        guard speaks else { return }
        print("\(run.spec.model) (\(run.spec.size.rawValue)) on \(r.videoCount) videos")
        print(String(format: "GAP@20 %.4f\nMAP    %.4f\nHit@1  %.4f\nPERR   %.4f",
                     r.globalAveragePrecision, r.meanAveragePrecision, r.hitAtOne, r.precisionAtEqualRecallRate))
        if vocabulary != nil && classes > 0 {
            // Classes with a label in the data, best AP first (ties by index).
            let ranked = r.perClassAveragePrecision.enumerated().compactMap { c, ap in ap.map { (c, $0) } }
                .sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            print("classes by AP@20 (\(ranked.count) with labels):")
            let best = ranked.prefix(classes), worst = ranked.suffix(min(classes, max(0, ranked.count - best.count)))
            for (title, rows) in [("best ", best), ("worst", worst)] {
                for (c, ap) in rows { print("  \(title) \(String(format: "%.4f", ap))  \(vocabulary.label(c))") }
            }
        }
        guard let segments else { return }
        print(String(format: "segment mAP@%d %.4f (%d classes)", topN, segments.meanAveragePrecision, segments.averagePrecisions.count))
    }
}

/// `yt8m predict`: a Kaggle submission CSV from a checkpoint.
struct Predict: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Write a Kaggle submission CSV (VideoId,LabelConfidencePairs; top-k label score pairs).",
        discussion: """
            With --segments (frame-level models), the 2019 segment submission instead (Class,Segments): \
            every video is cut into 5-frame segments, each segment takes part in its --top-k best rated \
            classes, and each rated class lists its --segments-per-class most confident segments.
            """)

    @OptionGroup var options: CheckpointData

    @Option(help: "Output CSV (written atomically).")
    var out: String

    @Option(help: "Label/score pairs per video (with --segments: classes per segment).")
    var topK = 20

    @Flag(help: "Write the 2019 segment submission (Class,Segments) of a frame-level model.")
    var segments = false

    @OptionGroup var segmentClassOption: SegmentClassOption

    @Option(help: "With --segments: segments listed per class.")
    var segmentsPerClass = SegmentMeanAveragePrecision.kaggleTopN

    @OptionGroup var vocabularyOption: VocabularyOption

    func validate() throws {
        guard topK > 0 else { throw ValidationError("--top-k must be positive, got \(topK)") }
        guard segmentsPerClass > 0 else { throw ValidationError("--segments-per-class must be positive, got \(segmentsPerClass)") }
        if !segments && segmentClassOption.segmentClasses != nil { throw ValidationError("--segment-classes needs --segments") }
        if segments && vocabularyOption.vocabulary != nil { throw ValidationError("--vocabulary names the classes of video predictions, not --segments") }
    }

    func run() throws {
        if segments {
            // Read the class list first: a bad file stops before the pass over the data.
            let format = options.formatOptions.format
            let rated = try segmentClassOption.ratedClasses(numClasses: format.numClasses)
            let (run, world) = try options.open()
            try sharedBetweenRanks(world) {
                let count = try run.writeSegmentSubmission(to: out, ratedClasses: rated, classesPerSegment: topK,
                                                           segmentsPerClass: segmentsPerClass)
                if run.writesFiles { note("wrote segment predictions (\(count) segments) to \(out)") }
            }
        } else {
            let vocabulary = try vocabularyOption.load(numClasses: options.formatOptions.format.numClasses)
            let (run, world) = try options.open()
            var videos = 0
            try sharedBetweenRanks(world) { videos = try run.writeSubmission(to: out, topK: topK) }
            guard run.writesFiles else { return }
            note("wrote predictions for \(videos) videos to \(out)")
            if let vocabulary {
                let named = Self.namedPath(out)
                try Self.writeNamed(KaggleSubmission.read(path: out), vocabulary: vocabulary, to: named)
                note("wrote the same predictions with class names to \(named)")
            }
        }
    }

    /// `sub.csv` → `sub.names.tsv`: the readable file beside the submission.
    static func namedPath(_ out: String) -> String {
        (out.hasSuffix(".csv") ? String(out.dropLast(4)) : out) + ".names.tsv"
    }

    /// One line per video and rank: `VideoId, Rank, Index, Name, Score`, tab-separated (names hold commas).
    static func writeNamed(_ rows: [KaggleSubmission.Row], vocabulary: YT8MVocabulary, to path: String) throws {
        let file = try AtomicFileWriter(path: path)
        try file.write("VideoId\tRank\tIndex\tName\tScore\n")
        for row in rows {
            for (rank, p) in row.predictions.enumerated() {
                let name = vocabulary.name(of: p.classIndex).replacingOccurrences(of: "\t", with: " ")
                try file.write("\(row.videoID)\t\(rank + 1)\t\(p.classIndex)\t\(name)\t\(KaggleSubmission.formatScore(p.score))\n")
            }
        }
        try file.commit()
    }
}

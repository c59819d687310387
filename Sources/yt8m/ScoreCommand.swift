import FileIO
import Metrics
import TFRecord
import YT8MData
import Zoo
import ArgumentParser
import Foundation

/// `yt8m score`: the Kaggle metrics of a submission CSV against labels from TFRecord files.
struct Score: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Score a Kaggle submission CSV against labelled TFRecord files.",
        discussion: """
            Prints GAP@k (k = 20), MAP, Hit@1 and PERR as the YouTube-8M starter code defines them, \
            with equal scores ordered by (video, class) ascending. Every labelled video is scored; \
            one missing from the CSV counts as having no predictions. Rows for unknown videos are \
            ignored. Both cases are reported on standard error (and are errors with --strict).
            """)

    @Option(help: "Submission CSV (header VideoId,LabelConfidencePairs).")
    var predictions: String

    @Option(parsing: .upToNextOption, help: "Labelled TFRecord files, directories or glob patterns.")
    var labels: [String]

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: "Predictions per video used for GAP and MAP.")
    var topK: Int = 20

    @Flag(help: "Fail if the CSV misses labelled videos or lists unknown ones.")
    var strict = false

    @Flag(help: "Skip records with bad checksums in the label files instead of failing.")
    var skipCorrupt = false

    func validate() throws {
        guard topK > 0 else { throw ValidationError("--top-k must be positive, got \(topK)") }
        guard !labels.isEmpty else { throw ValidationError("--labels needs at least one path") }
    }

    func run() throws {
        let format = formatOptions.format
        let files = try RecordFileDiscovery.files(for: labels)
        let truth = try YT8MLabels(files: files, format: format, skipCorrupt: skipCorrupt)
        let rows = try KaggleSubmission.read(path: predictions)
        let score = try SubmissionScore(rows: rows, labels: truth.entries.map { ($0.id, $0.labels) }, numClasses: format.numClasses, topK: topK)

        let warnings = [
            (score.missingVideoIDs, "labelled videos have no row in \(predictions)"),
            (score.unknownVideoIDs, "rows of \(predictions) are for videos not in the labels"),
        ]
        for (ids, what) in warnings where !ids.isEmpty {
            let examples = ids.prefix(5).joined(separator: ", ")
            writeToStandardError("\(strict ? "error" : "warning"): \(ids.count) \(what) (e.g. \(examples))\n")
        }
        if truth.corruptRecordCount > 0 {
            writeToStandardError("warning: skipped \(truth.corruptRecordCount) corrupt label records\n")
        }
        if strict && (!score.missingVideoIDs.isEmpty || !score.unknownVideoIDs.isEmpty) {
            throw ExitCode.failure
        }
        let r = score.result
        print("videos: \(r.videoCount)")
        print(String(format: "GAP@%d: %.6f", topK, r.globalAveragePrecision))
        print(String(format: "MAP:    %.6f", r.meanAveragePrecision))
        print(String(format: "Hit@1:  %.6f", r.hitAtOne))
        print(String(format: "PERR:   %.6f", r.precisionAtEqualRecallRate))
    }
}

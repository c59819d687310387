import FileIO
import Metrics
import TFRecord
import YT8MData
import Training
import Zoo
import ArgumentParser
import Foundation

/// `yt8m score`: the Kaggle metrics of a submission CSV against labels from TFRecord files.
struct Score: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Score a Kaggle submission CSV against labelled TFRecord files.",
        discussion: """
            The submission's header says its kind. A video submission (VideoId,LabelConfidencePairs) \
            gets GAP@k (k = 20), MAP, Hit@1 and PERR as the YouTube-8M starter code defines them, \
            with equal scores ordered by (video, class) ascending. Every labelled video is scored; \
            one missing from the CSV counts as having no predictions. Rows for unknown videos are \
            ignored. Both cases are reported on standard error (and are errors with --strict).

            A segment submission (Class,Segments, the 2019 task) gets mAP@N (N = 100,000) against \
            the segment ratings of segment-rated frame-level files, as the starter's \
            segment_eval_inference.py computes it: per rated class, its first N segments, of which \
            only those rated for the class count. Rated classes missing from the submission are \
            reported (and are errors with --strict).
            """)

    @Option(help: "Submission CSV (header VideoId,LabelConfidencePairs or Class,Segments).")
    var predictions: String

    @Option(parsing: .upToNextOption, help: "Labelled TFRecord files, directories or glob patterns.")
    var labels: [String]

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: "Predictions per video used for GAP and MAP.")
    var topK: Int = 20

    @Option(help: "Segment submissions: segments per class scored (mAP@N).")
    var topN: Int = SegmentMeanAveragePrecision.kaggleTopN

    @OptionGroup var segmentClassOption: SegmentClassOption

    @Flag(help: "Fail if the CSV misses labelled videos or rated classes, or lists unknown videos.")
    var strict = false

    @Flag(help: "Skip records with bad checksums in the label files instead of failing.")
    var skipCorrupt = false

    func validate() throws {
        guard topK > 0 else { throw ValidationError("--top-k must be positive, got \(topK)") }
        guard topN > 0 else { throw ValidationError("--top-n must be positive, got \(topN)") }
        guard !labels.isEmpty else { throw ValidationError("--labels needs at least one path") }
    }

    func run() throws {
        try requireOneProcess("score")
        let format = formatOptions.format
        let text = try submissionText()
        let isSegmentSubmission = text.split(whereSeparator: \.isNewline).first?
            .trimmingCharacters(in: .whitespaces) == SegmentSubmission.header
        let rated = try segmentClassOption.ratedClasses(numClasses: format.numClasses)
        let files = try RecordFileDiscovery.files(for: labels)
        let truth = try YT8MLabels(files: files, format: format, skipCorrupt: skipCorrupt)
        if truth.corruptRecordCount > 0 {
            writeToStandardError("warning: skipped \(truth.corruptRecordCount) corrupt label records\n")
        }
        if isSegmentSubmission {
            try scoreSegments(SegmentSubmission.parse(text, path: predictions), truth: truth, rated: rated)
        } else {
            try scoreVideos(KaggleSubmission.parse(text, path: predictions), truth: truth, format: format)
        }
    }

    private func submissionText() throws -> String {
        let bytes = try readWholeFile(predictions)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw SubmissionError(path: predictions, line: 0, problem: .invalidUTF8)
        }
        return text
    }

    private func scoreSegments(_ ranking: SegmentRanking, truth: YT8MLabels, rated: SegmentClassList) throws {
        let ratings = SegmentRatingSet(labels: truth)
        guard ratings.count > 0 else { throw MetricsError(problem: .noSegmentRatings(videos: truth.entries.count)) }
        let result = SegmentMeanAveragePrecision.compute(ranking: ranking, ratings: ratings, topN: topN, ratedClasses: rated.set)
        let ignored = ranking.segmentsByClass.keys.filter { !rated.set.contains($0) }.sorted()
        // Missing rated classes fail a --strict run; rows for unrated classes never do.
        let reports = [
            (result.missingClasses, strict, "rated classes have no row in \(predictions) and are not averaged"),
            (ignored, false, "rows of \(predictions) are for classes that are not rated and are ignored"),
        ]
        for (classes, isError, what) in reports where !classes.isEmpty {
            let examples = classes.prefix(5).map(String.init).joined(separator: ", ")
            writeToStandardError("\(isError ? "error" : "warning"): \(classes.count) \(what) (e.g. \(examples))\n")
        }
        if strict && !result.missingClasses.isEmpty { throw ExitCode.failure }
        let positives = ratings.positives.values.reduce(0, +)
        print("rated segments: \(ratings.count) (\(positives) positive) in \(truth.entries.count) videos")
        print("classes averaged: \(result.averagePrecisions.count) (\(result.classesWithoutPositives.count) without a positive rating)")
        print(String(format: "mAP@%d: %.6f", topN, result.meanAveragePrecision))
    }

    private func scoreVideos(_ rows: [KaggleSubmission.Row], truth: YT8MLabels, format: YT8MRecordFormat) throws {
        let score = try SubmissionScore(rows: rows, labels: truth.entries.map { ($0.id, $0.labels) }, numClasses: format.numClasses, topK: topK)

        let warnings = [
            (score.missingVideoIDs, "labelled videos have no row in \(predictions)"),
            (score.unknownVideoIDs, "rows of \(predictions) are for videos not in the labels"),
        ]
        for (ids, what) in warnings where !ids.isEmpty {
            let examples = ids.prefix(5).joined(separator: ", ")
            writeToStandardError("\(strict ? "error" : "warning"): \(ids.count) \(what) (e.g. \(examples))\n")
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

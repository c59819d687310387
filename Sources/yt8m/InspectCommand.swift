import FileIO
import TFRecord
import Tensor
import YT8MData
import ArgumentParser
import Foundation
import Zoo

/// `yt8m inspect`: statistics and integrity check of YouTube-8M TFRecord files.
struct Inspect: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Check and summarise YouTube-8M TFRecord files.",
        discussion: """
            Reads every record, verifies both TFRecord checksums, decodes each record at its \
            detected level (video-level Example or frame-level SequenceExample) and checks it \
            against the release's keys and sizes. Prints record counts, labels and frames per \
            video, and the most frequent labels. Corrupt or invalid records are counted and the \
            first ones listed on standard error; the exit status is then 2.

            PATH may be a file, a directory (its *.tfrecord files) or a quoted glob pattern.
            """)

    @Argument(help: "TFRecord files, directories or glob patterns.")
    var paths: [String]

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: "Number of most frequent labels to list.")
    var top: Int = 10

    @OptionGroup var vocabularyOption: VocabularyOption

    func run() throws {
        let vocabulary = try vocabularyOption.load(numClasses: formatOptions.format.numClasses)
        let files = try RecordFileDiscovery.files(for: paths)
        var stats = YT8MDatasetStatistics(format: formatOptions.format)
        for file in files {
            try stats.add(file: file)
        }
        print(InspectReport(stats: stats, top: top, vocabulary: vocabulary).text, terminator: "")
        for problem in stats.problems {
            writeToStandardError("problem: \(problem)\n")
        }
        if stats.problemCount > stats.problems.count {
            writeToStandardError("… and \(stats.problemCount - stats.problems.count) more problems\n")
        }
        if stats.corruptRecords + stats.invalidRecords > 0 {
            throw ExitCode(2)
        }
    }
}

/// The text `yt8m inspect` prints for a set of statistics.
struct InspectReport {
    let stats: YT8MDatasetStatistics
    let top: Int
    var vocabulary: YT8MVocabulary? = nil

    var text: String {
        var out = ""
        let nameWidth = stats.files.map(\.path.count).max() ?? 0
        for file in stats.files {
            var line = file.path.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            line += "  \(file.validRecords) records"
            if file.corruptRecords > 0 { line += ", \(file.corruptRecords) corrupt" }
            if file.invalidRecords > 0 { line += ", \(file.invalidRecords) invalid" }
            if file.stoppedEarly != nil { line += " (framing lost: rest of file unreadable)" }
            out += line + "\n"
        }
        let valid = stats.videoLevelRecords + stats.frameLevelRecords
        out += "\nfiles: \(stats.files.count)  records: \(valid) valid, \(stats.corruptRecords) corrupt, "
            + "\(stats.invalidRecords) invalid\n"
        let level: String
        switch (stats.videoLevelRecords > 0, stats.frameLevelRecords > 0) {
        case (true, false): level = "video level (tf.train.Example)"
        case (false, true): level = "frame level (tf.train.SequenceExample)"
        case (true, true): level = "mixed: \(stats.videoLevelRecords) video level, \(stats.frameLevelRecords) frame level"
        case (false, false): level = "none (no valid records)"
        }
        out += "level: \(level)\n"
        let labels = stats.labelsPerVideo
        if labels.count > 0 {
            out += "labels per video: min \(labels.minimum), mean \(fixed(labels.mean, 2)), max \(labels.maximum)\n"
        }
        let frames = stats.framesPerVideo
        if frames.count > 0 {
            out += "frames per video: min \(frames.minimum), mean \(fixed(frames.mean, 1)), max \(frames.maximum)"
            if stats.frameCountMismatches > 0 {
                out += " (\(stats.frameCountMismatches) videos with differing frame counts across features)"
            }
            out += "\n"
        }
        let most = stats.topLabels(top)
        if !most.isEmpty {
            out += "top labels (class: videos):\n"
            for entry in most {
                let share = 100 * Double(entry.count) / Double(max(valid, 1))
                out += "  \(vocabulary.label(entry.label)): \(entry.count) (\(fixed(share, 1))%)\n"
            }
        }
        return out
    }

    private func fixed(_ value: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

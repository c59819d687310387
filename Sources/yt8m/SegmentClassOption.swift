import ArgumentParser
import YT8MData

/// `--segment-classes FILE`: the rated classes of the 2019 segment task,
/// shared by the commands that score or write segments.
struct SegmentClassOption: ParsableArguments {
    @Option(help: "Segments: the rated classes, one index per line after an Index header (default: the starter's 1,000).")
    var segmentClasses: String?

    /// The list the file gives, or the starter's classes below `numClasses`
    /// (all of them for the real vocabulary); read before any data so a bad
    /// file stops early.
    func ratedClasses(numClasses: Int) throws -> SegmentClassList {
        try segmentClasses.map { try SegmentClassList.read(path: $0, numClasses: numClasses) }
            ?? SegmentClassList.starter.below(numClasses)
    }
}

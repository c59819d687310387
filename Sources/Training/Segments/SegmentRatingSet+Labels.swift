import Metrics
import YT8MData

extension SegmentRatingSet {
    /// The ratings of segment-rated label files, keyed by the starter's
    /// `VIDEO:START` segment ids.
    public init(labels: YT8MLabels) {
        self.init()
        for entry in labels.entries {
            for rating in entry.segmentRatings {
                add(segmentID: SegmentRating.segmentID(video: entry.id, startTime: rating.startTime),
                    classIndex: rating.label, positive: rating.positive)
            }
        }
    }
}

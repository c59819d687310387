/// Invalid input to the evaluation metrics, naming the video (0-based over everything accumulated)
/// and the class or count involved.
public struct MetricsError: Error, CustomStringConvertible, Equatable {
    /// What was wrong.
    public enum Problem: Equatable {
        /// `predictions.count` is not `videos × numClasses`.
        case predictionCountMismatch(predictions: Int, videos: Int, numClasses: Int)
        /// Sparse predictions and label lists have different numbers of videos.
        case videoCountMismatch(predictions: Int, labels: Int)
        /// A label outside `0..<numClasses`.
        case labelOutOfRange(label: Int, numClasses: Int)
        /// A predicted class outside `0..<numClasses`.
        case classOutOfRange(classIndex: Int, numClasses: Int)
        /// A class listed twice in one video's sparse predictions.
        case duplicateClass(classIndex: Int)
        /// A NaN score.
        case nanScore(classIndex: Int)
        /// None of the videos accumulated has a label: every metric would be 0 and mean nothing.
        case noLabels(videos: Int)
        /// None of the videos has a segment rating: segment mAP needs the segment-rated files.
        case noSegmentRatings(videos: Int)
    }

    /// The video's index over all videos accumulated so far, when the problem concerns one video.
    public var videoIndex: Int?
    /// What was wrong.
    public var problem: Problem

    /// Creates an error.
    public init(videoIndex: Int? = nil, problem: Problem) {
        self.videoIndex = videoIndex
        self.problem = problem
    }

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        let video = videoIndex.map { "video \($0): " } ?? ""
        switch problem {
        case .predictionCountMismatch(let predictions, let videos, let numClasses):
            return "\(video)\(predictions) prediction values for \(videos) videos × \(numClasses) classes (= \(videos * numClasses))"
        case .videoCountMismatch(let predictions, let labels):
            return "\(video)predictions for \(predictions) videos but labels for \(labels)"
        case .labelOutOfRange(let label, let numClasses):
            return "\(video)label \(label) is outside 0..<\(numClasses)"
        case .classOutOfRange(let classIndex, let numClasses):
            return "\(video)predicted class \(classIndex) is outside 0..<\(numClasses)"
        case .duplicateClass(let classIndex):
            return "\(video)class \(classIndex) is predicted twice"
        case .nanScore(let classIndex):
            return "\(video)score of class \(classIndex) is NaN"
        case .noLabels(let videos):
            return "none of the \(videos) videos has a label (records without a labels feature, such as a test split?): there is nothing to score against"
        case .noSegmentRatings(let videos):
            return "none of the \(videos) videos has segment ratings (segment_labels): segments are scored against the segment-rated frame-level files"
        }
    }
}

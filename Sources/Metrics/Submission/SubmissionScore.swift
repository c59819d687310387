/// Scores a Kaggle submission against ground-truth labels with `EvaluationMetrics` (sparse input:
/// each row's listed pairs, the first `topK` of them by the ranking rule).
///
/// Every labelled video is evaluated, in label order; a labelled video absent from the submission
/// counts as having no predictions (it can only lower the metrics). Submission rows whose id is not
/// in the labels are ignored and counted.
public struct SubmissionScore: Sendable {
    /// The metrics over all labelled videos.
    public var result: EvaluationResult
    /// Labelled videos that had no row in the submission.
    public var missingVideoIDs: [String]
    /// Submission rows whose video id is not among the labels.
    public var unknownVideoIDs: [String]

    /// Scores `rows` against `labels`, the ground truth as (video id, class indices) in the order
    /// the videos are evaluated. Throws `MetricsError` for classes or labels outside
    /// `0..<numClasses` (the video index counts labelled videos in order).
    public init(rows: [KaggleSubmission.Row], labels: [(id: String, labels: [Int])], numClasses: Int, topK: Int = 20) throws {
        var byID: [String: Int] = [:]
        for (index, row) in rows.enumerated() { byID[row.videoID] = index }
        var metrics = EvaluationMetrics(numClasses: numClasses, topK: topK)
        var missing: [String] = []
        var batchPredictions: [[ClassScore]] = []
        var batchLabels: [[Int]] = []
        for entry in labels {
            if let index = byID.removeValue(forKey: entry.id) {
                batchPredictions.append(rows[index].predictions)
            } else {
                missing.append(entry.id)
                batchPredictions.append([])
            }
            batchLabels.append(entry.labels)
            if batchLabels.count == 4096 {
                try metrics.accumulate(sparsePredictions: batchPredictions, labels: batchLabels)
                batchPredictions.removeAll(keepingCapacity: true)
                batchLabels.removeAll(keepingCapacity: true)
            }
        }
        try metrics.accumulate(sparsePredictions: batchPredictions, labels: batchLabels)
        result = metrics.result()
        missingVideoIDs = missing
        unknownVideoIDs = rows.map(\.videoID).filter { byID[$0] != nil }
    }
}

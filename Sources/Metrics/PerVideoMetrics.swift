/// The per-video metrics of google/youtube-8m `eval_util.py`, averaged over videos by
/// `EvaluationMetrics`.
public enum PerVideoMetrics {
    /// Hit@1 (`calculate_hit_at_one`): 1 if the top-ranked class is a positive, else 0. The top
    /// class is the argmax with the lowest index on ties (as `numpy.argmax`). No prediction → 0.
    public static func hitAtOne(ranked: [ClassScore], isPositive: (Int) -> Bool) -> Double {
        guard let top = ranked.first else { return 0 }
        return isPositive(top.classIndex) ? 1 : 0
    }

    /// Precision at equal recall rate (`calculate_precision_at_equal_recall_rate`): with L positives,
    /// `PERR = |{c ∈ top-L : score_c > 0 and c positive}| / L`. `topL` must hold the L best-ranked
    /// classes (fewer if the prediction is sparse: missing classes count as misses). L = 0 → 0,
    /// matching the starter, whose `argpartition(…, -0)` selects every class and finds no positive.
    public static func precisionAtEqualRecallRate(topL: [ClassScore], positiveCount: Int,
                                                  isPositive: (Int) -> Bool) -> Double {
        guard positiveCount > 0 else { return 0 }
        var hits = 0
        for entry in topL.prefix(positiveCount) where entry.score > 0 && isPositive(entry.classIndex) {
            hits += 1
        }
        return Double(hits) / Double(positiveCount)
    }
}

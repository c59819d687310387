/// Average precision of a ranked list, as google/youtube-8m `average_precision_calculator.py`
/// `ap_at_n(n=None)` computes it:
/// `AP = (1/numPositives) · Σ_{i : label_i} (positives among ranks 1…i) / i`, ranks 1-based,
/// with `numPositives` counting every positive of the evaluation set (also those never ranked), so
/// missed positives lower the AP. `numPositives == 0` gives 0.
///
/// Ties: items are ranked by score descending; equal scores keep their input order (the starter
/// orders them by a seeded shuffle instead, so tied results can differ; tie-free inputs agree).
public enum AveragePrecision {
    /// AP of `scores` with binary `labels`; `numPositives` defaults to the positives in `labels`.
    public static func compute(scores: [Float], labels: [Bool], numPositives: Int? = nil) -> Double {
        precondition(scores.count == labels.count,
                     "AveragePrecision: \(scores.count) scores but \(labels.count) labels")
        let total = numPositives ?? labels.lazy.filter { $0 }.count
        guard total > 0 else { return 0 }
        let order = scores.indices.sorted { a, b in
            scores[a] > scores[b] || (scores[a] == scores[b] && a < b)
        }
        var positives = 0
        var sum = 0.0
        for (rank, index) in order.enumerated() where labels[index] {
            positives += 1
            sum += Double(positives) / Double(rank + 1)
        }
        return sum / Double(total)
    }
}

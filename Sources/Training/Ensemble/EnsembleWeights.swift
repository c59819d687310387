import Metrics
import Tensor

/// Ensembling by a weighted average of models' predictions, the weights
/// found by random search on a validation set (the 2018 teams weighted
/// their models; miha's graph ensemble takes weights summing to 1).
///
/// Candidates are the equal weighting, each model alone, and `trials`
/// draws from a flat Dirichlet distribution (weights ≥ 0 summing to 1); the
/// one with the highest validation GAP@k wins. Since the single models are
/// candidates, the result is never worse than the best single model on the
/// validation set.
public enum EnsembleWeights {
    /// The winning weighting of a ``search(predictions:labels:numClasses:trials:topK:seed:)``.
    public struct SearchResult: Sendable {
        /// One weight per model, in the order of the predictions (≥ 0, summing to 1).
        public let weights: [Double]
        /// GAP@k of the weighted average on the validation videos.
        public let validationGAP: Double
        /// GAP of each model alone, for the report.
        public let singleModelGAP: [Double]
        /// Weightings tried: the equal one, each model alone, and the random draws.
        public let trials: Int
    }

    /// Σ wₘ·pₘ over row-major [videos, classes] predictions.
    public static func average(_ predictions: [[Float]], weights: [Double]) -> [Float] {
        precondition(!predictions.isEmpty && predictions.count == weights.count,
                     "EnsembleWeights.average: \(predictions.count) prediction sets for \(weights.count) weights")
        let n = predictions[0].count
        precondition(predictions.allSatisfy { $0.count == n }, "EnsembleWeights.average: prediction sets differ in size")
        var out = [Float](repeating: 0, count: n)
        for (p, w) in zip(predictions, weights) where w != 0 {
            let wf = Float(w)
            for i in 0..<n { out[i] += wf * p[i] }
        }
        return out
    }

    /// GAP@k of a prediction set.
    static func gap(_ p: [Float], labels: [[Int]], numClasses: Int, topK: Int) throws -> Double {
        var m = EvaluationMetrics(numClasses: numClasses, topK: topK)
        try m.accumulate(predictions: p, labels: labels)
        return m.result().globalAveragePrecision
    }

    /// Finds weights for `predictions` (one row-major [videos, classes] array
    /// per model, all on the same validation videos) that maximise GAP@k.
    public static func search(predictions: [[Float]], labels: [[Int]], numClasses: Int, trials: Int = 200,
                              topK: Int = 20, seed: UInt64 = 0) throws -> SearchResult {
        let m = predictions.count
        precondition(m >= 1, "EnsembleWeights.search: needs at least one model")
        var rng = RandomGenerator(seed: seed)
        var candidates: [[Double]] = [[Double](repeating: 1 / Double(m), count: m)]
        for j in 0..<m { candidates.append((0..<m).map { $0 == j ? 1 : 0 }) }
        for _ in 0..<trials {
            let g = (0..<m).map { _ in rng.gamma(shape: 1) }
            let total = g.reduce(0, +)
            candidates.append(g.map { $0 / total })
        }
        var best = (weights: candidates[0], gap: -Double.infinity)
        var singles = [Double](repeating: 0, count: m)
        for (i, w) in candidates.enumerated() {
            let g = try gap(average(predictions, weights: w), labels: labels, numClasses: numClasses, topK: topK)
            if (1...m).contains(i) { singles[i - 1] = g }
            if g > best.gap { best = (w, g) }
        }
        return SearchResult(weights: best.weights, validationGAP: best.gap, singleModelGAP: singles, trials: candidates.count)
    }
}

import Tensor

extension Tensor {
    /// Cosine similarity of each row with the one before it along `axis`,
    /// rows being vectors over the last axis: for [..., T, D] (axis −2) gives
    /// [..., T − 1] with cos(x_t, x_{t−1}) = ⟨x_t, x_{t−1}⟩ / max(‖x_t‖·‖x_{t−1}‖, ε)
    /// for t = 1..<T (the formula of `torch.nn.functional.cosine_similarity`),
    /// so a zero row gives 0.
    ///
    /// The frame-to-frame similarity statistic of frame-level features (the
    /// dataset computes it from the quantized bytes; this is its reference
    /// on dequantized frames), composed from Tensor's public ops.
    public func neighbourCosineSimilarity(axis: Int = -2, epsilon: Double = 1e-8) -> Tensor {
        precondition(dtype.isFloatingPoint, "neighbourCosineSimilarity: needs float32 or float64, got \(dtype)")
        precondition(axis >= -rank && axis < rank, "neighbourCosineSimilarity: axis \(axis) is out of range for shape \(shape)")
        let a = axis < 0 ? axis + rank : axis
        precondition(a < rank - 1, "neighbourCosineSimilarity: the time axis \(axis) must come before the last (feature) axis of shape \(shape)")
        let steps = shape[a]
        precondition(steps >= 1, "neighbourCosineSimilarity: time axis \(axis) of shape \(shape) is empty")
        let current = sliced(axis: a, range: 1..<steps), previous = sliced(axis: a, range: 0..<(steps - 1))
        let dot = (current * previous).sum(axes: [rank - 1])
        let norms = sqrt((current * current).sum(axes: [rank - 1])) * sqrt((previous * previous).sum(axes: [rank - 1]))
        return dot / maximum(norms, epsilon)
    }
}

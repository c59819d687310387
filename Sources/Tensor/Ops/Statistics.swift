/// Statistics composed from primitives (sum, max, arithmetic, exp, log,
/// sqrt), so their gradients come for free.
extension Tensor {
    /// Variance over `axes` (all axes when empty): Σ(x − x̄)² / (N − 1) when
    /// `unbiased` (Bessel's correction, `torch.var`'s default), Σ(x − x̄)² / N
    /// otherwise (`np.var`). N = 1 with `unbiased` gives NaN, as in PyTorch.
    public func variance(axes: [Int] = [], keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        requireFloat("variance")
        let ax = normalizedAxes(axes, op: "variance")
        let n = ax.map { shape[$0] }.reduce(1, *)
        let centred = self - mean(axes: ax, keepDims: true)
        return pow(centred, 2).sum(axes: ax, keepDims: keepDims) / Double(unbiased ? n - 1 : n)
    }

    /// Variance along one axis (see ``variance(axes:keepDims:unbiased:)``).
    public func variance(axis: Int, keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        variance(axes: [axis], keepDims: keepDims, unbiased: unbiased)
    }

    /// Standard deviation over `axes`: √variance, with the same `unbiased`
    /// convention (`torch.std`). Its gradient is infinite where it is 0.
    public func std(axes: [Int] = [], keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        sqrt(variance(axes: axes, keepDims: keepDims, unbiased: unbiased))
    }

    /// Standard deviation along one axis (see ``std(axes:keepDims:unbiased:)``).
    public func std(axis: Int, keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        std(axes: [axis], keepDims: keepDims, unbiased: unbiased)
    }

    /// log Σ exp(x) over `axes` (all axes when empty), shifted by the maximum
    /// so it never overflows: m + log Σ exp(x − m), m = max x (held constant,
    /// so the gradient is softmax(x)). As `torch.logsumexp`: −∞ for all −∞
    /// slices, +∞ when a +∞ is present.
    public func logsumexp(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        requireFloat("logsumexp")
        let ax = normalizedAxes(axes, op: "logsumexp")
        var kept = shape
        for a in ax { kept[a] = 1 }
        var m: Tensor
        if ax.contains(where: { shape[$0] == 0 }) {
            m = Tensor.zeros(kept, dtype: dtype)
        } else {
            m = withoutGrad { max(self, axes: ax, keepDims: true) }.detached()
            // An infinite shift would give ∞ − ∞; shifting those slices by 0 keeps their ±∞.
            m.makeUnique()
            if dtype == .float32 {
                let p = m.pointer(Float.self)
                for i in 0..<m.count where !p[i].isFinite && !p[i].isNaN { p[i] = 0 }
            } else {
                let p = m.pointer(Double.self)
                for i in 0..<m.count where !p[i].isFinite && !p[i].isNaN { p[i] = 0 }
            }
        }
        let y = log(exp(self - m).sum(axes: ax, keepDims: true)) + m
        return keepDims ? y : y.reshaped(to: shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element))
    }

    /// log Σ exp(x) along one axis (see ``logsumexp(axes:keepDims:)``).
    public func logsumexp(axis: Int, keepDims: Bool = false) -> Tensor { logsumexp(axes: [axis], keepDims: keepDims) }

    /// Euclidean norm over `axes` (all axes when empty): ‖x‖₂ = √(Σ x²), as
    /// `torch.linalg.vector_norm(x, 2, dim)`. The gradient x/‖x‖ is NaN where
    /// ‖x‖ = 0; ``l2Normalize(_:axis:epsilon:)`` guards that case with ε.
    public func norm(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        requireFloat("norm")
        return sqrt(pow(self, 2).sum(axes: axes, keepDims: keepDims))
    }

    /// Euclidean norm along one axis (see ``norm(axes:keepDims:)``).
    public func norm(axis: Int, keepDims: Bool = false) -> Tensor { norm(axes: [axis], keepDims: keepDims) }
}

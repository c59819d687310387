import Tensor

/// Gradient clipping.
public enum GradientClipping {
    /// ‖g‖, the L2 norm of every parameter's gradient together (parameters
    /// without a gradient count for nothing).
    public static func globalNorm(_ parameters: [Parameter]) -> Double {
        let grads = parameters.compactMap(\.grad)
        return withoutGrad { grads.reduce(0.0) { $0 + ($1 * $1).sum().scalar } }.squareRoot()
    }

    /// Scales all gradients by min(1, maxNorm / ‖g‖) where ‖g‖ is the L2 norm
    /// of every gradient together (PyTorch's clip_grad_norm_). Returns ‖g‖.
    @discardableResult
    public static func clipByGlobalNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
        let total = globalNorm(parameters)
        let scale = maxNorm / (total + 1e-6)
        if scale < 1 { withoutGrad { for p in parameters { if let g = p.grad { p.value.grad = g * scale } } } }
        return total
    }

    /// Clips each gradient tensor to norm ≤ maxNorm separately (TensorFlow's
    /// clip_by_norm, used by the YouTube-8M starter code).
    public static func clipEachByNorm(_ parameters: [Parameter], maxNorm: Double) {
        withoutGrad {
            for p in parameters {
                guard let g = p.grad else { continue }
                let norm = (g * g).sum().scalar.squareRoot()
                if norm > maxNorm { p.value.grad = g * (maxNorm / norm) }
            }
        }
    }
}

/// Scales x to unit L2 norm along `axis` as TensorFlow's `tf.nn.l2_normalize`
/// (used by the YouTube-8M starter code): x · rsqrt(max(Σ x², ε)), so rows
/// with Σ x² < ε are scaled by 1/√ε instead of divided by ~0 (zero rows stay 0).
public func l2Normalize(_ x: Tensor, axis: Int = -1, epsilon: Double = 1e-12) -> Tensor {
    l2Normalize(x, axes: [axis], epsilon: epsilon)
}

/// ``l2Normalize(_:axis:epsilon:)`` over several axes at once (all axes when
/// empty), as `tf.nn.l2_normalize` with a list of axes.
public func l2Normalize(_ x: Tensor, axes: [Int], epsilon: Double = 1e-12) -> Tensor {
    x.requireFloat("l2Normalize")
    precondition(epsilon > 0, "l2Normalize: epsilon must be positive, got \(epsilon) (input \(x.shape))")
    let squareSum = pow(x, 2).sum(axes: axes, keepDims: true)
    return x * rsqrt(maximum(squareSum, epsilon))
}

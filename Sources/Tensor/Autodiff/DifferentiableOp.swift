/// Tensor's list of differentiable primitives. Every op of Tensor that
/// records a pullback names itself with a case of this enum, so an op cannot
/// be recorded without being on the list, and the test suite fails when a
/// case has no gradient check. Composite ops (mean, variance, softmax cross-
/// entropy, conv1d, …) are built from these and get their gradients for free.
/// Other modules declare their own lists (``DifferentiablePrimitive``) and
/// record through the same ``Tensor/record(_:_:_:_:)``.
public enum DifferentiableOp: String, CaseIterable, Sendable {
    /// Arithmetic with broadcasting: `+`, `−`, `*`, `/`, `pow`, `maximum`, `minimum` and `where`.
    case add, subtract, multiply, divide, pow, maximum, minimum, `where`
    /// Unary functions: negation, exp, log, log(1 + x), √x, 1/√x, |x|, sign, clamping and a constant power.
    case negate, exp, log, log1p, sqrt, rsqrt, abs, sign, clamp, power
    /// Activations.
    case relu, leakyRelu, elu, sigmoid, tanh, softplus, gelu
    /// Type conversion between float32 and float64.
    case converted
    /// Shape and indexing.
    case reshape, broadcast, permute, slice, concat, reverse, pad, indexSelect, gather, maskedSelect
    /// Reductions (and softmax and log-softmax over an axis).
    case sum, max, min, softmax, logSoftmax
    /// Normalisation of each row along the last axis (``layerNormalize(_:epsilon:)``).
    case layerNorm
    /// Matrix products and the im2col unfolding convolutions are built on.
    case matmul, im2col
}

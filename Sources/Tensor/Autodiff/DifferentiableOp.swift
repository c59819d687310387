/// Tensor's list of differentiable primitives. Every op of Tensor that
/// records a pullback names itself with a case of this enum, so an op cannot
/// be recorded without being on the list, and the test suite fails when a
/// case has no gradient check. Composite ops (mean, variance, softmax cross-
/// entropy, conv1d, …) are built from these and get their gradients for free.
/// Other modules declare their own lists (``DifferentiablePrimitive``) and
/// record through the same ``Tensor/record(_:_:_:_:)``.
public enum DifferentiableOp: String, CaseIterable, Sendable {
    // Arithmetic with broadcasting
    case add, subtract, multiply, divide, pow, maximum, minimum, `where`
    // Unary functions and activations
    case negate, exp, log, log1p, sqrt, rsqrt, abs, sign, clamp, power
    case relu, leakyRelu, elu, sigmoid, tanh, softplus, gelu
    // Type conversion between float32 and float64
    case converted
    // Shape and indexing
    case reshape, broadcast, permute, slice, concat, reverse, pad, indexSelect, gather, maskedSelect
    // Reductions
    case sum, max, min, softmax, logSoftmax
    // Linear algebra and convolution
    case matmul, im2col
}

import Tensor

/// y = x·Wᵀ + b with W stored [out, in] as in PyTorch. Inputs of any rank
/// [..., in] (a time-distributed [B, T, in] is one GEMM over B·T rows).
public final class Linear: Module, Layer {
    /// W, [outFeatures, inFeatures] (PyTorch's layout).
    public let weight: Parameter
    /// b, [outFeatures], or nil without a bias.
    public let bias: Parameter?

    /// - Parameters:
    ///   - inFeatures: width of each input row.
    ///   - outFeatures: width of each output row.
    ///   - bias: whether to learn a bias b.
    ///   - weightInit: defaults to PyTorch's U(−1/√in, 1/√in), as is the bias.
    ///   - biasInit: the bias initialiser; nil for PyTorch's U(−1/√in, 1/√in).
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                weightInit: Initializer = .lecunUniformTorch, biasInit: Initializer? = nil,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear: sizes must be positive, got \(inFeatures) → \(outFeatures)")
        weight = Parameter(weightInit.make([outFeatures, inFeatures], dtype: dtype, using: &rng))
        self.bias = bias
            ? Parameter((biasInit ?? .lecunUniformTorch).make([outFeatures], dtype: dtype, using: &rng, fanIn: inFeatures))
            : nil
    }

    /// Width of each input row.
    public var inFeatures: Int { weight.shape[1] }
    /// Width of each output row.
    public var outFeatures: Int { weight.shape[0] }

    /// y = x·Wᵀ + b for x [..., inFeatures].
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1 && x.shape[x.rank - 1] == inFeatures,
                     "Linear: input \(x.shape) does not end in \(inFeatures) features (weight \(weight.shape))")
        let y = matmul(x, weight.value, transposeB: true)
        return bias.map { y + $0.value } ?? y
    }
}

import Tensor

/// The fully connected block of the ResNet-like MLPs (Samsung `FCBlock`,
/// n01z3 `fc_block1`): y = Dropout(LeakyReLU(BN(W·x + b))), LeakyReLU
/// slope 0.01 (PyTorch's default, used by Samsung; Keras' default in n01z3
/// is 0.3). Linear and batch norm with PyTorch's defaults and initialisation.
/// Inputs [B, in] (or [B, T, in]).
public final class FCBlock: Module, Layer {
    /// The linear layer.
    public let linear: Linear
    /// The batch norm after it.
    public let batchNorm: BatchNorm
    /// The dropout after the activation.
    public let dropout: Dropout
    /// Slope of the LeakyReLU below 0.
    public let negativeSlope: Double

    /// - Parameters:
    ///   - inFeatures: width of each input row.
    ///   - outFeatures: width of each output row.
    ///   - dropout: drop probability after the activation, training only (the reference's 0.5).
    ///   - negativeSlope: slope of the LeakyReLU for negative inputs (the reference's 0.01).
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: initialises the linear layer and seeds the dropout mask stream.
    public init(_ inFeatures: Int, _ outFeatures: Int, dropout: Double = 0.5, negativeSlope: Double = 0.01,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        linear = Linear(inFeatures, outFeatures, dtype: dtype, rng: &rng)
        batchNorm = BatchNorm(outFeatures, dtype: dtype)
        self.dropout = Dropout(dropout, seed: rng.next())
        self.negativeSlope = negativeSlope
    }

    /// Width of each input row.
    public var inFeatures: Int { linear.inFeatures }
    /// Width of each output row.
    public var outFeatures: Int { linear.outFeatures }

    /// Dropout(LeakyReLU(BN(Linear(x)))) for x [N, inFeatures].
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[x.rank - 1] == inFeatures,
                     "FCBlock: input \(x.shape) does not end in \(inFeatures) features")
        return dropout(leakyRelu(batchNorm(linear(x)), slope: negativeSlope))
    }
}

/// The identity block of the ResNet-like MLPs (Samsung `Identity(outer,
/// inner)`, n01z3 `fc_identity`; docs/zoo.md):
/// y = LeakyReLU(x + W₂·FCBlock(x) + b₂) with FCBlock outer → inner and
/// W₂ inner → outer, so input and output are both `outer` wide.
public final class ResidualIdentityBlock: Module, Layer {
    /// The inner FCBlock, outer → inner.
    public let block: FCBlock
    /// The projection back, inner → outer.
    public let projection: Linear
    /// Slope of the LeakyReLU below 0.
    public let negativeSlope: Double

    /// An identity block over `outer` features with an `inner`-wide FCBlock.
    public init(outer: Int, inner: Int, dropout: Double = 0.5, negativeSlope: Double = 0.01,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        block = FCBlock(outer, inner, dropout: dropout, negativeSlope: negativeSlope, dtype: dtype, rng: &rng)
        projection = Linear(inner, outer, dtype: dtype, rng: &rng)
        self.negativeSlope = negativeSlope
    }

    /// Width of the input and the output.
    public var features: Int { projection.outFeatures }

    /// LeakyReLU(x + W₂·FCBlock(x) + b₂) for x [N, features].
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[x.rank - 1] == features,
                     "ResidualIdentityBlock: input \(x.shape) does not end in \(features) features")
        return leakyRelu(x + projection(block(x)), slope: negativeSlope)
    }
}

import Tensor

/// One branch body of a ``MergeAndRunBlock``:
/// H(x) = W₂·Dropout(LeakyReLU(BN(W₁·x + b₁))) + b₂, features → inner → features.
public final class MergeAndRunBranch: Module, Layer {
    /// The branch's FCBlock, features → inner.
    public let block: FCBlock
    /// The branch's output layer, inner → features.
    public let output: Linear

    /// A branch from `features` to `inner` and back.
    public init(features: Int, inner: Int, dropout: Double, negativeSlope: Double,
                dtype: DType, rng: inout RandomGenerator) {
        block = FCBlock(features, inner, dropout: dropout, negativeSlope: negativeSlope, dtype: dtype, rng: &rng)
        output = Linear(inner, features, dtype: dtype, rng: &rng)
    }

    /// The branch's output for x [N, features].
    public func forward(_ x: Tensor) -> Tensor { output(block(x)) }
}

/// Merge-and-run block (Zhao et al., DMRNet, arXiv 1611.07718), fully
/// connected as the project decides (docs/zoo.md "Project decisions", §3.16):
/// m = (x_a + x_b)/2, x_a' = H_a(x_a) + m, x_b' = H_b(x_b) + m, with each
/// branch body H = Linear → BatchNorm → LeakyReLU → Dropout → Linear
/// (``MergeAndRunBranch``). No activation after the sum, as in the paper's
/// merge-and-run mapping. No reference code was found; the math follows the
/// paper. Both streams are [B, features]; `inner` defaults to `features`.
public final class MergeAndRunBlock: Module {
    /// The branch of the first stream.
    public let branchA: MergeAndRunBranch
    /// The branch of the second stream.
    public let branchB: MergeAndRunBranch

    /// A merge-and-run block over two streams of `features` features (`inner`, the branches' hidden width, defaults to `features`).
    public init(features: Int, inner: Int? = nil, dropout: Double = 0.5, negativeSlope: Double = 0.01,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        let inner = inner ?? features
        branchA = MergeAndRunBranch(features: features, inner: inner, dropout: dropout, negativeSlope: negativeSlope,
                                    dtype: dtype, rng: &rng)
        branchB = MergeAndRunBranch(features: features, inner: inner, dropout: dropout, negativeSlope: negativeSlope,
                                    dtype: dtype, rng: &rng)
    }

    /// Width of each stream.
    public var features: Int { branchA.output.outFeatures }

    /// (x_a, x_b) → (H_a(x_a) + m, H_b(x_b) + m), m = (x_a + x_b)/2.
    public func callAsFunction(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        precondition(a.shape == b.shape && a.rank >= 2 && a.shape[a.rank - 1] == features,
                     "MergeAndRunBlock: streams \(a.shape) and \(b.shape) must both be [batch, \(features)]")
        let merged = (a + b) * 0.5
        return (branchA(a) + merged, branchB(b) + merged)
    }
}

import Tensor

/// Mixup (Zhang et al. 2018) as the Samsung 2018 recipe applies it: each
/// example i gets its own λᵢ ~ Beta(α, α) and is mixed with a partner
/// example j (a seeded random permutation of the batch):
/// x'ᵢ = λᵢ·xᵢ + (1 − λᵢ)·xⱼ for every input, and the targets likewise
/// (soft multi-label targets).
public struct Mixup {
    /// α of the Beta(α, α) distribution each λ is drawn from.
    public let alpha: Double
    var rng: RandomGenerator

    /// The generator's state (32 bytes), so a checkpoint can store it and a
    /// resumed run draws the same partners and λ as an uninterrupted one.
    public var generatorState: [UInt8] {
        get { rng.stateBytes }
        set { rng = RandomGenerator(stateBytes: newValue) }
    }

    /// Mixup with α = `alpha`, its partners and λ drawn from a generator seeded with `seed`.
    public init(alpha: Double, seed: UInt64 = 0x3A1) {
        precondition(alpha > 0, "Mixup: α must be positive, got \(alpha)")
        self.alpha = alpha
        rng = RandomGenerator(seed: seed)
    }

    /// Mixes a batch: every tensor in `inputs` and `targets` has the batch on
    /// axis 0. Returns the mixed inputs, the mixed targets and the λ used.
    public mutating func callAsFunction(inputs: [Tensor], targets: Tensor) -> (inputs: [Tensor], targets: Tensor, lambda: [Double]) {
        let b = targets.shape[0]
        for x in inputs {
            precondition(x.shape.first == b, "Mixup: input \(x.shape) and targets \(targets.shape) differ in batch size")
        }
        var partner = Array(0..<b)
        rng.shuffle(&partner)
        let lambda = (0..<b).map { _ in rng.beta(alpha, alpha) }
        func mix(_ x: Tensor) -> Tensor {
            let shape = [b] + [Int](repeating: 1, count: x.rank - 1)
            let l = Tensor(lambda, shape: shape).converted(to: x.dtype)
            return x * l + x.indexSelect(axis: 0, indices: partner) * (1 - l)
        }
        return (inputs.map(mix), mix(targets), lambda)
    }
}

import Tensor

/// Inverted dropout: in training, each element is zeroed with probability
/// p and the rest scaled by 1/(1−p); identity in evaluation mode.
public final class Dropout: Module, Layer {
    public let probability: Double
    var rng: RandomGenerator

    public init(_ probability: Double, seed: UInt64 = 0xD0) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability must be in [0, 1), got \(probability)")
        self.probability = probability
        rng = RandomGenerator(seed: seed)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return x }
        let keep = Tensor.bernoulli(x.shape, probability: 1 - probability, dtype: x.dtype, using: &rng)
        return x * (keep * (1 / (1 - probability)))
    }
}

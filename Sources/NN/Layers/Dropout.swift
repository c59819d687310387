import Tensor

/// Inverted dropout: in training, each element is zeroed with probability
/// p and the rest scaled by 1/(1−p); identity in evaluation mode.
///
/// The random state lives in a non-persistent buffer (32 bytes): a training
/// checkpoint restores the exact masks a resumed run would have drawn, and
/// the state dict holds nothing, as PyTorch's `Dropout`. Inside
/// ``ExampleRows/with(_:pass:_:)`` (the trainer's forward passes) every
/// example's mask comes from a stream keyed by the layer's seed, the pass,
/// the call and the example's row of the global batch, so data-parallel
/// ranks and micro-batches drop exactly what one process training the whole
/// batch drops.
public final class Dropout: Module, Layer {
    /// p, the probability of zeroing each element in training.
    public let probability: Double
    /// The mask generator's state, a non-persistent buffer: saved in training checkpoints, not in the state dict.
    public let rngState: Buffer

    /// Dropout with probability `probability`, its masks drawn from a generator seeded with `seed`.
    public init(_ probability: Double, seed: UInt64 = 0xD0) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability must be in [0, 1), got \(probability)")
        self.probability = probability
        rngState = Buffer(Tensor(RandomGenerator(seed: seed).stateBytes, shape: [32]), persistent: false)
    }

    /// In training, x with each element zeroed with probability p and the rest scaled by 1/(1 − p); x itself in evaluation.
    public func forward(_ x: Tensor) -> Tensor {
        guard isTraining, probability > 0 else { return x }
        var rng = RandomGenerator(stateBytes: rngState.value.scalars(as: UInt8.self))
        if let context = ExampleRows.current, !context.rows.isEmpty, x.count % context.rows.count == 0 {
            // Keyed by layer, pass, call and row; the generator state stays as it is (the
            // pass key, the trainer's step, already moves on every step).
            let key = context.nextKey(for: self, seed: rng.next())
            let keep = Tensor.bernoulli(x.shape, probability: 1 - probability, dtype: x.dtype, key: key, rows: context.rows)
            return x * (keep * (1 / (1 - probability)))
        }
        let keep = Tensor.bernoulli(x.shape, probability: 1 - probability, dtype: x.dtype, using: &rng)
        rngState.value = Tensor(rng.stateBytes, shape: [32])
        return x * (keep * (1 / (1 - probability)))
    }
}

import NN
import Tensor

/// Samsung 2018's fully connected classifier `FCN` (twoleggedeye/youtube8m
/// sequence_models/models.py): Linear → Dropout → ReLU for each hidden size,
/// then Linear(→ C). AttentionNet, EarlyConcatLSTM and LSTM-bi-attention
/// keep its hidden layers as `fcnLayers` and `dropouts` and the last Linear
/// as `classifier` (their state-dict names); the last hidden activation is
/// their features.
enum SamsungFCN {
    /// The layers from `inputSize` through `sizes` to `numClasses`: each hidden
    /// Linear is initialised from `rng`, then its dropout's seed drawn; the
    /// classifier comes last.
    static func build(inputSize: Int, sizes: [Int], dropout: Double, numClasses: Int, rng: inout RandomGenerator)
        -> (hidden: [Linear], dropouts: [Dropout], classifier: Linear) {
        var hidden: [Linear] = [], dropouts: [Dropout] = []
        for (i, size) in sizes.enumerated() {
            hidden.append(Linear(i == 0 ? inputSize : sizes[i - 1], size, rng: &rng))
            dropouts.append(Dropout(dropout, seed: rng.next()))
        }
        return (hidden, dropouts, Linear(sizes.last ?? inputSize, numClasses, rng: &rng))
    }

    /// `h` through every hidden layer: ReLU(Dropout(Linear(h))).
    static func hidden(_ input: Tensor, layers: [Linear], dropouts: [Dropout]) -> Tensor {
        var h = input
        for (linear, dropout) in zip(layers, dropouts) { h = relu(dropout(linear(h))) }
        return h
    }
}

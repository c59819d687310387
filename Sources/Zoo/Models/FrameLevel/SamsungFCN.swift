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

    /// The layers `config` sizes (its `fcnSizes` and `dropout`).
    static func build(inputSize: Int, config: some SamsungFCNConfig, numClasses: Int, rng: inout RandomGenerator)
        -> (hidden: [Linear], dropouts: [Dropout], classifier: Linear) {
        build(inputSize: inputSize, sizes: config.fcnSizes, dropout: config.dropout, numClasses: numClasses, rng: &rng)
    }

    /// `h` through every hidden layer: ReLU(Dropout(Linear(h))).
    static func hidden(_ input: Tensor, layers: [Linear], dropouts: [Dropout]) -> Tensor {
        var h = input
        for (linear, dropout) in zip(layers, dropouts) { h = relu(dropout(linear(h))) }
        return h
    }
}

/// The fields of a configuration that sizes a Samsung FCN: hidden sizes and dropout.
public protocol SamsungFCNConfig {
    /// Hidden sizes of the FCN classifier.
    var fcnSizes: [Int] { get }
    /// Dropout after each hidden FCN layer.
    var dropout: Double { get }
}

/// A zoo model ending in Samsung's FCN (AttentionNet, EarlyConcatLSTM,
/// LSTM-bi-attention): hidden layers `fcnLayers` with their `dropouts`, then
/// the final Linear `classifier`; its features are the last hidden activation.
public protocol SamsungFCNModel: LinearClassifierModel {
    var fcnLayers: [Linear] { get }
    var dropouts: [Dropout] { get }
}

extension SamsungFCNModel {
    /// `h` through the FCN's hidden layers: ReLU(Dropout(Linear(h))) each, the model's features.
    func fcnFeatures(_ h: Tensor) -> Tensor { SamsungFCN.hidden(h, layers: fcnLayers, dropouts: dropouts) }

    /// `h` through `batchNorm` (when there is one), then the FCN's hidden
    /// layers: the features of the models that normalise their pooled vector
    /// before the FCN (AttentionNet, LSTM-bi-attention).
    func fcnFeatures(_ h: Tensor, batchNorm: BatchNorm?) -> Tensor { fcnFeatures(batchNorm.map { $0(h) } ?? h) }
}

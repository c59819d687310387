import NN
import Tensor
import Zoo

/// The final stage of Samsung's 2018 pipeline: a classifier trained over the
/// concatenated penultimate layers (`ZooModel.features(_:)`) of frozen zoo
/// models. Its input is a video-level row of `inputSize` features;
/// BatchNorm first puts the members' representations, which live on very
/// different scales (pooled descriptors, LSTM states, hidden activations),
/// on one scale; then hidden layers Linear → BatchNorm → ReLU → Dropout and
/// a Linear to the classes' logits.
public final class FinalClassifier: Module, ZooModel {
    /// The classifier's hidden layers and dropout.
    public struct Config: Codable, Sendable, Equatable {
        /// Widths of the hidden layers; empty gives a logistic classifier on the normalised features.
        public var hiddenSizes = [1024]
        /// Dropout after each hidden layer.
        public var dropout = 0.5
        /// Hidden layers of `hiddenSizes` (default one of 1024) with `dropout` (default 0.5) after each.
        public init(hiddenSizes: [Int] = [1024], dropout: Double = 0.5) {
            self.hiddenSizes = hiddenSizes
            self.dropout = dropout
        }
    }

    /// Video level: one row of stacked member features per video.
    public let level = InputLevel.video
    /// Classes scored (the logits' width).
    public let numClasses: Int
    /// Width of an input row: the members' feature widths summed.
    public let inputSize: Int
    /// The BatchNorm over the input features, before the hidden layers.
    public let inputNorm: BatchNorm
    /// The hidden layers, Linear → BatchNorm → ReLU → Dropout each (empty without hidden sizes).
    public let hidden: Sequential
    /// The Linear from the last hidden width (or the input) to the classes' logits.
    public let output: Linear

    /// A classifier of `inputSize`-wide rows into `numClasses` classes, shaped
    /// by `config`, its weights in `dtype` drawn from `rng`.
    public init(inputSize: Int, numClasses: Int, config: Config = Config(), dtype: DType = .float32,
                rng: inout RandomGenerator) {
        precondition(inputSize > 0 && numClasses > 0 && config.hiddenSizes.allSatisfy { $0 > 0 },
                     "FinalClassifier: sizes must be positive, got input \(inputSize), hidden \(config.hiddenSizes), \(numClasses) classes")
        self.numClasses = numClasses
        self.inputSize = inputSize
        inputNorm = BatchNorm(inputSize, dtype: dtype)
        var layers: [any Layer] = []
        var width = inputSize
        for (k, size) in config.hiddenSizes.enumerated() {
            layers += [Linear(width, size, dtype: dtype, rng: &rng), BatchNorm(size, dtype: dtype), Function.relu,
                       Dropout(config.dropout, seed: 0xF1 &+ UInt64(k))]
            width = size
        }
        hidden = Sequential(layers)
        output = Linear(width, numClasses, dtype: dtype, rng: &rng)
    }

    /// (in + 1)·h + 2h per hidden layer (BatchNorm γ, β), 2·in for the input BatchNorm, (last + 1)·C for the output.
    public static func parameterCount(inputSize: Int, numClasses: Int, config: Config) -> Int {
        var width = inputSize, n = 2 * inputSize
        for size in config.hiddenSizes {
            n += (width + 1) * size + 2 * size
            width = size
        }
        return n + (width + 1) * numClasses
    }

    /// Width of ``features(_:)``: the last hidden layer's (the input size without hidden layers).
    public var featureCount: Int { output.inFeatures }

    /// The last hidden layer's activations [B, featureCount].
    public func features(_ input: ModelInput) -> Tensor {
        precondition(input.features.rank == 2 && input.featureSize == inputSize,
                     "FinalClassifier: input \(input.features.shape) is not [batch, \(inputSize)] (the members' features concatenated)")
        return hidden(inputNorm(input.features))
    }

    /// Logits [B, numClasses] from the last hidden layer's activations.
    public func classify(_ features: Tensor) -> ModelOutput {
        checkFeatures(features)
        return .logits(output(features))
    }

    /// The output layer's bias set to logit(q), so the probabilities are `prior` for features of zero.
    public func initializeOutputBias(toPrior prior: [Double]) { output.initializeOutputBias(toPrior: prior) }
}

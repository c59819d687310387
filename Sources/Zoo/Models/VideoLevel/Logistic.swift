import NN
import Tensor

/// The starter code's LogisticModel (video level): logits = W·x + b over
/// the 1152-d video vector; and FrameLevelLogisticModel over the mean of the
/// valid frames. Features: that vector or mean (the classifier's input). The starter's L2 penalty of 1e-8 on W is the optimizer's
/// weight decay in our recipes.
public final class LogisticModel: Module, LinearClassifierModel {
    /// The zoo's `logistic` entry (``ModelZoo/entries``).
    static let videoZooEntry = ZooEntry.make(
        "logistic", level: .video,
        summary: "Logistic regression over mean_rgb ⊕ mean_audio (starter code LogisticModel)",
        recipe: Recipe(batchSize: 1024, learningRate: 0.01),
        build: { LogisticModel($0, level: .video, numClasses: $1, rng: &$2) })

    /// The zoo's `frame-logistic` entry (``ModelZoo/entries``).
    static let frameZooEntry = ZooEntry.make(
        "frame-logistic", level: .frame,
        summary: "Logistic regression over the mean of the valid frames (starter code FrameLevelLogisticModel)",
        recipe: .starter(frames: .all),
        build: { LogisticModel($0, level: .frame, numClasses: $1, rng: &$2) })

    public let level: InputLevel
    public let numClasses: Int
    let transform: InputTransform
    public let classifier: Linear

    public init(_ config: Config = Config(), level: InputLevel = .video, numClasses: Int, rng: inout RandomGenerator) {
        self.level = level
        self.numClasses = numClasses
        transform = config.transform
        classifier = Linear(config.inputSize, numClasses, rng: &rng)
    }

    /// The transformed video vector [B, inputSize] (video level), or the mean
    /// of the transformed valid frames (frame level).
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        switch level {
        case .video: return x.features
        case .frame: return maskedMean(x.features, mask: x.lengths.map { SequenceMask(lengths: $0, time: x.features.shape[1]) })
        }
    }
}

extension LogisticModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        public var inputSize = 1152
        public var transform = InputTransform.l2
        public init() {}
    }
}

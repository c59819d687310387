import NN
import Tensor

/// The starter code's LogisticModel (video level): logits = W·x + b over
/// the 1152-d video vector; and FrameLevelLogisticModel over the mean of the
/// valid frames. Features: that vector or mean (the classifier's input). The starter's L2 penalty of 1e-8 on W is the optimizer's
/// weight decay in our recipes.
public final class LogisticModel: ZooModelBase, LinearClassifierModel {
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

    /// The Linear(inputSize → C) over the video vector or frame mean.
    public let classifier: Linear

    /// Builds the model at `level` (video vectors or frames) for `numClasses` classes, drawing its weights from `rng`.
    public init(_ config: Config = Config(), level: InputLevel = .video, numClasses: Int, rng: inout RandomGenerator) {
        classifier = Linear(config.inputSize, numClasses, rng: &rng)
        super.init(level: level, numClasses: numClasses, transform: config.transform)
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
        /// Features per video or frame (mean_rgb ⊕ mean_audio: 1152).
        public var inputSize = 1152
        /// The input transform: L2-normalise each feature row (the starter's).
        public var transform = InputTransform.l2
        /// Every field at the default given above.
        public init() {}
    }
}

import NN
import Tensor

/// The starter code's LogisticModel (video level): logits = W·x + b over
/// the 1152-d video vector; and FrameLevelLogisticModel over the mean of the
/// valid frames. The starter's L2 penalty of 1e-8 on W is the optimizer's
/// weight decay in our recipes.
public final class LogisticModel: Module, ZooModel {
    public struct Config: Codable, Sendable {
        public var inputSize = 1152
        public var transform = InputTransform.l2
        public init() {}
    }

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

    public func callAsFunction(_ input: ModelInput) -> ModelOutput {
        let x = transform.apply(input)
        switch level {
        case .video: return .logits(classifier(x.features))
        case .frame: return .logits(classifier(meanOverValidFrames(x.features, lengths: x.lengths)))
        }
    }
}

/// Σ over the valid frames / their number, for [B, T, D] (padding rows excluded).
public func meanOverValidFrames(_ frames: Tensor, lengths: [Int]?) -> Tensor {
    precondition(frames.rank == 3, "meanOverValidFrames: needs [batch, frames, features], got \(frames.shape)")
    let b = frames.shape[0], t = frames.shape[1]
    guard let lengths else { return frames.mean(axis: 1) }
    // Padding rows are zero after dequantisation, but a transform or a layer
    // may have changed them: mask explicitly.
    var mask = [Float](repeating: 0, count: b * t)
    for (i, n) in lengths.enumerated() { for j in 0..<n { mask[i * t + j] = 1 } }
    let m = Tensor(mask, shape: [b, t, 1]).converted(to: frames.dtype)
    let counts = Tensor(lengths.map { Float($0) }, shape: [b, 1]).converted(to: frames.dtype)
    return (frames * m).sum(axis: 1) / counts
}

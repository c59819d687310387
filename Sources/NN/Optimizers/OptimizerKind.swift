import Tensor
/// Which optimizer a run uses. Configurations and recipes written before
/// this choice existed have no `optimizer` field and decode as Adam.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Adam with TensorFlow/PyTorch defaults (β₁ 0.9, β₂ 0.999, ε 1e-8): the starter code, WILLOW, miha, most Samsung configs.
    case adam
    /// RMSprop with PyTorch's defaults (α 0.99, ε 1e-8): Samsung's LSTM-bi-attention (configs 27/28).
    case rmsprop
    /// SGD with heavy-ball momentum 0.9 (`torch.optim.SGD(momentum=0.9)`). Its
    /// update is linear in the gradient, so float rounding in a gradient moves
    /// the weights by as little; Adam and RMSprop divide each gradient by its
    /// own size, and a nearly cancelled one moves its weight by a
    /// rounding-dependent share of the learning rate.
    case sgd

    /// The name used in recipes and on the command line.
    public var description: String { rawValue }

    /// The optimizer over `module`'s parameters; `weightDecay` is L2 added to the gradient in both.
    public func make(_ module: Module, learningRate: Double, weightDecay: Double = 0) -> any Optimizer {
        switch self {
        case .adam: return Adam(module, learningRate: learningRate, weightDecay: weightDecay)
        case .rmsprop: return RMSprop(module, learningRate: learningRate, weightDecay: weightDecay)
        case .sgd: return SGD(module, learningRate: learningRate, momentum: 0.9, weightDecay: weightDecay)
        }
    }
}

extension KeyedDecodingContainer {
    /// A missing optimizer field decodes as Adam, the only optimizer before
    /// the field existed; the synthesized decoders of `TrainingConfig` and
    /// `Recipe` pick this overload, so their other fields stay required.
    public func decode(_ type: OptimizerKind.Type, forKey key: Key) throws -> OptimizerKind {
        try decodeIfPresent(type, forKey: key) ?? .adam
    }
}


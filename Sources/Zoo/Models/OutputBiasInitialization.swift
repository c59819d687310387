/// How a training run that starts afresh initialises the bias of a model's
/// final classifier (a recipe's ``Recipe/outputBias``).
public enum OutputBiasInitialization: String, Codable, Sendable, CaseIterable {
    /// The reference's initialisers, as the model is built (zero expert biases
    /// for the mixtures of experts, the layers' own initialisers otherwise).
    case asBuilt = "as-built"
    /// The bias set so that the initial class probabilities are the label
    /// frequencies of the training data (``ZooModel/initializeOutputBias(toPrior:)``),
    /// instead of about 1/2 (a logistic layer) or 1/3 (a MoE of 2 experts):
    /// a head that must first learn that labels are rare can make a recurrent
    /// network saturate its state into a constant bias and stop reading its input.
    case labelPrior = "prior"
}

extension KeyedDecodingContainer {
    /// A missing output-bias field decodes as ``OutputBiasInitialization/asBuilt``,
    /// the only initialisation before the field existed; the synthesized decoder
    /// of ``Recipe`` picks this overload, so its other fields stay required.
    public func decode(_ type: OutputBiasInitialization.Type, forKey key: Key) throws -> OutputBiasInitialization {
        try decodeIfPresent(type, forKey: key) ?? .asBuilt
    }
}

import NN
import Tensor

/// Whether a model reads one vector per video or a sequence of frames.
public enum InputLevel: String, Codable, Sendable {
    /// [batch, 1152]: mean_rgb ⊕ mean_audio.
    case video
    /// [batch, frames, 1152] with the number of valid frames per video.
    case frame
}

/// A batch as a model sees it.
public struct ModelInput {
    /// [B, D] for video-level models, [B, T, D] for frame-level models; the
    /// last axis is rgb (first `rgbSize`) followed by audio.
    public var features: Tensor
    /// Valid frames per video (frame level); nil for video-level input.
    public var lengths: [Int]?
    /// Width of the rgb part of the last axis (1024 in YouTube-8M).
    public var rgbSize: Int

    /// A batch of `features`, with the valid frames of each video for frame-level input; checks the shapes.
    public init(features: Tensor, lengths: [Int]? = nil, rgbSize: Int = 1024) {
        precondition(features.rank == 2 || features.rank == 3,
                     "ModelInput: features must be [batch, features] or [batch, frames, features], got \(features.shape)")
        if let lengths {
            precondition(features.rank == 3 && lengths.count == features.shape[0]
                         && lengths.allSatisfy { $0 >= 1 && $0 <= features.shape[1] },
                         "ModelInput: lengths \(lengths.prefix(8))… must give 1…\(features.rank == 3 ? features.shape[1] : 0) frames for each of \(features.shape[0]) videos")
        }
        self.features = features
        self.lengths = lengths
        self.rgbSize = rgbSize
    }

    /// B, videos in the batch.
    public var batchSize: Int { features.shape[0] }
    /// Width of the last axis (rgb + audio).
    public var featureSize: Int { features.shape[features.rank - 1] }
    /// The rgb part of the last axis.
    public var rgb: Tensor { features.sliced(axis: -1, range: 0..<rgbSize) }
    /// The audio part of the last axis.
    public var audio: Tensor { features.sliced(axis: -1, range: rgbSize..<featureSize) }
}

/// What a model produces: logits (sigmoid gives the class probabilities), or
/// probabilities directly (mixture-of-experts heads). The loss uses the
/// matching form, so nothing passes through a sigmoid twice.
public enum ModelOutput {
    /// Logits [B, C]: sigmoid gives the probabilities.
    case logits(Tensor)
    /// Probabilities [B, C] in (0, 1).
    case probabilities(Tensor)

    /// Class probabilities [B, C].
    public var probabilities: Tensor {
        switch self {
        case .logits(let l): return sigmoid(l)
        case .probabilities(let p): return p
        }
    }
}

/// A model of the zoo: a module that maps a batch of videos to class scores,
/// in two parts: a feature extractor, ``features(_:)``, that turns a batch
/// into one vector per video, and a classifier, ``classify(_:)``, that turns
/// those vectors into class scores. `model(input)` is
/// `classify(features(input))`.
///
/// The split is at the input of the model's last classification layer or
/// head (its penultimate representation), so a second-stage classifier can
/// be trained over the representations of frozen models (the Samsung 2018
/// final stage):
/// - when the head is a mixture of experts or a logistic layer, the
///   features are the head's input: the (transformed) input vector of the
///   video-level MoE and logistic models, the mean of the frames of the
///   frame-level logistic model, the hidden vector of DBoF, the final
///   states of the recurrent models;
/// - after a learnable pooling (NetVLAD, NetRVLAD, NetFV, soft DBoF) they
///   are the pooled descriptor after the hidden layer (and its context
///   gating) that comes before the MoE;
/// - when the head is a fully connected network (the ResNet-like FCBlock →
///   Linear(inner → C), the Samsung FCN 4096 → 2048 → C of EarlyConcatLSTM
///   or AttentionNet), they are the last hidden activation before the final
///   Linear → C; anything after that Linear (context gating of the logits
///   or probabilities) belongs to the classifier.
public protocol ZooModel: Module {
    var level: InputLevel { get }
    var numClasses: Int { get }
    /// Width of the video representation ``features(_:)`` returns.
    var featureCount: Int { get }
    /// The video representation the model's final classifier reads:
    /// [B, featureCount], the penultimate layer (see ``ZooModel``).
    func features(_ input: ModelInput) -> Tensor
    /// Class scores (logits or probabilities, as the model's head gives
    /// them) from a representation [B, featureCount].
    func classify(_ features: Tensor) -> ModelOutput
    /// Sets the bias of the model's final classifier so that its initial
    /// class probabilities are `prior` (one per class, in (0, 1): the label
    /// frequencies) for features of zero, whether the model outputs logits
    /// or probabilities; the weights stay as built. Models whose last layer
    /// cannot give every class its own probability document what they do.
    func initializeOutputBias(toPrior prior: [Double])
}

extension ZooModel {
    /// Class scores of a batch: `classify(features(input))`.
    public func callAsFunction(_ input: ModelInput) -> ModelOutput { classify(features(input)) }

    /// Stops with a message naming the model when `features` is not [batch, featureCount].
    public func checkFeatures(_ features: Tensor) {
        precondition(features.rank == 2 && features.shape[1] == featureCount,
                     "\(Self.self).classify: features \(features.shape) are not [batch, \(featureCount)]")
    }
}

/// The input transform applied before a model (docs/zoo.md, "Project decisions").
public enum InputTransform: String, Codable, Sendable, CaseIterable {
    /// L2-normalise each feature row (the 1152-d video vector, or each frame),
    /// as the starter code's `tf.nn.l2_normalize`; padding rows stay zero.
    case l2 = "l2"
    /// Feed features as they are (the Samsung models).
    case none

    /// The batch with the transform applied to its features.
    public func apply(_ input: ModelInput) -> ModelInput {
        switch self {
        case .none: return input
        case .l2:
            var out = input
            out.features = l2Normalize(input.features, axis: -1)
            return out
        }
    }
}

/// The stored part every zoo model shares: the input level it reads, its
/// number of classes and the input transform its ``ZooModel/features(_:)``
/// applies to a batch first. A zoo model subclasses it (instead of `Module`)
/// and calls ``init(level:numClasses:transform:)`` once its own layers are
/// built. None of the three is a parameter, buffer or module, so they add
/// nothing to the state dict and draw nothing from the random generator.
open class ZooModelBase: Module {
    /// Whether the model reads video-level vectors or frame sequences.
    public let level: InputLevel
    /// C, the number of classes the model scores.
    public let numClasses: Int
    /// The transform applied to a batch before the model reads it (its
    /// configuration's `transform`).
    public let transform: InputTransform

    /// Stores what every zoo model knows about its input and output.
    public init(level: InputLevel, numClasses: Int, transform: InputTransform) {
        self.level = level
        self.numClasses = numClasses
        self.transform = transform
        super.init()
    }
}

/// The last layer or head of a zoo model as ``ZooModel/classify(_:)`` runs
/// it on the features: a `Linear` (logits), a `MixtureOfExperts`
/// (probabilities) or a ``RecurrentClassifier`` (either).
public protocol ZooClassifierLayer {
    /// Width of the representation the layer reads.
    var inFeatures: Int { get }
    /// Class scores [B, C] of representations [B, inFeatures].
    func classScores(_ features: Tensor) -> ModelOutput
    /// Sets the layer's output bias so that its class probabilities for a
    /// zero representation are `prior` (`Linear.initializeOutputBias(toPrior:)`:
    /// bias logit(q); `MixtureOfExperts.initializeOutputBias(toPrior:)`: expert
    /// biases for a uniform gate).
    func initializeOutputBias(toPrior prior: [Double])
}

extension Linear: ZooClassifierLayer {
    /// Logits W·x + b.
    public func classScores(_ features: Tensor) -> ModelOutput { .logits(self(features)) }
}

extension MixtureOfExperts: ZooClassifierLayer {
    /// The mixture's (gated) probabilities.
    public func classScores(_ features: Tensor) -> ModelOutput { .probabilities(self(features)) }
}

/// A zoo model whose classifier is one layer or head, `classifier`: its
/// features are that layer's input, and ``ZooModel/classify(_:)`` checks
/// them and returns the layer's scores.
public protocol ClassifierLayerModel: ZooModel {
    /// The type of the last layer or head.
    associatedtype Classifier: ZooClassifierLayer
    /// The last layer or head, features → class scores.
    var classifier: Classifier { get }
}

extension ClassifierLayerModel {
    /// The classifier's input width.
    public var featureCount: Int { classifier.inFeatures }

    /// The classifier's scores (logits or probabilities, as it gives them).
    public func classify(_ features: Tensor) -> ModelOutput {
        checkFeatures(features)
        return classifier.classScores(features)
    }

    /// The classifier's output bias set to `prior` (``ZooClassifierLayer/initializeOutputBias(toPrior:)``).
    public func initializeOutputBias(toPrior prior: [Double]) {
        classifier.initializeOutputBias(toPrior: prior)
    }
}

/// A zoo model whose classifier is one `Linear` → C: its features are that
/// layer's input and it outputs logits (the logistic models, the Samsung FCN
/// models, the transformers, FrameConv, DMRNet, the ResNet-like head models).
public protocol LinearClassifierModel: ClassifierLayerModel where Classifier == Linear {}

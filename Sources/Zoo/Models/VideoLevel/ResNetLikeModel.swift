import NN
import Tensor

/// The ResNet-like MLP of Ostyakov et al. 2018 (Samsung,
/// twoleggedeye/youtube8m video_level_nn_models/models.py `ResNetLike`; the
/// same network as n01z3's 2017 `build_mod2`; docs/zoo.md):
/// a = Identity^av(FCBlock(audio)), v = Identity^av(FCBlock(rgb)),
/// logits = W·FCBlock(Identity^concat([a, v])) + b,
/// with FCBlock = Linear → BatchNorm → LeakyReLU(0.01) → Dropout and
/// Identity(x) = LeakyReLU(x + Linear(FCBlock(x))) (`ResidualIdentityBlock`).
///
/// Widths: the audio and video branches are `audioPart`·2·inner/(video +
/// audio parts) and `videoPart`·2·inner/(…) wide (inner each with the
/// default parts 1 : 1), so the concatenation is 2·inner; each concat
/// identity block goes 2·inner → inner → 2·inner; the last FCBlock maps
/// 2·inner → `lastHiddenSize` (= inner in the reference) and a Linear gives
/// the logits. A part of 0 removes that modality's branch: the video-only
/// and audio-only models (the report gives their GAP, not how they were
/// built; this is the reference's own knob, its other branch width 2·inner).
/// `lastHiddenSize` 4 is the report's "bottleneck of 4 neurons". Optional output gating (reference
/// `context_gating`): logits ⊙ σ(W_g·logits + b_g); the reference sizes
/// W_g with the constant 3862 whatever the number of classes, here it is
/// C × C. Features: the last FCBlock's output (`lastHiddenSize` wide); the
/// classifier is the Linear → C and the output gating.
///
/// Defaults (inner 2048, 1 av and 1 concat identity block, dropout 0.5)
/// give 52.3 M parameters at 3862 classes; the report's best single
/// configuration (config0: av 4, concat 4, dropout 0.4) 153.0 M. Samsung
/// models read the features as they are (no L2 normalisation).
public final class ResNetLikeModel: ZooModelBase, ZooModel {
    /// The zoo's `resnet-like`, `resnet-like-video-only`, `resnet-like-audio-only`, `bottleneck` entries (``ModelZoo/entries``).
    static let zooEntries: [ZooEntry] = [
        .make("resnet-like", level: .video,
              summary: "ResNet-like MLP: audio and video FC + identity blocks, concat identity blocks (Samsung 2018 ResNetLike)",
              reportedGAP: "0.86105 with mixup, 0.85846 without (Ostyakov et al. 2018)",
              recipe: .resNetLike,
              small: smallResNetLike,
              build: { ResNetLikeModel($0, numClasses: $1, rng: &$2) }),

        oneModalityEntry("resnet-like-video-only", video: true,
                         summary: "ResNet-like MLP over mean_rgb alone (Samsung ResNetLike, video_part 1, audio_part 0)",
                         reportedGAP: "0.83212 (Ostyakov et al. 2018)"),
        oneModalityEntry("resnet-like-audio-only", video: false,
                         summary: "ResNet-like MLP over mean_audio alone (Samsung ResNetLike, video_part 0, audio_part 1)",
                         reportedGAP: "0.50676 (Ostyakov et al. 2018)"),

        .make("bottleneck", level: .video,
              summary: "ResNet-like MLP squeezed through 4 neurons before the classifier (Samsung 2018 bottleneck experiment)",
              reportedGAP: "0.41079 (Ostyakov et al. 2018)",
              recipe: .resNetLike,
              paper: bottleneck, small: { smallResNetLike(&$0); bottleneck(&$0) },
              build: { ResNetLikeModel($0, numClasses: $1, rng: &$2) }),
    ]

    let config: Config
    /// FCBlock(audio → audio width) then the av identity blocks; empty without the audio branch.
    public let audioBlocks: [any Layer]
    /// FCBlock(rgb → video width) then the av identity blocks; empty without the video branch.
    public let videoBlocks: [any Layer]
    /// Identity blocks (2·inner → inner → 2·inner) after the concatenation.
    public let concatBlocks: [ResidualIdentityBlock]
    /// FCBlock(2·inner → lastHiddenSize).
    public let lastBlock: FCBlock
    /// The Linear(lastHiddenSize → C).
    public let classifier: Linear
    /// The output gate's C × C map with bias, when `contextGating`.
    public let outputGate: Linear?

    /// Builds the model for `numClasses` classes, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), numClasses: Int, rng: inout RandomGenerator) {
        let config = config.validated()
        self.config = config
        let (videoSize, audioSize) = config.branchSizes
        func branch(_ inputs: Int, _ width: Int, rng: inout RandomGenerator) -> [any Layer] {
            guard width > 0 else { return [] }
            var blocks: [any Layer] = [FCBlock(inputs, width, dropout: config.dropout, rng: &rng)]
            for _ in 0..<config.avIdentityBlocks {
                blocks.append(ResidualIdentityBlock(outer: width, inner: width, dropout: config.dropout, rng: &rng))
            }
            return blocks
        }
        // Construction order follows the reference: audio, video, concat, output gate.
        audioBlocks = branch(config.audioFeatures, audioSize, rng: &rng)
        videoBlocks = branch(config.videoFeatures, videoSize, rng: &rng)
        let concatSize = videoSize + audioSize
        concatBlocks = (0..<config.concatIdentityBlocks).map { _ in
            ResidualIdentityBlock(outer: concatSize, inner: config.innerSize, dropout: config.dropout, rng: &rng)
        }
        lastBlock = FCBlock(concatSize, config.lastHiddenSize, dropout: config.dropout, rng: &rng)
        classifier = Linear(config.lastHiddenSize, numClasses, rng: &rng)
        outputGate = config.contextGating ? Linear(numClasses, numClasses, rng: &rng) : nil
        super.init(level: .video, numClasses: numClasses, transform: config.transform)
    }

    /// Features each row must have: video then audio inputs.
    public var inputSize: Int { config.videoFeatures + config.audioFeatures }

    /// The last FCBlock's width (`lastHiddenSize`): the classifier's input.
    public var featureCount: Int { classifier.inFeatures }

    /// The last hidden activation FCBlock(…) [B, lastHiddenSize], before the Linear → C.
    public func features(_ input: ModelInput) -> Tensor {
        precondition(input.features.rank == 2 && input.featureSize == inputSize,
                     "ResNetLike: input \(input.features.shape) is not [batch, \(config.videoFeatures) video + \(config.audioFeatures) audio features]")
        let x = transform.apply(input).features
        var streams: [Tensor] = []
        if !audioBlocks.isEmpty {
            streams.append(audioBlocks.reduce(x.sliced(axis: 1, range: config.videoFeatures..<inputSize)) { $1($0) })
        }
        if !videoBlocks.isEmpty {
            streams.append(videoBlocks.reduce(x.sliced(axis: 1, range: 0..<config.videoFeatures)) { $1($0) })
        }
        // The reference concatenates [audio, video].
        var h = streams.count == 1 ? streams[0] : Tensor.concat(streams, axis: 1)
        for block in concatBlocks { h = block(h) }
        return lastBlock(h)
    }

    /// Logits W·f + b, gated as logits ⊙ σ(W_g·logits + b_g) with `contextGating`.
    public func classify(_ features: Tensor) -> ModelOutput {
        checkFeatures(features)
        let logits = classifier(features)
        return .logits(outputGate.map { logits * sigmoid($0(logits)) } ?? logits)
    }

    /// Sets the classifier's bias so that the probabilities are `prior` for
    /// features of zero. Without output gating, b = logit(q). With it the
    /// logits l = b are multiplied by σ(W_g·b + b_g), which for biases near
    /// logit(q) (≈ −5 for rare classes) is anywhere in (0, 1) from class to
    /// class; the gate's bias is set to −W_g·b so that the gate is 1/2 for
    /// every class, as it is for the logits ≈ 0 of an untrained model, and
    /// b = 2·logit(q), so the gated logits are logit(q). The gate's weights stay as built.
    public func initializeOutputBias(toPrior prior: [Double]) {
        OutputBiasPrior.check(prior, classes: numClasses, layer: "ResNetLikeModel")
        guard let outputGate else { return classifier.initializeOutputBias(toPrior: prior) }
        let b = Tensor(prior.map { 2 * OutputBiasPrior.logit($0) })
        classifier.bias!.assign(b)
        withoutGrad {
            let w = outputGate.weight.value.converted(to: .float64)
            outputGate.bias!.assign(-matmul(b.reshaped(to: [1, numClasses]), w, transposeB: true).reshaped(to: [numClasses]))
        }
    }
}

extension ResNetLikeModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// Features of the video (rgb) branch input: the first `videoFeatures` of each row.
        public var videoFeatures = 1024
        /// Features of the audio branch input: the next `audioFeatures`.
        public var audioFeatures = 128
        /// The reference's `inner_size` (2048): the branches share 2·inner, concat blocks are inner wide inside.
        public var innerSize = 2048
        /// Identity blocks on each modality branch (reference `av_id_block_num`; its default 1).
        public var avIdentityBlocks = 1
        /// Identity blocks after the concatenation (reference `concat_id_block_num`; its default 1).
        public var concatIdentityBlocks = 1
        /// Dropout of every FCBlock (the reference's default 0.5).
        public var dropout = 0.5
        /// The video branch's share of 2·inner (reference `video_part`, its 1); 0 drops the branch.
        public var videoPart = 1
        /// The audio branch's share of 2·inner (reference `audio_part`, its 1); 0 drops the branch.
        public var audioPart = 1
        /// Width of the last FCBlock before the classifier (the reference uses inner, 2048).
        public var lastHiddenSize = 2048
        /// Sigmoid gating of the output logits (reference `context_gating`; off by default).
        public var contextGating = false
        /// The input transform: none, the features as they are (the reference's).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}

        /// Widths of the video and audio branches (0 when a branch is dropped).
        public var branchSizes: (video: Int, audio: Int) {
            let parts = videoPart + audioPart
            return (videoPart * 2 * innerSize / parts, audioPart * 2 * innerSize / parts)
        }

        /// The branch shares must leave a branch and divide 2·inner evenly.
        public func checkConsistency() throws {
            let parts = videoPart + audioPart
            guard parts > 0 else {
                throw ZooConfigurationConflict("videoPart and audioPart are both 0: at least one branch must be used")
            }
            guard (2 * innerSize) % parts == 0 else {
                throw ZooConfigurationConflict("2·innerSize = \(2 * innerSize) does not divide into videoPart + audioPart = \(parts) parts")
            }
        }

        /// Checks the sizes; a message naming the field otherwise.
        public func validated() -> Config {
            precondition(videoPart >= 0 && audioPart >= 0, "ResNetLike: videoPart \(videoPart) and audioPart \(audioPart) must be ≥ 0")
            do { try checkConsistency() } catch { preconditionFailure("ResNetLike: \(error)") }
            precondition(innerSize > 0 && lastHiddenSize > 0 && avIdentityBlocks >= 0 && concatIdentityBlocks >= 0,
                         "ResNetLike: innerSize \(innerSize), lastHiddenSize \(lastHiddenSize) must be positive, block counts \(avIdentityBlocks), \(concatIdentityBlocks) ≥ 0")
            precondition((videoPart == 0 || videoFeatures > 0) && (audioPart == 0 || audioFeatures > 0),
                         "ResNetLike: a branch in use needs input features (video \(videoFeatures), audio \(audioFeatures))")
            return self
        }
    }

    /// The small configuration's widths and dropout: 128 units for 500 classes (the paper's 2048
    /// for 3,862 would be 265) and dropout 0.1, since the paper's 0.5 of 64 units left the network
    /// below a logistic regression at the table's budget.
    private static func smallResNetLike(_ c: inout Config) {
        c.innerSize = 128
        c.lastHiddenSize = 128
        c.dropout = 0.1
    }

    /// The entry of the network over one modality: video alone, or audio alone.
    private static func oneModalityEntry(_ name: String, video: Bool, summary: String, reportedGAP: String) -> ZooEntry {
        .make(name, level: .video, summary: summary, reportedGAP: reportedGAP, recipe: .resNetLike,
              paper: { oneModality(&$0, video: video) },
              small: { smallResNetLike(&$0); oneModality(&$0, video: video) },
              build: { ResNetLikeModel($0, numClasses: $1, rng: &$2) })
    }

    /// Video alone, or audio alone.
    private static func oneModality(_ c: inout Config, video: Bool) {
        c.videoPart = video ? 1 : 0
        c.audioPart = video ? 0 : 1
    }

    /// Four neurons before the classifier.
    private static func bottleneck(_ c: inout Config) {
        c.lastHiddenSize = 4
    }
}

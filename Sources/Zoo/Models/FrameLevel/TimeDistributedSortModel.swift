import NN
import Tensor

/// Time-distributed dense + sorting, Samsung 2018's `ResNetLikeSort`
/// (twoleggedeye/youtube8m sequence_models/models.py), docs/zoo.md:
/// y_c = w₂·Drop(LeakyReLU(BN(W₁·sort_t(s_{·,c}) + b₁))) + b₂, s_t = ResNetLike(x_t^rgb, x_t^audio),
/// a ResNet-like network applied to every frame (per-frame class scores
/// s_t ∈ ℝ^C; the reference's 1×1 convolutions), the scores of each class
/// sorted over time (`OrderStatisticsPooling`: T = 303 ranks), and one
/// small network over the sorted ranks shared by all classes
/// (Conv1d(303 → 1000) → BN → LeakyReLU → Dropout → Conv1d(1000 → 1)).
/// Defaults are the reference's: inner 2048, av = concat = 1, dropout 0.5,
/// 1000 hidden units → 52.6 M.
///
/// Differences from the reference, on purpose: the per-frame network runs
/// on the packed valid frames (its batch norms see no padding) and the sort
/// keeps the valid frames in descending order with zeros after them (the
/// reference sorts ascending over 303 zero-padded frames, mixing padding
/// scores with real ones); the batch norms keep running statistics for
/// evaluation (the reference's `track_running_stats=False` normalises with
/// the statistics of whatever batch it evaluates). Outputs logits.
/// Features: the rank network's hidden units of every class, C·H wide
/// (3862 × 1000 = 3.9 M in the paper configuration), the input of the
/// output layer w₂ that scores each class.
public final class TimeDistributedSortModel: ZooModelBase, ZooModel {
    /// The zoo's `td-dense-sort` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "td-dense-sort", level: .frame,
        summary: "Per-frame ResNet-like class scores sorted over time, mixed by a network over ranks (Samsung ResNetLikeSort)",
        reportedGAP: "0.83136 (Samsung, 5-fold)",
        recipe: .samsungDefault,
        small: {
            // Dropout 0.5 over a few rank units shared by every class stalls short runs (GAP 0.016 vs 0.146 at 0.1, 200 steps).
            $0.head.innerSize = 32; $0.rankHiddenSize = 64; $0.head.dropout = 0.1
        },
        build: { TimeDistributedSortModel($0, numClasses: $1, rng: &$2) })

    /// The per-frame ResNet-like network (frame → C scores).
    public let frameNetwork: ResNetLikeHead
    /// Sorting and the two layers over ranks.
    public let orderStatistics: OrderStatisticsPooling
    /// Batch norm between the two rank layers (the reference's FCBlock).
    public let rankBatchNorm: BatchNorm

    /// Builds the model for `numClasses` classes over frames of `rgbSize` rgb and `audioSize` audio features, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        frameNetwork = ResNetLikeHead(videoFeatures: rgbSize, audioFeatures: audioSize, settings: config.head,
                                      classes: numClasses, rng: &rng)
        orderStatistics = OrderStatisticsPooling(frames: config.sortedFrames, hiddenSize: config.rankHiddenSize,
                                                 dropout: config.head.dropout, rng: &rng)
        rankBatchNorm = BatchNorm(config.rankHiddenSize)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// C·H: H rank units for each of the C classes.
    public var featureCount: Int { numClasses * rankHiddenSize }

    /// H, the rank network's hidden units per class.
    var rankHiddenSize: Int { orderStatistics.output.inFeatures }

    /// The rank network's hidden activation of every class,
    /// Drop(LeakyReLU(BN(W₁·sort_t(s_{·,c}) + b₁))), flattened class-major to
    /// [B, C·H] (class c at columns c·H..<(c + 1)·H): the input of the last
    /// layer w₂, which gives each class its score.
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        let b = x.batchSize
        let packing = PackedFrames(lengths: x.frameCounts, time: x.features.shape[1])
        let scores = packing.unpack(frameNetwork(video: packing.pack(x.rgb), audio: packing.pack(x.audio)))  // [B, T, C]
        let sorted = orderStatistics.sortedScores(scores, mask: x.sequenceMask)                              // [B, R, C]
        let ranks = sorted.permuted([0, 2, 1])                                                               // [B, C, R]
        let hidden = orderStatistics.hidden!
        let z = orderStatistics.dropout(leakyRelu(rankBatchNorm(hidden(ranks)), slope: orderStatistics.negativeSlope))
        return z.reshaped(to: [b, featureCount])
    }

    /// Logits y_c = w₂·z_c + b₂, the one output layer shared by every class.
    public func classify(_ features: Tensor) -> ModelOutput {
        checkFeatures(features)
        let b = features.shape[0]
        let z = features.reshaped(to: [b, numClasses, rankHiddenSize])                                       // [B, C, H]
        return .logits(orderStatistics.output(z).reshaped(to: [b, numClasses]))
    }

    /// The one output layer is shared by every class, so its single bias b₂
    /// cannot give each class its own probability: it is set to
    /// logit(mean_c q_c), the shared bias that minimises the cross-entropy of
    /// a constant prediction against the prior (the classes' mean frequency
    /// for features of zero). The per-frame network is left as built.
    public func initializeOutputBias(toPrior prior: [Double]) {
        OutputBiasPrior.check(prior, classes: numClasses, layer: "TimeDistributedSortModel")
        let mean = prior.reduce(0, +) / Double(prior.count)
        orderStatistics.output.initializeOutputBias(toPrior: [mean])
    }
}

extension TimeDistributedSortModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// The per-frame ResNet-like network (the reference's defaults: 2048 wide,
        /// dropout 0.5, which the rank network uses as well).
        public var head = ResNetLikeHead.Settings()
        /// Sorted ranks mixed (the reference's MAX_SEQ_LEN, 303).
        public var sortedFrames = 303
        /// Hidden units of the network over ranks (`frame_inner_size`; the reference's 1000).
        public var rankHiddenSize = 1000
        /// The input transform: none, the features as they are (the reference's).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}
    }
}

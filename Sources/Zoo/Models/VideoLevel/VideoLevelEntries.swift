import NN
import Tensor

/// The video-level architectures of the zoo.
let videoLevelEntries: [ZooEntry] = [
    .make("logistic", level: .video,
          summary: "Logistic regression over mean_rgb ⊕ mean_audio (starter code LogisticModel)",
          recipe: Recipe(batchSize: 1024, learningRate: 0.01),
          paper: LogisticModel.Config(), small: LogisticModel.Config(),
          build: { c, classes, rng in LogisticModel(c, level: .video, numClasses: classes, rng: &rng) }),

    .make("moe", level: .video,
          summary: "Mixture of 2 experts per class over mean_rgb ⊕ mean_audio (starter code MoeModel)",
          recipe: starterRecipe,
          paper: MoeModel.Config(), small: MoeModel.Config(),
          build: { MoeModel($0, numClasses: $1, rng: &$2) }),

    .make("moe-gated", level: .video,
          summary: "Mixture of 2 experts with context gating of the probabilities (WILLOW MoeModel, moe_prob_gating)",
          recipe: willowVideoRecipe,
          paper: gatedMoe, small: smallGatedMoe,
          build: { MoeModel($0, numClasses: $1, rng: &$2) }),

    .make("resnet-like", level: .video,
          summary: "ResNet-like MLP: audio and video FC + identity blocks, concat identity blocks (Samsung 2018 ResNetLike)",
          reportedGAP: "0.86105 with mixup, 0.85846 without (Ostyakov et al. 2018)",
          recipe: resNetLikeRecipe,
          paper: ResNetLikeModel.Config(), small: smallResNetLike(),
          build: { ResNetLikeModel($0, numClasses: $1, rng: &$2) }),

    .make("resnet-like-video-only", level: .video,
          summary: "ResNet-like MLP over mean_rgb alone (Samsung ResNetLike, video_part 1, audio_part 0)",
          reportedGAP: "0.83212 (Ostyakov et al. 2018)",
          recipe: resNetLikeRecipe,
          paper: oneModality(ResNetLikeModel.Config(), video: true),
          small: oneModality(smallResNetLike(), video: true),
          build: { ResNetLikeModel($0, numClasses: $1, rng: &$2) }),

    .make("resnet-like-audio-only", level: .video,
          summary: "ResNet-like MLP over mean_audio alone (Samsung ResNetLike, video_part 0, audio_part 1)",
          reportedGAP: "0.50676 (Ostyakov et al. 2018)",
          recipe: resNetLikeRecipe,
          paper: oneModality(ResNetLikeModel.Config(), video: false),
          small: oneModality(smallResNetLike(), video: false),
          build: { ResNetLikeModel($0, numClasses: $1, rng: &$2) }),

    .make("bottleneck", level: .video,
          summary: "ResNet-like MLP squeezed through 4 neurons before the classifier (Samsung 2018 bottleneck experiment)",
          reportedGAP: "0.41079 (Ostyakov et al. 2018)",
          recipe: resNetLikeRecipe,
          paper: bottleneck(ResNetLikeModel.Config()), small: bottleneck(smallResNetLike()),
          build: { ResNetLikeModel($0, numClasses: $1, rng: &$2) }),

    .make("dmrnet", level: .video,
          summary: "Merge-and-run network: video and audio FC residual streams merged by averaging (DMRNet, Zhao et al. 2018)",
          recipe: resNetLikeRecipe,
          paper: DMRNetModel.Config(), small: smallDMRNet,
          build: { DMRNetModel($0, numClasses: $1, rng: &$2) }),

    .make("frame-statistics", level: .video,
          summary: "ResNet-like MLP over mean, std, min, max, median, mode of the frames and their count (Samsung features)",
          recipe: frameStatisticsRecipe,
          featureSize: FrameStatisticsLayout.featureSize, frameStatistics: FrameStatisticsLayout.statistics,
          paper: FrameStatisticsModel.Config(), small: smallFrameStatistics,
          build: { FrameStatisticsModel($0, numClasses: $1, rng: &$2) }),
]

/// The starter code's train.py: Adam 0.01, ×0.95 every 4M examples, batch 1024,
/// clip 1.0, L2 1e-8 on the MoE weights, L2-normalised input.
private let starterRecipe: Recipe = {
    var r = Recipe(batchSize: 1024, learningRate: 0.01)
    r.weightDecay = 1e-8
    return r
}()

/// WILLOW's train.py defaults: Adam 0.001, ×0.9 every 4M examples, batch 1024,
/// clip 1.0, `moe_l2` 1e-8 (the flag's default; its frame-level recipes use 1e-6).
private let willowVideoRecipe: Recipe = {
    var r = Recipe(batchSize: 1024, learningRate: 0.001)
    r.decayRate = 0.9
    r.weightDecay = 1e-8
    return r
}()

/// Samsung config0's training (batch 4096, Adam 5e-3, mixup α 0.3): the
/// ResNetLike run behind the GAP with mixup. The report gives no training
/// configuration for its video-only, audio-only and bottleneck runs and
/// DMRNet has no reference: they share it.
private let resNetLikeRecipe = samsungRecipe(batchSize: 4096, learningRate: 5e-3, mixupAlpha: 0.3)

/// Samsung config2 (ResNetLike over mean ⊕ std frame statistics): batch 8192, Adam 0.01, mixup α 0.3.
private let frameStatisticsRecipe = samsungRecipe(batchSize: 8192, learningRate: 0.01, mixupAlpha: 0.3)

/// The Samsung configs (configs/*.yaml): Adam, BCE with logits, no gradient
/// clipping, features as they are. Their schedule is ReduceLROnPlateau
/// (×0.5 when validation GAP stalls), which a staircase cannot express: no
/// scheduled decay.
private func samsungRecipe(batchSize: Int, learningRate: Double, mixupAlpha: Double?) -> Recipe {
    var r = Recipe(batchSize: batchSize, learningRate: learningRate)
    r.decayRate = 1
    r.clipNorm = nil
    r.mixupAlpha = mixupAlpha
    r.transform = .none
    return r
}

private let gatedMoe: MoeModel.Config = {
    var c = MoeModel.Config()
    c.probabilityGating = true
    return c
}()

/// The paper's gated MoE with a batch-norm momentum whose running statistics
/// settle within a short run (see `smallBatchNormMomentum` of the frame-level entries).
private let smallGatedMoe: MoeModel.Config = {
    var c = gatedMoe
    c.batchNormMomentum = 0.1
    return c
}()

private func smallResNetLike() -> ResNetLikeModel.Config {
    var c = ResNetLikeModel.Config()
    c.innerSize = 64
    c.lastHiddenSize = 64
    return c
}

private func oneModality(_ config: ResNetLikeModel.Config, video: Bool) -> ResNetLikeModel.Config {
    var c = config
    c.videoPart = video ? 1 : 0
    c.audioPart = video ? 0 : 1
    return c
}

private func bottleneck(_ config: ResNetLikeModel.Config) -> ResNetLikeModel.Config {
    var c = config
    c.lastHiddenSize = 4
    return c
}

private let smallDMRNet: DMRNetModel.Config = {
    var c = DMRNetModel.Config()
    c.innerSize = 64
    return c
}()

private let smallFrameStatistics: FrameStatisticsModel.Config = {
    var c = FrameStatisticsModel.Config()
    c.innerSize = 64
    c.avIdentityBlocks = 1
    c.concatIdentityBlocks = 1
    return c
}()

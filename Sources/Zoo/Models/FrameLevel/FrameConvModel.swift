import NN
import Tensor

/// One block of ``FrameConvModel``: y = Pool_k(BN(LeakyReLU(Drop2d(Conv1d(x))))),
/// a convolution over time (kernel w, zero "same" padding), channel dropout
/// (a whole feature map dropped per video, PyTorch's `Dropout2d`), LeakyReLU,
/// batch norm over the valid steps, and a max-pool of width and stride k
/// over valid steps (a partial last window counts, so a video of n steps
/// keeps ⌈n/k⌉), or the maximum over all valid steps for the last block.
public final class FrameConvBlock: Module {
    /// The convolution over time (kernel w, "same" zero padding).
    public let conv: Conv1d
    /// Dropout of whole feature maps (PyTorch's `Dropout2d`), training only.
    public let channelDropout: Dropout
    /// Batch norm over the valid steps.
    public let batchNorm: FrameBatchNorm
    /// Pool width and stride; nil for the global maximum over time.
    public let poolSize: Int?
    /// Slope of the LeakyReLU for negative inputs (0.01 by default).
    public let negativeSlope: Double

    /// A block from `inChannels` to `outChannels` channels with kernel width `kernelSize`, pool `poolSize` (nil: global maximum) and channel dropout `dropout`, drawing its weights from `rng`.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, poolSize: Int?, dropout: Double,
                negativeSlope: Double = 0.01, rng: inout RandomGenerator) {
        precondition(kernelSize % 2 == 1 && (poolSize ?? 1) >= 1,
                     "FrameConvBlock: kernel \(kernelSize) must be odd (same padding) and pool \(poolSize.map(String.init) ?? "global") positive")
        conv = Conv1d(inChannels, outChannels, kernelSize: kernelSize, padding: kernelSize / 2, rng: &rng)
        channelDropout = Dropout(dropout, seed: rng.next())
        batchNorm = FrameBatchNorm(outChannels, epsilon: 1e-5, momentum: 0.1)
        self.poolSize = poolSize
        self.negativeSlope = negativeSlope
    }

    /// [B, T, C_in] with its valid-step mask → [B, ⌈T/k⌉, C_out] and the pooled mask
    /// (or [B, C_out] and nil for the global maximum).
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> (Tensor, SequenceMask?) {
        var y = conv(x, mask: mask)                                            // padding steps zeroed first
        let (b, t, c) = (y.shape[0], y.shape[1], y.shape[2])
        if isTraining && channelDropout.probability > 0 {
            y = y * channelDropout(Tensor.ones([b, 1, c], dtype: y.dtype))
        }
        y = leakyRelu(y, slope: negativeSlope)
        y = batchNorm(y, mask: mask.map { $0.weights(dtype: y.dtype).reshaped(to: [b, t, 1]) })
        guard let k = poolSize else { return (maskedMax(y, mask: mask), nil) }
        if k == 1 { return (y, mask) }
        if let mask { y = y.maskedFill(mask.padding.reshaped(to: [b, t, 1]), value: -.infinity) }
        let windows = (t + k - 1) / k
        if windows * k > t { y = y.padded(axis: 1, before: 0, after: windows * k - t, value: -.infinity) }
        y = max(y.reshaped(to: [b, windows, k, c]), axis: 2)
        guard let mask else { return (y, nil) }
        let pooled = SequenceMask(lengths: mask.counts.map { ($0 + k - 1) / k }, time: windows)
        if pooled.isFull { return (y, nil) }
        return (y.maskedFill(pooled.padding.reshaped(to: [b, windows, 1]), value: 0), pooled)
    }
}

/// Time-distributed convolutions, Samsung 2018's `FrameConv`
/// (twoleggedeye/youtube8m sequence_models/models.py), docs/zoo.md:
/// logits = W·GlobalMax(Blocks_concat([Blocks_audio(x^audio), Blocks_rgb(x^rgb)])) + b,
/// each block conv(w = 3) → Dropout2d → LeakyReLU → BN → MaxPool(3)
/// (``FrameConvBlock``): rgb 1024 → 2048 → 2048, audio 128 → 512 → 512,
/// concatenated [audio, rgb] (2560 channels) → 4096 (pooled) → 8192
/// (global maximum over time) → Linear(8192 → C). The reference's defaults
/// with its bugs fixed → 183.7 M.
///
/// Reference bugs not copied: the activation is instantiated but never
/// added to the blocks (no nonlinearity at all) — here LeakyReLU as
/// intended; the concat channel list is built from the kernel sizes
/// ([2560, 3, 3]) instead of `concat_channels_num` — here [2560, 4096, 8192].
/// Differences on purpose: the convolutions use "same" zero padding and the
/// pools keep partial windows, over each video's valid frames only, so a
/// short video still yields a vector and padding never reaches an output
/// (the reference's valid convolutions run over the batch's padding and
/// drop short videos' last frames); parameter counts are unchanged.
/// Outputs logits. Features: the global maximum over time (8192 wide), the
/// input of the Linear → C.
public final class FrameConvModel: ZooModelBase, LinearClassifierModel {
    /// The zoo's `td-conv` entry (``ModelZoo/entries``).
    static let zooEntry = ZooEntry.make(
        "td-conv", level: .frame,
        summary: "Time-distributed convolutions with LeakyReLU, BN and max-pools per modality, then over the concatenation (Samsung FrameConv, bugs fixed)",
        reportedGAP: "0.84144 (Samsung, 5-fold)",
        recipe: .samsungDefault,
        small: {
            $0.videoChannels = [32, 32]; $0.audioChannels = [8, 8]; $0.concatChannels = [32, 64]
        },
        build: { FrameConvModel($0, numClasses: $1, rng: &$2) })

    /// The blocks over the rgb frames.
    public let videoBlocks: [FrameConvBlock]
    /// The blocks over the audio frames.
    public let audioBlocks: [FrameConvBlock]
    /// The blocks over the concatenated [audio, rgb] maps; the last ends in the global maximum.
    public let concatBlocks: [FrameConvBlock]
    /// The final Linear → C, the features' classifier.
    public let classifier: Linear

    /// Builds the model for `numClasses` classes over frames of `rgbSize` rgb and `audioSize` audio features, drawing its initial weights from `rng`.
    public init(_ config: Config = Config(), rgbSize: Int = 1024, audioSize: Int = 128, numClasses: Int,
                rng: inout RandomGenerator) {
        config.check()
        func blocks(_ input: Int, _ channels: [Int], _ kernels: [Int], _ pools: [Int?], rng: inout RandomGenerator) -> [FrameConvBlock] {
            var result: [FrameConvBlock] = []
            for (i, out) in channels.enumerated() {
                result.append(FrameConvBlock(i == 0 ? input : channels[i - 1], out, kernelSize: kernels[i],
                                             poolSize: pools[i], dropout: config.dropout, rng: &rng))
            }
            return result
        }
        videoBlocks = blocks(rgbSize, config.videoChannels, config.modalityKernelSizes, config.modalityPoolSizes, rng: &rng)
        audioBlocks = blocks(audioSize, config.audioChannels, config.modalityKernelSizes, config.modalityPoolSizes, rng: &rng)
        concatBlocks = blocks((config.videoChannels.last ?? rgbSize) + (config.audioChannels.last ?? audioSize),
                              config.concatChannels, config.concatKernelSizes, config.concatPoolSizes + [nil], rng: &rng)
        classifier = Linear(config.concatChannels.last!, numClasses, rng: &rng)
        super.init(level: .frame, numClasses: numClasses, transform: config.transform)
    }

    /// The global maximum over time of the last block [B, C_last], the final Linear's input.
    public func features(_ input: ModelInput) -> Tensor {
        let x = transform.apply(input)
        func run(_ blocks: [FrameConvBlock], _ frames: Tensor, _ mask: SequenceMask?) -> (Tensor, SequenceMask?) {
            blocks.reduce((frames, mask)) { $1($0.0, mask: $0.1) }
        }
        let (video, videoMask) = run(videoBlocks, x.rgb, x.sequenceMask)
        let (audio, _) = run(audioBlocks, x.audio, x.sequenceMask)
        return run(concatBlocks, Tensor.concat([audio, video], axis: 2), videoMask).0
    }
}

extension FrameConvModel {
    /// The model's configuration; `init()` gives the paper's values (``ZooConfiguration``).
    public struct Config: ZooConfiguration {
        /// Output channels of the rgb blocks (the reference's 2048, 2048).
        public var videoChannels = [2048, 2048]
        /// Output channels of the audio blocks (the reference's 512, 512).
        public var audioChannels = [512, 512]
        /// Kernel widths of the per-modality blocks, in frames (the reference's 3, 3).
        public var modalityKernelSizes = [3, 3]
        /// Pool widths and strides of the per-modality blocks, in steps (the reference's 3, 3).
        public var modalityPoolSizes = [3, 3]
        /// Output channels of the blocks after the concatenation (the reference's intended 4096, 8192); the last ends in the global maximum.
        public var concatChannels = [4096, 8192]
        /// Kernel widths of the blocks after the concatenation (the reference's 3, 3).
        public var concatKernelSizes = [3, 3]
        /// Pool widths of all concat blocks but the last (the reference's 3).
        public var concatPoolSizes = [3]
        /// Channel dropout probability of every block (the reference's 0.1).
        public var dropout = 0.1
        /// The input transform: none, the features as they are (the reference's).
        public var transform = InputTransform.none
        /// Every field at the default given above.
        public init() {}

        /// One entry per block in each list, and odd kernels ("same" padding).
        public func checkConsistency() throws {
            guard videoChannels.count == audioChannels.count && videoChannels.count == modalityKernelSizes.count
                    && videoChannels.count == modalityPoolSizes.count else {
                throw ZooConfigurationConflict("videoChannels \(videoChannels), audioChannels \(audioChannels), modalityKernelSizes \(modalityKernelSizes) and modalityPoolSizes \(modalityPoolSizes) must have one entry per block each")
            }
            guard !concatChannels.isEmpty, concatKernelSizes.count == concatChannels.count,
                  concatPoolSizes.count == concatChannels.count - 1 else {
                throw ZooConfigurationConflict("concatChannels \(concatChannels) needs one kernel each (concatKernelSizes \(concatKernelSizes)) and one pool fewer (concatPoolSizes \(concatPoolSizes))")
            }
            if let even = (modalityKernelSizes + concatKernelSizes).first(where: { $0 % 2 == 0 }) {
                throw ZooConfigurationConflict("kernel size \(even) is even: kernels must be odd for \"same\" padding")
            }
        }

        func check() {
            do { try checkConsistency() } catch { preconditionFailure("FrameConvModel: \(error)") }
        }
    }
}

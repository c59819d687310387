import Tensor

/// 1-D convolution over time on channels-last frames [B, T, C_in] → [B, T_out, C_out],
/// as `torch.nn.Conv1d` (cross-correlation, zero padding):
/// y[b, t, o] = bias[o] + Σ_{c,k} W[o, c, k]·x[b, t·stride − padding + k·dilation, c],
/// T_out = ⌊(T + 2·padding − dilation·(kernelSize − 1) − 1)/stride⌋ + 1.
///
/// The weight is stored [C_out, C_in, kernelSize] (PyTorch's layout) and
/// initialised like PyTorch's: weight and bias U(±1/√(C_in·kernelSize)).
/// Computed by the Tensor `conv1d` op (im2col + one GEMM; a 1-wide kernel
/// is a plain GEMM).
public final class Conv1d: Module, Layer {
    /// The kernels, [outChannels, inChannels, kernelSize] (PyTorch's layout).
    public let weight: Parameter
    /// The bias, [outChannels], or nil without.
    public let bias: Parameter?
    /// Frames between two applications of the kernel.
    public let stride: Int
    /// Zero frames added at each end.
    public let padding: Int
    /// Spacing between the kernel's taps.
    public let dilation: Int

    /// A 1-D convolution from `inChannels` to `outChannels` channels, PyTorch's `Conv1d` with its defaults.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, bias: Bool = true, weightInit: Initializer = .lecunUniformTorch,
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && dilation > 0 && padding >= 0,
                     "Conv1d: channels \(inChannels) → \(outChannels), kernel \(kernelSize), stride \(stride), dilation \(dilation) must be positive and padding \(padding) ≥ 0")
        weight = Parameter(weightInit.make([outChannels, inChannels, kernelSize], dtype: dtype, using: &rng))
        self.bias = bias
            ? Parameter(Initializer.lecunUniformTorch.make([outChannels], dtype: dtype, using: &rng, fanIn: inChannels * kernelSize))
            : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    /// Channels of the input.
    public var inChannels: Int { weight.shape[1] }
    /// Channels of the output.
    public var outChannels: Int { weight.shape[0] }
    /// Taps of each kernel.
    public var kernelSize: Int { weight.shape[2] }

    /// The convolution of channels-last frames x [B, T, inChannels], [B, T_out, outChannels].
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[2] == inChannels,
                     "Conv1d: input \(x.shape) must be [batch, time, \(inChannels)] (weight \(weight.shape))")
        return conv1d(x, weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation)
    }

    /// The convolution of each video's real frames, zero-padded: padding
    /// frames are zeroed first, so whatever they held cannot reach an
    /// output. The real outputs of video b are the first
    /// `outputMask(mask).counts[b]`.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The convolution of each video's valid frames: padded frames are zeroed in the input first.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor {
        mask?.check(x, layer: "Conv1d")
        guard let mask, !mask.isFull else { return self(x) }
        return self(x * mask.weights(dtype: x.dtype).reshaped(to: [mask.batch, mask.time, 1]))
    }

    /// Which output steps are real for an input mask (see ``SequenceMask/convolved(width:stride:padding:dilation:)``).
    public func outputMask(_ mask: SequenceMask) -> SequenceMask {
        mask.convolved(width: kernelSize, stride: stride, padding: padding, dilation: dilation)
    }
}

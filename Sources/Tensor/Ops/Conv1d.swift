// 1-D convolution over time as im2col + one GEMM.
//
// The input is channels-last [batch, time, channels] (the layout of
// YouTube-8M frame features); the weight is in PyTorch's layout
// [outChannels, inChannels, width], so checkpoints exchange with
// `torch.nn.Conv1d` unchanged.

/// 1-D convolution (cross-correlation, as `torch.nn.functional.conv1d` with
/// channels last): y[b, t, o] = bias[o] + Σ_{c,k} w[o, c, k] · x[b, t·stride − padding + k·dilation, c],
/// zero padding on both sides. Input [B, T, Cin], weight [Cout, Cin, W],
/// bias [Cout]; output [B, Tout, Cout] with
/// Tout = (T + 2·padding − dilation·(W − 1) − 1) / stride + 1.
/// Computed as `matmul(im2col(x), weight.reshaped([Cout, Cin·W]), transposeB: true)`,
/// so the gradients are those of ``im2col(_:width:stride:padding:dilation:)`` and matmul.
public func conv1d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                   stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Tensor {
    let biasText = bias.map { ", bias \($0.shape)" } ?? ""
    precondition(input.rank == 3 && weight.rank == 3,
                 "conv1d: input \(input.shape) must be [batch, time, channels] and weight \(weight.shape) [outChannels, inChannels, width]\(biasText)")
    precondition(input.shape[2] == weight.shape[1],
                 "conv1d: input \(input.shape) has \(input.shape[2]) channels, weight \(weight.shape) expects \(weight.shape[1])\(biasText)")
    let outChannels = weight.shape[0]
    if let bias {
        precondition(bias.shape == [outChannels], "conv1d: bias \(bias.shape) must be [\(outChannels)] for weight \(weight.shape) (input \(input.shape))")
    }
    let (batch, time) = (input.shape[0], input.shape[1])
    let cols: Tensor
    if weight.shape[2] == 1 && stride == 1 && padding == 0 {
        cols = input.reshaped(to: [batch * time, input.shape[2]])     // a 1×1 convolution needs no patches
    } else {
        cols = im2col(input, width: weight.shape[2], stride: stride, padding: padding, dilation: dilation)
    }
    var y = matmul(cols, weight.reshaped(to: [outChannels, -1]), transposeB: true)
    if let bias { y = y + bias }
    return y.reshaped(to: [batch, -1, outChannels])
}

/// The patches of a 1-D convolution over time: for x [B, T, C] gives
/// [B·Tout, C·width] with cols[b·Tout + t, c·width + k] = x[b, t·stride − padding + k·dilation, c]
/// (0 outside [0, T)), the row layout of a weight [Cout, C, width] flattened
/// to [Cout, C·width] (Caffe's im2col, channels last). Its gradient is the
/// col2im scatter-add of the column gradients back onto the input steps.
public func im2col(_ x: Tensor, width: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Tensor {
    x.requireFloat("im2col")
    precondition(x.rank == 3, "im2col: input \(x.shape) must be [batch, time, channels]")
    precondition(width >= 1 && stride >= 1 && dilation >= 1 && padding >= 0,
                 "im2col: width \(width), stride \(stride), dilation \(dilation) must be ≥ 1 and padding \(padding) ≥ 0 (input \(x.shape))")
    let geometry = Conv1dGeometry(batch: x.shape[0], time: x.shape[1], channels: x.shape[2], width: width,
                                  stride: stride, padding: padding, dilation: dilation)
    let span = dilation * (width - 1) + 1
    precondition(x.shape[1] + 2 * padding >= span,
                 "conv1d: input \(x.shape) with padding \(padding) has \(x.shape[1] + 2 * padding) steps, fewer than the span \(span) of width \(width) at dilation \(dilation): no output steps")
    let cols = Tensor(uninitializedShape: [geometry.batch * geometry.timeOut, geometry.rowLength], dtype: x.dtype)
    if cols.count > 0 {
        if x.dtype == .float32 { Im2colKernel.forward(x.pointer(Float.self), cols.pointer(Float.self), geometry) }
        else { Im2colKernel.forward(x.pointer(Double.self), cols.pointer(Double.self), geometry) }
    }
    let inputShape = x.shape
    return Tensor.record(.im2col, cols, [x]) { g, _ in
        let gx = Tensor(uninitializedShape: inputShape, dtype: g.dtype)
        guard gx.count > 0 else { return [gx] }
        if g.dtype == .float32 { Im2colKernel.backward(g.pointer(Float.self), gx.pointer(Float.self), geometry) }
        else { Im2colKernel.backward(g.pointer(Double.self), gx.pointer(Double.self), geometry) }
        return [gx]
    }
}

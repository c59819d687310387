import Tensor

/// One quasi-recurrent layer (Bradbury et al. 2017), with the semantics of
/// salesforce/pytorch-qrnn's `QRNNLayer`: one Linear over [xₜ, x_{t−1}]
/// (window 2) or xₜ (window 1) gives Z, F, O; Z = tanh, F = σ, O = σ;
/// fo-pooling cₜ = fₜ⊙zₜ + (1 − fₜ)⊙c_{t−1}, hₜ = oₜ⊙cₜ (hₜ = cₜ without
/// the output gate).
///
/// Zoneout on F: in training F ⊙= m, m ~ Bernoulli(1 − p) (F = 0 keeps
/// c_{t−1}); in evaluation F ⊙= (1 − p). The linear weight is
/// [gates·H, window·in] with columns [xₜ | x_{t−1}], as pytorch-qrnn's, and
/// named `linear.weight`, `linear.bias`. The gate activations and the
/// pooling loop are the fused ``qrnnPooling(_:initialCell:forgetMask:forgetScale:)``.
public final class QRNNLayer: Module {
    /// Gates Z | F | O (or Z | F) from [xₜ | x_{t−1}]: weight [gates·H, window·in].
    public let linear: Linear
    /// H, units of the cell state and of the output.
    public let hiddenSize: Int
    /// 1 (xₜ only) or 2 (xₜ and x_{t−1}, zero before the first frame).
    public let window: Int
    /// Zoneout probability on the forget gate.
    public let zoneout: Double
    /// fo-pooling (hₜ = oₜ⊙cₜ) when true, f-pooling (hₜ = cₜ) when false.
    public let hasOutputGate: Bool
    var rng: RandomGenerator

    /// - Parameters:
    ///   - inputSize: F, features per frame of the input.
    ///   - hiddenSize: H, units of the cell state and of the output.
    ///   - window: frames per gate computation, k ≥ 1 (pytorch-qrnn's `window`
    ///     allows 1 or 2; wider filters read [xₜ | xₜ₋₁ | … | xₜ₋ₖ₊₁], zero before t = 0).
    ///   - zoneout: probability of zeroing a forget-gate value in training.
    ///   - outputGate: fo-pooling (pytorch-qrnn's default) or f-pooling.
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: initialises the Linear as PyTorch does, U(−1/√(window·in), 1/√(window·in)).
    ///   - seed: seeds the zoneout masks.
    public init(inputSize: Int, hiddenSize: Int, window: Int = 1, zoneout: Double = 0, outputGate: Bool = true,
                dtype: DType = .float32, rng: inout RandomGenerator, seed: UInt64 = 0x2041) {
        precondition(inputSize > 0 && hiddenSize > 0, "QRNNLayer: sizes must be positive, got input \(inputSize), hidden \(hiddenSize)")
        precondition(window >= 1, "QRNNLayer: window must be at least 1, got \(window)")
        precondition(zoneout >= 0 && zoneout < 1, "QRNNLayer: zoneout must be in [0, 1), got \(zoneout)")
        linear = Linear(window * inputSize, (outputGate ? 3 : 2) * hiddenSize, dtype: dtype, rng: &rng)
        self.hiddenSize = hiddenSize
        self.window = window
        self.zoneout = zoneout
        hasOutputGate = outputGate
        self.rng = RandomGenerator(seed: seed)
    }

    /// F, features per input frame.
    public var inputSize: Int { linear.inFeatures / window }

    /// Runs the layer over x [B, T, in] from c₋₁ = `initialCell` [B, H]
    /// (zeros when nil); returns hₜ at every frame [B, T, H] and the memory
    /// c at each sequence's last valid frame (`lengths`, all T when nil), [B, H].
    public func callAsFunction(_ x: Tensor, lengths: [Int]? = nil, initialCell: Tensor? = nil) -> (output: Tensor, finalCell: Tensor) {
        precondition(x.rank == 3 && x.shape[2] == inputSize && x.shape[1] >= 1,
                     "QRNNLayer: input \(x.shape) must be [batch, time ≥ 1, \(inputSize) features]")
        let (nb, nt, h) = (x.shape[0], x.shape[1], hiddenSize)
        if let initialCell {
            precondition(initialCell.shape == [nb, h], "QRNNLayer: initialCell \(initialCell.shape) must be [\(nb), \(h)] for input \(x.shape)")
        }
        var source = x
        if window > 1 {
            // Causal filter: frame t sees itself and the window − 1 frames before it.
            var parts = [x]
            for shift in 1..<window { parts.append(x.padded(axis: 1, before: shift, after: 0).sliced(axis: 1, range: 0..<nt)) }
            source = Tensor.concat(parts, axis: 2)
        }
        var mask: Tensor? = nil
        if zoneout > 0 && isTraining { mask = Tensor.bernoulli([nb, nt, h], probability: 1 - zoneout, dtype: x.dtype, using: &rng) }
        let states = qrnnPooling(linear(source), initialCell: initialCell ?? Tensor.zeros([nb, h], dtype: x.dtype),
                                 forgetMask: mask, forgetScale: zoneout > 0 && !isTraining ? 1 - zoneout : 1)
        guard hasOutputGate else { return (states, lastValidFrame(states, lengths: lengths)) }
        return (states[nil, nil, 0..<h], lastValidFrame(states, lengths: lengths)[nil, h..<(2 * h)])
    }
}

/// A stack of ``QRNNLayer``s (salesforce/pytorch-qrnn `QRNN`), forward
/// direction only, batch first, dropout between layers; parameters named
/// `layers.{k}.linear.weight` as in pytorch-qrnn. Each layer has
/// window·in·3H + 3H parameters.
///
/// With `lengths`, outputs at padded frames are zero and `hidden` holds each
/// layer's memory c at the sequence's last valid frame; since the layer is
/// causal and padding follows the valid frames, padding never changes a result.
public final class QRNN: Module, Layer {
    /// The stacked layers; layer k > 0 reads the outputs of layer k − 1.
    public let layers: [QRNNLayer]
    /// Dropout probability on the outputs of every layer but the last (training only).
    public let dropout: Double
    var rng: RandomGenerator

    /// - Parameters:
    ///   - inputSize: F, features per frame of the input.
    ///   - hiddenSize: H, units of the cell state and of the output.
    ///   - layers: stacked layers; layer k > 0 reads the H outputs of layer k − 1.
    ///   - window: frames per gate computation, as for ``QRNNLayer`` (every layer).
    ///   - zoneout: probability of zeroing a forget-gate value in training (every layer).
    ///   - outputGate: fo-pooling (pytorch-qrnn's default) or f-pooling, in every layer.
    ///   - dropout: between layers, as pytorch-qrnn's `dropout`.
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    ///   - seed: seeds the dropout masks (and, offset per layer, the zoneout masks).
    public init(inputSize: Int, hiddenSize: Int, layers: Int = 1, window: Int = 1, zoneout: Double = 0,
                outputGate: Bool = true, dropout: Double = 0, dtype: DType = .float32,
                rng: inout RandomGenerator, seed: UInt64 = 0x0A77) {
        precondition(layers > 0, "QRNN: needs at least one layer, got \(layers)")
        precondition(dropout >= 0 && dropout < 1, "QRNN: dropout must be in [0, 1), got \(dropout)")
        self.layers = (0..<layers).map { k in
            QRNNLayer(inputSize: k == 0 ? inputSize : hiddenSize, hiddenSize: hiddenSize, window: window, zoneout: zoneout,
                      outputGate: outputGate, dtype: dtype, rng: &rng, seed: seed &+ UInt64(k) &+ 1)
        }
        self.dropout = dropout
        self.rng = RandomGenerator(seed: seed)
    }

    /// F, features per input frame of the first layer.
    public var inputSize: Int { layers[0].inputSize }
    /// H, units of every layer.
    public var hiddenSize: Int { layers[0].hiddenSize }

    /// The outputs [B, T, H] of a batch of full-length sequences.
    public func forward(_ x: Tensor) -> Tensor { self(x, lengths: nil).output }

    /// Runs the stack over x [B, T, inputSize].
    /// - Parameters:
    ///   - x: the input sequences [B, T, inputSize].
    ///   - lengths: valid frames per example (1…T); nil when every sequence fills T.
    ///   - initialCell: [layers, B, H]; zeros when nil.
    /// - Returns: outputs [B, T, H] and, as `hidden`, each layer's last valid memory c [layers, B, H].
    public func callAsFunction(_ x: Tensor, lengths: [Int]?, initialCell: Tensor? = nil) -> RecurrentOutput {
        checkSequenceInput(x, features: inputSize, lengths: lengths, layer: "QRNN")
        let nb = x.shape[0]
        var input = x, finals: [Tensor] = []
        for (k, layer) in layers.enumerated() {
            if k > 0 && isTraining && dropout > 0 { input = dropoutBetweenLayers(input, probability: dropout, rng: &rng) }
            let c0 = initialCell.map {
                initialState($0, index: k, count: layers.count, batch: nb, hidden: hiddenSize, dtype: x.dtype,
                             layer: "QRNN", name: "initialCell")
            }
            let (output, finalCell) = layer(input, lengths: lengths, initialCell: c0)
            finals.append(finalCell)
            input = output
        }
        input = maskingPaddedFrames(input, lengths: lengths)
        return RecurrentOutput(output: input, hidden: Tensor.stack(finals, axis: 0), cell: nil)
    }
}

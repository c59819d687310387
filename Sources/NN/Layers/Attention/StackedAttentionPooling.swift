import Tensor

/// Stacked attention pooling, the Samsung 2018 "AttentionNet"
/// (twoleggedeye/youtube8m sequence_models/models.py `AttentionModel`…`AttentionModel5`), docs/zoo.md:
/// for i in 0..<L: Vᵢ = ReLU(Linearᵢ(Xᵢ)), wᵢ = softmax_t(aᵢ(Vᵢ)), vᵢ = Σ_t wᵢ,ₜ·Vᵢ,ₜ, Xᵢ₊₁ = [Xᵢ, vᵢ broadcast over t];
/// output mean_t X_L = [mean_t X₀, v₀, …, v_{L−1}], of size D + L·H.
///
/// Parameters as the reference: `linearLayers.i` Linear(D + i·H → H) and
/// `attentionLayers.i` Linear(H → 1). Intended math, not the reference's
/// shortcut: the softmax and the mean run over each video's real frames
/// only (the reference includes the zero padding frames in both).
///
/// Cost: since vⱼ is the same at every step, Linearᵢ(Xᵢ) is computed as
/// X₀·W[:, ..<D]ᵀ + ([v₀ … vᵢ₋₁]·W[:, D...]ᵀ + b) broadcast over time, so the
/// [B, T, D + i·H] concatenation is never built and the per-frame GEMM
/// stays D wide. Only with dropout after each concatenation
/// (`AttentionModel5`: p = (i+1)/10, which also drops frame features) in
/// training is the concatenation materialised, because the dropout masks
/// differ per frame.
public final class StackedAttentionPooling: Module, Layer {
    /// Each level's projection of the frames.
    public let linearLayers: [Linear]
    /// Each level's attention scores over the frames.
    public let attentionLayers: [Linear]
    /// Dropout on Xᵢ₊₁ after each concatenation (probability 0 for the
    /// reference's models 1–4).
    public let dropouts: [Dropout]

    /// - Parameters:
    ///   - inputSize: D, the frame size (1152 for rgb + audio).
    ///   - hiddenSize: H (1024 in models 1–2, 512 in 3, 768 in 4–5).
    ///   - layers: L (3 in models 1–2, 5 in 3, 4 in 4–5).
    ///   - dropouts: per layer, after the concatenation; empty for none.
    ///   - dtype: the element type of the parameters (float32; float64 for gradient checks).
    ///   - rng: the generator the initial weights are drawn from.
    public init(inputSize: Int, hiddenSize: Int = 1024, layers: Int = 3, dropouts: [Double] = [],
                dtype: DType = .float32, rng: inout RandomGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0 && layers >= 1,
                     "StackedAttentionPooling: input \(inputSize), hidden \(hiddenSize) and layers \(layers) must be positive")
        precondition(dropouts.isEmpty || dropouts.count == layers,
                     "StackedAttentionPooling: \(dropouts.count) dropout probabilities for \(layers) layers")
        var linear: [Linear] = [], attention: [Linear] = []
        for i in 0..<layers {
            linear.append(Linear(inputSize + i * hiddenSize, hiddenSize, dtype: dtype, rng: &rng))
            attention.append(Linear(hiddenSize, 1, dtype: dtype, rng: &rng))
        }
        linearLayers = linear
        attentionLayers = attention
        var drops: [Dropout] = []
        for p in dropouts.isEmpty ? [Double](repeating: 0, count: layers) : dropouts {
            drops.append(Dropout(p, seed: rng.next()))
        }
        self.dropouts = drops
    }

    /// Features per input frame.
    public var inputSize: Int { linearLayers[0].inFeatures }
    /// Width of each level's projection.
    public var hiddenSize: Int { linearLayers[0].outFeatures }
    /// D + L·H.
    public var outputSize: Int { inputSize + linearLayers.count * hiddenSize }

    /// The pooled video vectors [B, D + L·H] over every frame (no padding).
    public func forward(_ x: Tensor) -> Tensor { pool(x, mask: nil).output }

    /// The pooled video vectors [B, D + L·H] over the real frames of each video.
    public func callAsFunction(_ x: Tensor, mask: SequenceMask?) -> Tensor { traced(forward(x, mask: mask)) }

    /// The pooled vector of frames x [B, T, inputSize]; masked frames get no attention.
    public func forward(_ x: Tensor, mask: SequenceMask?) -> Tensor {
        pool(x, mask: mask).output
    }

    /// The output [B, D + L·H], the pooled vectors vᵢ [B, H] and the
    /// attention weights wᵢ [B, T] of each layer (0 on padding frames).
    public func pool(_ x: Tensor, mask: SequenceMask?) -> (output: Tensor, pooled: [Tensor], weights: [Tensor]) {
        precondition(x.rank == 3 && x.shape[2] == inputSize,
                     "StackedAttentionPooling: input \(x.shape) must be [batch, time, \(inputSize)]")
        mask?.check(x, layer: "StackedAttentionPooling")
        let materialise = isTraining && dropouts.contains { $0.probability > 0 }
        return materialise || alwaysConcatenate ? pooledByConcatenation(x, mask: mask) : pooledIncrementally(x, mask: mask)
    }

    /// Forces the reference's literal concatenation path (tests compare the two).
    var alwaysConcatenate = false

    /// wᵢ = masked softmax over t of aᵢ(Vᵢ); vᵢ = Σ_t wᵢ,ₜ·Vᵢ,ₜ as one batched product.
    private func attend(_ vectors: Tensor, layer i: Int, mask: SequenceMask?) -> (pooled: Tensor, weights: Tensor) {
        let scores = attentionLayers[i](vectors).reshaped(to: [vectors.shape[0], vectors.shape[1]])
        return attentionPool(vectors, scores: scores, mask: mask)
    }

    private func pooledIncrementally(_ x: Tensor, mask: SequenceMask?) -> (output: Tensor, pooled: [Tensor], weights: [Tensor]) {
        let (b, d) = (x.shape[0], inputSize)
        var pooled: [Tensor] = [], weights: [Tensor] = []
        for (i, linear) in linearLayers.enumerated() {
            var hidden: Tensor
            if i == 0 {
                hidden = linear(x)
            } else {
                let w = linear.weight.value
                let frameWeight = w.sliced(axis: 1, range: 0..<d), pooledWeight = w.sliced(axis: 1, range: d..<w.shape[1])
                var perVideo = matmul(Tensor.concat(pooled, axis: 1), pooledWeight, transposeB: true)
                if let bias = linear.bias { perVideo = perVideo + bias.value }
                hidden = matmul(x, frameWeight, transposeB: true) + perVideo.reshaped(to: [b, 1, hiddenSize])
            }
            let (v, w) = attend(relu(hidden), layer: i, mask: mask)
            pooled.append(v)
            weights.append(w)
        }
        return (Tensor.concat([maskedMean(x, mask: mask)] + pooled, axis: 1), pooled, weights)
    }

    private func pooledByConcatenation(_ x: Tensor, mask: SequenceMask?) -> (output: Tensor, pooled: [Tensor], weights: [Tensor]) {
        let (b, t, h) = (x.shape[0], x.shape[1], hiddenSize)
        var inputs = x
        var pooled: [Tensor] = [], weights: [Tensor] = []
        for (i, linear) in linearLayers.enumerated() {
            let (v, w) = attend(relu(linear(inputs)), layer: i, mask: mask)
            pooled.append(v)
            weights.append(w)
            inputs = dropouts[i](Tensor.concat([inputs, v.reshaped(to: [b, 1, h]).broadcast(to: [b, t, h])], axis: 2))
        }
        return (maskedMean(inputs, mask: mask), pooled, weights)
    }
}

import NN
import Tensor

/// The B7 model: Linear(1152, 256) → 2 × encoder layer (4 heads, FFN 1024,
/// ReLU, post-LayerNorm, dropout 0.1, no positional encoding) → mean over
/// time → Linear(256, 3862).
final class BenchmarkTransformer: Module {
    let projection: Linear, encoder: TransformerEncoder, head: Linear

    init(rng: inout RandomGenerator) {
        projection = Linear(1152, 256, rng: &rng)
        encoder = TransformerEncoder(numLayers: 2, dModel: 256, numHeads: 4, feedForward: 1024, dropout: 0.1, rng: &rng)
        head = Linear(256, 3862, rng: &rng)
    }

    func callAsFunction(_ x: Tensor) -> Tensor { head(encoder(projection(x)).mean(axis: 1)) }
}

/// B7: one training step on x[64, 64, 1152].
let transformerTrainWorkload = Workload(id: "B7", name: "transformer-train", peer: .torch("B7", compiles: true), goal: 0.8) { _ in
    var rng = RandomGenerator(seed: 0)
    let model = BenchmarkTransformer(rng: &rng)
    let adam = Adam(model, learningRate: 1e-3)
    let x = Tensor.normal([64, 64, 1152], using: &rng)
    let y = randomTargets(batch: 64, classes: 3862, using: &rng)
    let ms = Timing.medianMilliseconds {
        adam.zeroGrad()
        let loss = binaryCrossEntropy(logits: model(x), targets: y)
        loss.backward()
        adam.update()
    }
    return ProjectResult(id: "B7", name: "transformer-train", projectMs: ms, projectPeakMB: Timing.peakResidentMB(), unit: "ms/step")
}

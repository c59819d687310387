import NN
import Tensor

/// The B1/B2 model: Linear(1152,2048) → BN → ReLU → [Linear(2048,2048) → BN
/// → ReLU, + residual] → Dropout(0.5) → Linear(2048,3862).
final class BenchmarkMLP: Module {
    let fc1: Linear, bn1: BatchNorm, fc2: Linear, bn2: BatchNorm, dropout: Dropout, head: Linear

    init(rng: inout RandomGenerator) {
        fc1 = Linear(1152, 2048, rng: &rng)
        bn1 = BatchNorm(2048)
        fc2 = Linear(2048, 2048, rng: &rng)
        bn2 = BatchNorm(2048)
        dropout = Dropout(0.5)
        head = Linear(2048, 3862, rng: &rng)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = relu(bn1(fc1(x)))
        let r = relu(bn2(fc2(h))) + h
        return head(dropout(r))
    }
}

/// Multiply-adds of one forward pass of the B1 model per example.
let mlpMultiplyAdds: Double = Double(1152 * 2048 + 2048 * 2048 + 2048 * 3862)

/// Random multi-hot targets with about three positives per row.
func randomTargets(batch: Int, classes: Int, using rng: inout RandomGenerator) -> Tensor {
    var t = Tensor.zeros([batch, classes])
    for i in 0..<batch { for _ in 0..<3 { t.setElement(at: i * classes + rng.nextInt(below: classes), to: 1) } }
    return t
}

/// B1: one training step (forward, BCE, backward, Adam) at batch 256.
let mlpTrainWorkload = Workload(id: "B1", name: "mlp-train", peer: .torch("B1", compiles: true), goal: 0.8) { _ in
    var rng = RandomGenerator(seed: 0)
    let model = BenchmarkMLP(rng: &rng)
    let adam = Adam(model, learningRate: 1e-3)
    let x = Tensor.normal([256, 1152], using: &rng)
    let y = randomTargets(batch: 256, classes: 3862, using: &rng)
    let (ms, insideGemm) = Timing.withGemmRate {
        Timing.medianMilliseconds {
            adam.zeroGrad()
            let loss = binaryCrossEntropy(logits: model(x), targets: y)
            loss.backward()
            adam.update()
        }
    }
    // GEMM work per step: 3 GEMMs (forward, two backward) per Linear layer.
    let flop: Double = 3 * 2 * 256 * mlpMultiplyAdds
    return ProjectResult(id: "B1", name: "mlp-train", projectMs: ms, projectPeakMB: Timing.peakResidentMB(),
                         unit: "ms/step", extra: ["gemm_gflops": insideGemm, "step_gflops": flop / ms / 1e6])
}

/// B2: the B1 model in evaluation mode, batch 1024, forward only.
let mlpInferWorkload = Workload(id: "B2", name: "mlp-infer", peer: .torch("B2", compiles: true), goal: 0.8) { _ in
    var rng = RandomGenerator(seed: 0)
    let model = BenchmarkMLP(rng: &rng)
    model.eval()
    let x = Tensor.normal([1024, 1152], using: &rng)
    let (ms, insideGemm) = Timing.withGemmRate {
        Timing.medianMilliseconds { _ = withoutGrad { sigmoid(model(x)) } }
    }
    let flop: Double = 2 * 1024 * mlpMultiplyAdds
    return ProjectResult(id: "B2", name: "mlp-infer", projectMs: ms, projectPeakMB: Timing.peakResidentMB(),
                         unit: "ms/step", extra: ["gemm_gflops": insideGemm, "step_gflops": flop / ms / 1e6])
}

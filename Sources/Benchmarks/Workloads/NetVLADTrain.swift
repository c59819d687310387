import NN
import Tensor

/// The B3 model: rgb → NetVLAD(K=32, D=1024), audio → NetVLAD(K=16, D=128),
/// concat (34816) → Linear(34816, 1024) → context gating → Linear(1024, 3862).
final class BenchmarkNetVLAD: Module {
    let video: NetVLAD, audio: NetVLAD, hidden: Linear, gating: ContextGating, head: Linear

    init(rng: inout RandomGenerator) {
        video = NetVLAD(featureSize: 1024, clusters: 32, rng: &rng)
        audio = NetVLAD(featureSize: 128, clusters: 16, rng: &rng)
        hidden = Linear(34816, 1024, rng: &rng)
        gating = ContextGating(1024, rng: &rng)
        head = Linear(1024, 3862, rng: &rng)
    }

    func callAsFunction(_ rgb: Tensor, _ sound: Tensor) -> Tensor {
        let pooled = Tensor.concat([video(rgb, lengths: nil), audio(sound, lengths: nil)], axis: 1)
        return head(gating(hidden(pooled)))
    }
}

/// B3: one training step on x[32, 300, 1152], the rgb/audio split included
/// (a copy here, a view in PyTorch).
let netVLADTrainWorkload = Workload(id: "B3", name: "netvlad-train", peer: .torch("B3", compiles: true), goal: 0.8) { _ in
    var rng = RandomGenerator(seed: 0)
    let model = BenchmarkNetVLAD(rng: &rng)
    let adam = Adam(model, learningRate: 1e-3)
    let x = Tensor.normal([32, 300, 1152], using: &rng)
    let y = randomTargets(batch: 32, classes: 3862, using: &rng)
    let ms = Timing.medianMilliseconds {
        adam.zeroGrad()
        let rgb = x.sliced(axis: 2, range: 0..<1024), sound = x.sliced(axis: 2, range: 1024..<1152)
        let loss = binaryCrossEntropy(logits: model(rgb, sound), targets: y)
        loss.backward()
        adam.update()
    }
    return ProjectResult(id: "B3", name: "netvlad-train", projectMs: ms, projectPeakMB: Timing.peakResidentMB(), unit: "ms/step")
}

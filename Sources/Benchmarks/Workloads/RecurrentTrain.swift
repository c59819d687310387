import NN
import Tensor

/// The recurrent layer of B4, B5 or B6.
enum BenchmarkRecurrence { case lstm, gru, qrnn }

/// B4/B5/B6: x[64, 64, 1152] → LSTM / GRU / QRNN(512; QRNN window 2, fo-pooling)
/// → last hidden state → Linear(512, 3862).
final class BenchmarkRecurrent: Module {
    let lstm: LSTM?, gru: GRU?, qrnn: QRNN?, head: Linear

    init(_ kind: BenchmarkRecurrence, rng: inout RandomGenerator) {
        lstm = kind == .lstm ? LSTM(inputSize: 1152, hiddenSize: 512, rng: &rng) : nil
        gru = kind == .gru ? GRU(inputSize: 1152, hiddenSize: 512, rng: &rng) : nil
        qrnn = kind == .qrnn ? QRNN(inputSize: 1152, hiddenSize: 512, window: 2, rng: &rng) : nil
        head = Linear(512, 3862, rng: &rng)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let b = x.shape[0], t = x.shape[1]
        let last: Tensor
        if let lstm { last = lstm(x, lengths: nil).hidden.reshaped(to: [b, 512]) }
        else if let gru { last = gru(x, lengths: nil).hidden.reshaped(to: [b, 512]) }
        else {
            // The last h_t = o_t·c_t (the peer's choice), not the memory c.
            last = qrnn!(x, lengths: nil).output.sliced(axis: 1, range: (t - 1)..<t).reshaped(to: [b, 512])
        }
        return head(last)
    }
}

func recurrentWorkload(_ id: String, _ name: String, _ kind: BenchmarkRecurrence) -> Workload {
    Workload(id: id, name: name, peer: .torch(id, compiles: true), goal: 0.8) { _ in
        var rng = RandomGenerator(seed: 0)
        let model = BenchmarkRecurrent(kind, rng: &rng)
        let adam = Adam(model, learningRate: 1e-3)
        let x = Tensor.normal([64, 64, 1152], using: &rng)
        let y = randomTargets(batch: 64, classes: 3862, using: &rng)
        let ms = Timing.medianMilliseconds {
            adam.zeroGrad()
            let loss = binaryCrossEntropy(logits: model(x), targets: y)
            loss.backward()
            adam.update()
        }
        return ProjectResult(id: id, name: name, projectMs: ms, projectPeakMB: Timing.peakResidentMB(), unit: "ms/step")
    }
}

let lstmTrainWorkload = recurrentWorkload("B4", "lstm-train", .lstm)
let gruTrainWorkload = recurrentWorkload("B5", "gru-train", .gru)
let qrnnTrainWorkload = recurrentWorkload("B6", "qrnn-train", .qrnn)

import Collectives
import FileIO
import Distributed
import Foundation
import NN
import Tensor

/// The models B9 times, by name: B1's MLP at global batch 256 and B3's
/// NetVLAD at global batch 32.
let dataParallelModels = ["B1", "B3"]

/// One training step of a B9 model: forward and backward of this rank's
/// share of the global batch (its loss weighted by its share), the gradient
/// allreduce (overlapping the backward pass), Adam. Returns the median step
/// time and the allreduce's time and unhidden wait, all in ms. Without
/// `overlap` every bucket starts after the backward pass.
func dataParallelStep(_ model: String, communicator: any Communicator, overlap: Bool = true) -> [String: Double] {
    var rng = RandomGenerator(seed: 0)
    let ranks = communicator.size
    let module: Module
    let forward: () -> Tensor
    let targets: Tensor
    switch model {
    case "B1":
        let m = BenchmarkMLP(rng: &rng)
        let x = Tensor.normal([256 / ranks, 1152], using: &rng)
        targets = randomTargets(batch: 256 / ranks, classes: 3862, using: &rng)
        module = m
        forward = { m(x) }
    default:
        let m = BenchmarkNetVLAD(rng: &rng)
        let x = Tensor.normal([32 / ranks, 300, 1152], using: &rng)
        targets = randomTargets(batch: 32 / ranks, classes: 3862, using: &rng)
        module = m
        forward = { m(x.sliced(axis: 2, range: 0..<1024), x.sliced(axis: 2, range: 1024..<1152)) }
    }
    let adam = Adam(module, learningRate: 1e-3)
    let reduce = ranks > 1 ? GradientAllreduce(parameters: { module.trainableParameters }, communicator: communicator) : nil
    if let reduce { CommunicatorReplicas(communicator, through: reduce).synchronizeBatchNorms(of: module) }
    if overlap { reduce?.observeBackwardPasses() }
    var allreduce: [Double] = [], wait: [Double] = []
    let ms = Timing.medianMilliseconds(runs: 7) {
        adam.zeroGrad()
        var loss = binaryCrossEntropy(logits: forward(), targets: targets)
        if ranks > 1 { loss = loss * (1 / Double(ranks)) }
        loss.backward()
        if let reduce {
            try! reduce.sumGradients()   // a failing collective has already ended the job through MPI
            allreduce.append(reduce.lastAllreduceSeconds * 1000)
            wait.append(reduce.lastWaitSeconds * 1000)
        }
        adam.update()
        reduce?.mapLeaves()
    }
    reduce?.stopObserving()
    var out = ["ms": ms]
    if reduce != nil {
        out["allreduce_ms"] = Timing.median(allreduce)
        out["wait_ms"] = Timing.median(wait)
    }
    return out
}

/// B9: a training step of B1's and B3's models on 1 rank × 2 threads
/// against 2 ranks × 1 thread (`mpirun -np 2`), with the allreduce time per
/// step and the fraction of it hidden behind the backward pass.
let dataParallelWorkload = Workload(id: "B9", name: "data-parallel-step", peer: nil) { threads in
    var rows: [String: [String: Double]] = [:]
    for model in dataParallelModels {
        let single = dataParallelStep(model, communicator: SingleProcessCommunicator())["ms"] ?? .nan
        var row = ["one_rank_ms": single, "one_rank_threads": Double(threads)]
        if let ranks = runRanks(model) {
            row["two_ranks_ms"] = ranks["ms"]
            row["allreduce_ms"] = ranks["allreduce_ms"]
            row["wait_ms"] = ranks["wait_ms"]
        }
        if let sequential = runRanks(model + "-sequential") { row["two_ranks_sequential_ms"] = sequential["ms"] }
        rows[model] = row
    }
    let b1 = rows["B1"]?["two_ranks_ms"] ?? .nan
    return ProjectResult(id: "B9", name: "data-parallel-step", projectMs: b1, projectPeakMB: Timing.peakResidentMB(),
                         unit: "ms/step", rows: rows)
}

/// Rank 0's figures of `mpirun -np 2` running this executable's rank mode
/// with one thread each; nil (with a note) when mpirun fails.
func runRanks(_ model: String) -> [String: Double]? {
    var environment = ProcessInfo.processInfo.environment
    environment["OMPI_ALLOW_RUN_AS_ROOT"] = environment["OMPI_ALLOW_RUN_AS_ROOT"] ?? "1"
    environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] ?? "1"
    // mpirun's and the ranks' standard error is this process's, as it comes.
    let mpirun = ChildProcess(executable: "/usr/bin/env",
                              arguments: ["mpirun", "-np", "2", "--bind-to", "none", "-x", "TENSOR_NUM_THREADS=1",
                                          "-x", "OPENBLAS_NUM_THREADS=1", ChildProcess.thisExecutable, "--rank-step", model],
                              environment: environment, standardError: .inherited)
    let result: ChildProcess.Result
    do { result = try mpirun.run() } catch {
        writeToStandardError("note: B9: \(error)\n")   // "cannot start /usr/bin/env: <reason>"
        return nil
    }
    guard result.succeeded, let line = result.lastOutputLine,
          let figures = try? JSONDecoder().decode([String: Double].self, from: Data(line.utf8)) else {
        writeToStandardError("note: B9's mpirun for \(model) failed (exit \(result.status))\n")
        return nil
    }
    return figures
}

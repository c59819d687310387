/// What one project-side workload reports (one JSON object per workload).
struct ProjectResult: Codable {
    var id: String
    var name: String
    var projectMs: Double
    var projectPeakMB: Double
    var unit: String
    /// Extra figures (GFLOP/s, GB/s, records/s, the direct-cblas time of B0, …).
    var extra: [String: Double] = [:]
    /// Extra rows for workloads that measure several kernels (name → figures).
    var rows: [String: [String: Double]] = [:]
    /// The OpenBLAS core the child process loaded (set by the runner's child mode).
    var openblasCore: String = ""
}

/// The same work written for PyTorch or TensorFlow, run as a process of its own.
struct Peer {
    /// The script in Benchmarks/peers and its arguments (the workload id first).
    let script: String
    let arguments: [String]
    /// Whether the script also runs the work under `torch.compile` (`--compile`).
    let compiles: Bool

    /// `torch_peer.py ID`, eager, and compiled too when `compiles`.
    static func torch(_ id: String, compiles: Bool) -> Peer {
        Peer(script: "torch_peer.py", arguments: [id], compiles: compiles)
    }
}

/// A benchmark workload of docs/benchmarks.md (or a project-internal one).
struct Workload {
    let id: String
    let name: String
    /// The peer, or nil when there is no peer.
    let peer: Peer?
    /// The largest acceptable ratio project / faster peer, when there is a goal.
    var goal: Double? = nil
    let run: (_ threads: Int) -> ProjectResult
}

/// Every workload the runner knows, in table order.
let workloads: [Workload] = [
    gemmWorkload,
    mlpTrainWorkload,
    mlpInferWorkload,
    netVLADTrainWorkload,
    lstmTrainWorkload,
    gruTrainWorkload,
    qrnnTrainWorkload,
    transformerTrainWorkload,
    tfrecordReadWorkload,
    dataParallelWorkload,
    kernelBandwidthWorkload,
    wholeToolWorkload,
]


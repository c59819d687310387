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
}

/// A benchmark workload of docs/benchmarks.md (or a project-internal one).
struct Workload {
    let id: String
    let name: String
    /// The peer script and its workload argument, or nil when there is no peer.
    let peer: (script: String, arguments: [String])?
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


import FileIO
import Tensor
import Foundation
import NN

struct TableRow {
    let workload: Workload
    let project: ProjectResult
    let peer: [String: Double]?
    /// Share of the machine used by other processes during the runs.
    let foreignShare: Double
}

/// The printed table and the JSON file of docs/benchmarks.md.
enum Report {
    static func render(_ rows: [TableRow], threads: Int) -> String {
        var lines = ["threads: \(threads)", ""]
        lines.append(pad(["workload", "project", "peer", "ratio", "project peak MB", "peer peak MB", "foreign CPU"]))
        for r in rows {
            let peerMs = r.peer?["peer_ms"]
            lines.append(pad([
                "\(r.workload.id) \(r.workload.name)",
                String(format: "%.2f %@", r.project.projectMs, r.project.unit),
                peerMs.map { String(format: "%.2f %@", $0, r.project.unit) } ?? "—",
                peerMs.map { String(format: "%.3f", r.project.projectMs / $0) } ?? "—",
                String(format: "%.0f", r.project.projectPeakMB),
                r.peer?["peer_peak_mb"].map { p in
                    let fw = r.peer?["framework_mb"].map { String(format: " (%.0f w/o framework)", p - $0) } ?? ""
                    return String(format: "%.0f", p) + fw
                } ?? "—",
                String(format: "%.0f%%", r.foreignShare * 100),
            ]))
        }
        for r in rows where r.workload.id == "B0" {
            let e = r.project.extra
            lines.append("")
            lines.append("B0 gemm 2048³ float32:")
            lines.append(pad(["implementation", "ms", "GFLOP/s", "ratio to direct cblas_sgemm"]))
            let direct = e["direct_cblas_ms"] ?? .nan
            func row(_ name: String, _ ms: Double?) {
                guard let ms else { return }
                lines.append(pad([name, String(format: "%.2f", ms), String(format: "%.1f", 2 * pow(2048.0, 3) / ms / 1e6),
                                  String(format: "%.3f", ms / direct)]))
            }
            row("library matmul", r.project.projectMs)
            row("direct cblas_sgemm", direct)
            row("numpy matmul", r.peer?["numpy_ms"])
            row("torch matmul", r.peer?["peer_ms"])
        }
        for r in rows where r.workload.id == "B9" {
            lines.append("")
            lines.append("B9 data-parallel training step (global batch: B1 256, B3 32):")
            lines.append(pad(["model", "1 rank × \(threads) thr", "2 ranks × 1", "speed-up", "allreduce ms", "hidden",
                              "2 ranks, no overlap"]))
            for (model, v) in r.project.rows.sorted(by: { $0.key < $1.key }) {
                let one = v["one_rank_ms"] ?? .nan, two = v["two_ranks_ms"] ?? .nan
                let reduce = v["allreduce_ms"] ?? .nan, wait = v["wait_ms"] ?? .nan
                let hidden = reduce > 0 ? max(0, 1 - wait / reduce) : .nan
                lines.append(pad([model, String(format: "%.1f ms", one), String(format: "%.1f ms", two),
                                  String(format: "%.2f×", one / two), String(format: "%.1f", reduce),
                                  String(format: "%.0f%%", hidden * 100),
                                  String(format: "%.1f ms", v["two_ranks_sequential_ms"] ?? .nan)]))
            }
        }
        for r in rows where !r.project.rows.isEmpty && r.workload.id != "B9" {
            lines.append("")
            lines.append("\(r.workload.id) \(r.workload.name):")
            lines.append(pad(["kernel", "ms", "GB/s", "time / ideal at copy bandwidth"]))
            for (name, v) in r.project.rows.sorted(by: { ($0.value["ratio_to_copy"] ?? 0) < ($1.value["ratio_to_copy"] ?? 0) }) {
                lines.append(pad([name, String(format: "%.2f", v["ms"] ?? .nan), String(format: "%.1f", v["gb_per_s"] ?? .nan),
                                  String(format: "%.2f", v["ratio_to_copy"] ?? .nan)]))
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func pad(_ cells: [String]) -> String {
        let widths = [30, 14, 14, 8, 16, 28]
        return cells.enumerated().map { i, c in
            let w = i < widths.count ? widths[i] : 12
            return c.count >= w ? c + " " : c + String(repeating: " ", count: w - c.count)
        }.joined()
    }

    static func writeJSON(_ rows: [TableRow], to path: String) throws {
        var list: [[String: Any]] = []
        for r in rows {
            var o: [String: Any] = ["id": r.project.id, "name": r.project.name, "project_ms": r.project.projectMs,
                                    "project_peak_mb": r.project.projectPeakMB, "unit": r.project.unit,
                                    "foreign_cpu_pct": r.foreignShare * 100]
            if let p = r.peer {
                o["peer_ms"] = p["peer_ms"]
                o["peer_peak_mb"] = p["peer_peak_mb"]
                if let ms = p["peer_ms"] { o["ratio"] = r.project.projectMs / ms }
                if let g = p["peer_gflops"] { o["peer_gflops"] = g }
            }
            for (k, v) in r.project.extra { o[k] = v }
            if !r.project.rows.isEmpty { o["rows"] = r.project.rows }
            list.append(o)
        }
        let data = try JSONSerialization.data(withJSONObject: list, options: [.prettyPrinted, .sortedKeys])
        let file = try AtomicFileWriter(path: path)
        try data.withUnsafeBytes { try file.write($0) }
        try file.commit()
    }
}

import FileIO
import Foundation

/// One round of one workload in one column: the project's figures and the
/// peer's, eager and compiled (nil where there is no peer or it failed).
struct Round {
    let project: ProjectResult
    let eager: [String: Double]?
    let compiled: [String: Double]?
    /// Share of the machine other processes used during the round.
    let foreignShare: Double

    /// The faster of the two peers' times this round.
    var peerMs: Double? { [eager?["peer_ms"], compiled?["peer_ms"]].compactMap { $0 }.min() }
    var ratio: Double? { peerMs.map { project.projectMs / $0 } }
}

/// A workload's rounds, one list per column.
struct WorkloadResult {
    let workload: Workload
    let columns: [[Round]]
}

struct RunSettings {
    let threads: Int, rounds: Int, warmup: Int, steps: Int
}

/// The figures of one workload in one column, over its rounds.
struct ColumnSummary {
    let rounds: [Round]

    var projectMs: Double { Timing.median(rounds.map(\.project.projectMs)) }
    var eagerMs: Double? { medianOf(rounds.compactMap { $0.eager?["peer_ms"] }) }
    var compiledMs: Double? { medianOf(rounds.compactMap { $0.compiled?["peer_ms"] }) }
    var ratios: [Double] { rounds.compactMap(\.ratio) }
    var ratio: Double? { medianOf(ratios) }
    /// The widest distance of a round's ratio from the median, as a fraction of it.
    var spread: Double? {
        guard let m = ratio, m > 0 else { return nil }
        return ratios.map { abs($0 / m - 1) }.max()
    }
    /// Wider than ±10 %: the rounds disagree, so the median is not yet a figure.
    var isNoisy: Bool { (spread ?? 0) > 0.10 }
    var projectPeakMB: Double { rounds.map(\.project.projectPeakMB).max() ?? .nan }
    var peerPeakMB: Double? { medianOf(rounds.compactMap { $0.eager?["peer_peak_mb"] }) }
    /// The eager peer's peak minus the memory of the imported framework alone.
    var peerWorkloadMB: Double? {
        medianOf(rounds.compactMap { r in r.eager.flatMap { e in e["peer_peak_mb"].flatMap { p in e["framework_mb"].map { p - $0 } } } })
    }
    var foreignShare: Double { rounds.map(\.foreignShare).max() ?? 0 }
    var openblasCores: [String] { Array(Set(rounds.map(\.project.openblasCore))).sorted() }
    /// The median over rounds of each extra figure of the project.
    var extra: [String: Double] {
        let keys = Set(rounds.flatMap { $0.project.extra.keys })
        return Dictionary(uniqueKeysWithValues: keys.compactMap { k in medianOf(rounds.compactMap { $0.project.extra[k] }).map { (k, $0) } })
    }
    /// The median over rounds of each figure of each extra row.
    var rows: [String: [String: Double]] {
        let names = Set(rounds.flatMap { $0.project.rows.keys })
        return Dictionary(uniqueKeysWithValues: names.map { name in
            let keys = Set(rounds.flatMap { $0.project.rows[name]?.keys ?? [:].keys })
            return (name, Dictionary(uniqueKeysWithValues: keys.compactMap { k in
                medianOf(rounds.compactMap { $0.project.rows[name]?[k] }).map { (k, $0) }
            }))
        })
    }
    func peerFigure(_ key: String) -> Double? { medianOf(rounds.compactMap { $0.eager?[key] }) }
}

private func medianOf(_ xs: [Double]) -> Double? { xs.isEmpty ? nil : Timing.median(xs) }

/// The printed table and the JSON file of docs/benchmarks.md.
enum Report {
    static func render(_ results: [WorkloadResult], machine: Machine, columns: [EnvironmentColumn], settings: RunSettings) -> String {
        var lines = header(machine: machine, columns: columns, settings: settings, results: results)
        for (c, column) in columns.enumerated() {
            let summaries = results.map { ($0.workload, ColumnSummary(rounds: $0.columns[c])) }
            lines.append("")
            lines.append("## \(column.title): \(column.description)")
            lines.append("")
            lines.append(pad(["workload", "project", "torch eager", "torch.compile", "ratio [min–max]", "goal",
                              "project MB", "peer MB (w/o framework)", "notes"]))
            let b0 = summaries.first { $0.0.id == "B0" }?.1
            for (w, s) in summaries where w.id != "B0" {
                lines.append(pad(row(w, s, b0: b0)))
            }
            if let b0 { lines += gemmSection(b0, machine: machine) }
            for (w, s) in summaries where w.id == "B9" { lines += dataParallelSection(s, threads: settings.threads) }
            for (w, s) in summaries where w.id == "B10" { lines += wholeToolSection(s) }
            for (w, s) in summaries where !["B9", "B10"].contains(w.id) && !s.rows.isEmpty { lines += kernelSection(w, s) }
        }
        return lines.joined(separator: "\n")
    }

    private static func header(machine: Machine, columns: [EnvironmentColumn], settings: RunSettings,
                               results: [WorkloadResult]) -> [String] {
        var lines = ["machine: \(machine.cpu), \(ProcessInfo.processInfo.activeProcessorCount) CPUs, vector ISAs: "
                     + (machine.isas.isEmpty ? "none probed" : machine.isas.joined(separator: ", "))]
        let ceilings = machine.isas.compactMap { isa in
            machine.fmaCeilingGFLOPs[isa].map { String(format: "%@ %.0f GFLOP/s", isaName(isa), $0) }
        }
        if !ceilings.isEmpty {
            lines.append("fp32 FMA ceiling on \(machine.threads) thread(s), measured: " + ceilings.joined(separator: ", "))
        }
        lines.append("OpenBLAS: \(machine.openblasConfig)")
        for (c, column) in columns.enumerated() {
            let cores = Set(results.flatMap { $0.columns[c].map(\.project.openblasCore) }).sorted()
            lines.append("OpenBLAS core loaded, \(column.title): " + (cores.isEmpty ? Machine.openblasCore() : cores.joined(separator: ", ")))
        }
        lines.append("threads: \(settings.threads) (library, OpenBLAS and peers)")
        lines.append("rounds: \(settings.rounds) interleaved (project, torch eager, torch.compile), each \(settings.warmup) warm-up "
                     + "and \(settings.steps) timed steps; a round's figure is its median step")
        lines.append("ratio: project / the faster peer of the round, median over rounds [min–max]; "
                     + "'noisy' marks a spread wider than ±10 %")
        return lines
    }

    private static func row(_ w: Workload, _ s: ColumnSummary, b0: ColumnSummary?) -> [String] {
        let unit = s.rounds.first?.project.unit ?? "ms"
        var notes: [String] = []
        if let r = s.ratio, let goal = w.goal, r > goal { notes.append("above goal") }
        if s.isNoisy, let spread = s.spread { notes.append(String(format: "noisy (±%.0f%%)", spread * 100)) }
        if let peer = s.peerWorkloadMB, s.projectPeakMB > peer { notes.append("memory above peer's") }
        if let gemm = s.extra["gemm_gflops"], let step = s.extra["step_gflops"], let direct = b0?.extra["direct_cblas_gflops"] {
            notes.append(String(format: "GEMMs at %.0f%% of B0 (whole step %.0f%%)", gemm / direct * 100, step / direct * 100))
        }
        if s.foreignShare > 0.1 { notes.append(String(format: "foreign CPU %.0f%%", s.foreignShare * 100)) }
        return [
            "\(w.id) \(w.name)",
            String(format: "%.2f %@", s.projectMs, unit),
            s.eagerMs.map { String(format: "%.2f", $0) } ?? "—",
            s.compiledMs.map { String(format: "%.2f", $0) } ?? "—",
            s.ratio.map { r in String(format: "%.3f [%.3f–%.3f]", r, s.ratios.min()!, s.ratios.max()!) } ?? "—",
            w.goal.map { String(format: "≤ %.1f", $0) } ?? "",
            String(format: "%.0f", s.projectPeakMB),
            s.peerPeakMB.map { p in String(format: "%.0f", p) + (s.peerWorkloadMB.map { String(format: " (%.0f)", $0) } ?? "") } ?? "—",
            notes.joined(separator: "; "),
        ]
    }

    private static func gemmSection(_ s: ColumnSummary, machine: Machine) -> [String] {
        let flop = 2.0 * 2048 * 2048 * 2048
        let core = s.openblasCores.first ?? Machine.openblasCore()
        let inUse = Machine.isa(ofOpenBLASCore: core)
        var lines = ["", "B0 gemm 2048³ float32 (OpenBLAS core \(core)):",
                     pad(["implementation", "ms", "GFLOP/s", "of \(inUse.map(isaName) ?? "its ISA") ceiling",
                          "of best ISA (\(machine.bestISA.map(isaName) ?? "—"))"])]
        func row(_ name: String, _ ms: Double?) {
            guard let ms else { return }
            let gflops = flop / ms / 1e6
            func share(_ isa: String?) -> String {
                guard let isa, let ceiling = machine.fmaCeilingGFLOPs[isa] else { return "—" }
                return String(format: "%.0f%%", gflops / ceiling * 100)
            }
            lines.append(pad([name, String(format: "%.2f", ms), String(format: "%.1f", gflops), share(inUse), share(machine.bestISA)]))
        }
        row("library matmul", s.projectMs)
        row("direct cblas_sgemm", s.extra["direct_cblas_ms"])
        row("torch matmul (MKL)", s.eagerMs)
        row("numpy matmul", s.peerFigure("numpy_ms"))
        return lines
    }

    private static func dataParallelSection(_ s: ColumnSummary, threads: Int) -> [String] {
        var lines = ["", "B9 data-parallel training step (global batch: B1 256, B3 32):",
                     pad(["model", "1 rank × \(threads) thr", "2 ranks × 1", "speed-up", "allreduce ms", "hidden",
                          "2 ranks, no overlap"])]
        for (model, v) in s.rows.sorted(by: { $0.key < $1.key }) {
            let one = v["one_rank_ms"] ?? .nan, two = v["two_ranks_ms"] ?? .nan
            let reduce = v["allreduce_ms"] ?? .nan, wait = v["wait_ms"] ?? .nan
            let hidden = reduce > 0 ? max(0, 1 - wait / reduce) : .nan
            lines.append(pad([model, String(format: "%.1f ms", one), String(format: "%.1f ms", two),
                              String(format: "%.2f×", one / two), String(format: "%.1f", reduce),
                              String(format: "%.0f%%", hidden * 100),
                              String(format: "%.1f ms", v["two_ranks_sequential_ms"] ?? .nan)]))
        }
        return lines
    }

    private static func wholeToolSection(_ s: ColumnSummary) -> [String] {
        let limit = s.extra["data_wait_limit"] ?? 0.05
        var lines = ["", "B10 whole-tool-train (yt8m train --size paper):",
                     pad(["model", "batch", "ms/step", "examples/s", "data wait", "peak MB", ""])]
        for (model, v) in s.rows.sorted(by: { $0.key < $1.key }) {
            let wait = v["data_wait_fraction"] ?? .nan
            lines.append(pad([model, String(format: "%.0f", v["batch_size"] ?? .nan), String(format: "%.0f", v["ms"] ?? .nan),
                              String(format: "%.1f", v["examples_per_s"] ?? .nan), String(format: "%.1f%%", wait * 100),
                              String(format: "%.0f", v["peak_mb"] ?? .nan),
                              wait >= limit ? String(format: "data wait at or above %.0f%%", limit * 100) : ""]))
        }
        return lines
    }

    private static func kernelSection(_ w: Workload, _ s: ColumnSummary) -> [String] {
        var lines = ["", "\(w.id) \(w.name):", pad(["kernel", "ms", "GB/s", "time / ideal at copy bandwidth"])]
        for (name, v) in s.rows.sorted(by: { ($0.value["ratio_to_copy"] ?? 0) < ($1.value["ratio_to_copy"] ?? 0) }) {
            lines.append(pad([name, String(format: "%.2f", v["ms"] ?? .nan), String(format: "%.1f", v["gb_per_s"] ?? .nan),
                              String(format: "%.2f", v["ratio_to_copy"] ?? .nan)]))
        }
        return lines
    }

    private static func isaName(_ isa: String) -> String { isa == "avx512" ? "AVX-512" : isa.uppercased() }

    private static func pad(_ cells: [String]) -> String {
        let widths = [24, 16, 13, 15, 24, 7, 12, 25]
        return cells.enumerated().map { i, c in
            let w = i < widths.count ? widths[i] : 12
            return c.count >= w ? c + " " : c + String(repeating: " ", count: w - c.count)
        }.joined().trimmingCharacters(in: .whitespaces)
    }

    static func writeJSON(_ results: [WorkloadResult], machine: Machine, columns: [EnvironmentColumn], settings: RunSettings,
                          to path: String) throws {
        var list: [[String: Any]] = []
        for r in results {
            for (c, column) in columns.enumerated() {
                let s = ColumnSummary(rounds: r.columns[c])
                var o: [String: Any] = ["id": r.workload.id, "name": r.workload.name, "column": column.title,
                                        "project_ms": s.projectMs, "project_peak_mb": s.projectPeakMB,
                                        "unit": s.rounds.first?.project.unit ?? "ms", "rounds": settings.rounds,
                                        "openblas_core": s.openblasCores.joined(separator: ","),
                                        "foreign_cpu_pct": s.foreignShare * 100,
                                        "round_project_ms": s.rounds.map(\.project.projectMs)]
                if let v = s.eagerMs { o["peer_ms"] = v }
                if let v = s.compiledMs { o["compiled_peer_ms"] = v }
                if let v = s.ratio { o["ratio"] = v; o["ratio_min"] = s.ratios.min(); o["ratio_max"] = s.ratios.max() }
                o["round_ratios"] = s.ratios
                if let v = s.peerPeakMB { o["peer_peak_mb"] = v }
                if let v = s.peerWorkloadMB { o["peer_peak_without_framework_mb"] = v }
                if let g = r.workload.goal { o["goal"] = g }
                for (k, v) in s.extra { o[k] = v }
                if !s.rows.isEmpty { o["rows"] = s.rows }
                list.append(o)
            }
        }
        let document: [String: Any] = [
            "machine": ["cpu": machine.cpu, "isas": machine.isas, "fma_ceiling_gflops": machine.fmaCeilingGFLOPs,
                        "threads": machine.threads, "openblas_config": machine.openblasConfig,
                        "openblas_variables": machine.openblasVariables],
            "workloads": list,
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        let file = try AtomicFileWriter(path: path)
        try data.withUnsafeBytes { try file.write($0) }
        try file.commit()
    }
}

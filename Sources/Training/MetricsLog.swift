import FileIO
import Tensor
import Foundation

/// A CSV log of every metric of a run: one row per step that reported
/// anything, one column per metric name (in order of first appearance).
/// The file is rewritten atomically on each `save`, so it is never
/// half-written and can be read while training runs.
public final class MetricsLog {
    /// The metric names, in order of first appearance (the CSV columns after `step`).
    public private(set) var columns: [String] = []
    /// One row per step that reported anything, in order, with the metrics reported at it.
    public private(set) var rows: [(step: Int, values: [String: Double])] = []

    /// An empty log.
    public init() {}

    /// The column of each step's examples per second of step time (``Throughput/examplesPerSecond``).
    public static let examplesPerSecond = "examples_per_s"
    /// The column of each step's share of its time spent waiting for its
    /// batch, a fraction from 0 to 1 (``Throughput/dataWaitFraction``).
    public static let dataWaitFraction = "data_wait_fraction"
    /// The columns that are wall-clock measurements: they differ between two
    /// runs that train identically (and a resumed run keeps the interrupted
    /// run's values up to its checkpoint), so comparisons of runs leave them out.
    public static let timingColumns: Set<String> = [examplesPerSecond, dataWaitFraction]

    /// The log without the ``timingColumns``: what two identical runs write alike.
    public func withoutTimingColumns() -> MetricsLog {
        let log = MetricsLog()
        log.columns = columns.filter { !Self.timingColumns.contains($0) }
        log.rows = rows.compactMap { row in
            let values = row.values.filter { !Self.timingColumns.contains($0.key) }
            return values.isEmpty ? nil : (row.step, values)
        }
        return log
    }

    /// Records metrics for a step (merging with a row already at that step).
    public func record(step: Int, _ values: [String: Double]) {
        for k in values.keys.sorted() where !columns.contains(k) { columns.append(k) }
        if let last = rows.indices.last, rows[last].step == step {
            rows[last].values.merge(values) { $1 }
        } else {
            rows.append((step, values))
        }
    }

    /// Takes the rows of `saved` up to `step` and its columns in its order, for
    /// a resumed run: the order is the one the interrupted run first met its
    /// metrics in, which re-recording the rows one by one would not keep.
    func keepRows(of saved: MetricsLog, upTo step: Int) {
        for c in saved.columns where !columns.contains(c) { columns.append(c) }
        for row in saved.rows where row.step <= step { record(step: row.step, row.values) }
    }

    /// The values of one metric with their steps.
    public func series(_ name: String) -> [(step: Int, value: Double)] {
        rows.compactMap { row in row.values[name].map { (row.step, $0) } }
    }

    /// The CSV text: header `step,<metrics…>`, empty cells where a metric was not reported.
    public func csv() -> String {
        var lines = [(["step"] + columns).joined(separator: ",")]
        for row in rows {
            lines.append(([String(row.step)] + columns.map { row.values[$0].map { String($0) } ?? "" }).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes ``csv()`` to `path`, atomically.
    public func save(to path: String) throws {
        try writeAtomically(csv(), to: path)
    }

    /// Reads a log written by `save` (for resuming a run).
    public static func load(from path: String) throws -> MetricsLog {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard !lines.isEmpty else { return MetricsLog() }
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard header.first == "step" else { throw MetricsLogError(path: path, line: 1, reason: "header must start with 'step'") }
        let log = MetricsLog()
        log.columns = Array(header.dropFirst())
        for (i, line) in lines.enumerated() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == header.count, let step = Int(cells[0]) else {
                throw MetricsLogError(path: path, line: i + 2, reason: "expected \(header.count) cells starting with a step number")
            }
            var values: [String: Double] = [:]
            for (name, cell) in zip(log.columns, cells.dropFirst()) where !cell.isEmpty {
                guard let v = Double(cell) else { throw MetricsLogError(path: path, line: i + 2, reason: "'\(cell)' in column \(name) is not a number") }
                values[name] = v
            }
            log.rows.append((step, values))
        }
        return log
    }
}

/// A metrics log that cannot be read, with its file and line.
public struct MetricsLogError: Error, CustomStringConvertible {
    /// The file that was read.
    public let path: String
    /// The line with the problem, from 1 (the header).
    public let line: Int
    /// What was wrong with the line.
    public let reason: String
    /// The problem in words, naming what was wrong and where.
    public var description: String { "\(path):\(line): \(reason)" }
}

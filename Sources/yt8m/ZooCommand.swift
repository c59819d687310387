import Tensor
import ArgumentParser
import Foundation
import Zoo

/// `yt8m zoo`: the architectures of the zoo with their sizes.
struct ZooList: ParsableCommand {
    static var configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "List the zoo's architectures with their parameter counts and sizes.",
        discussion: """
            Counts come from a shape-only build of each configuration, which allocates no weights. \
            Paper sizes use the 2018 vocabulary (3862 classes) unless --num-classes says otherwise; \
            MB is the float32 size (and after partial 8-bit quantization, for tensors over 17,000 elements).
            """)

    @Option(help: "Configuration: paper (the references' sizes) or small (tests and the demo).")
    var size: ModelSize = .paper

    @Option(help: "Number of classes.")
    var numClasses: Int = 3862

    @Option(help: "Show one model's configuration as JSON instead of the table.")
    var show: String?

    @Flag(name: [.long, .customLong("long")],
          help: "Add each model's summary and the full reported result, each on a line of its own (the table keeps to 100 columns).")
    var wide = false

    @Flag(help: "Print the table as JSON (one object per model, for scripts).")
    var json = false

    func validate() throws {
        guard numClasses > 0 else { throw ValidationError("--num-classes must be positive, got \(numClasses)") }
    }

    func run() throws {
        if let name = show {
            let entry = try ModelZoo.entry(named: name)
            print(try entry.configuration(size: size))
            return
        }
        if json {
            // Exact counts and the whole reported result: what a script wants, not what fits a terminal.
            let models: [[String: Any]] = try ModelZoo.entries.map { e in
                let n = try e.parameterCount(size: size, numClasses: numClasses)
                var object: [String: Any] = ["name": e.name, "level": e.level.rawValue, "parameters": n,
                                             "megabytes": Double(n) * 4 / 1e6, "summary": e.summary]
                if let gap = e.reportedGAP { object["reportedGAP"] = gap }
                return object
            }
            let data = try JSONSerialization.data(withJSONObject: models, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        let header = ["model", "level", "parameters", "MB", "reported GAP"]
        var rows: [[String]] = [], details: [String] = []
        for e in ModelZoo.entries {
            let n = try e.parameterCount(size: size, numClasses: numClasses)
            // The table keeps the leading figure; --wide gives the whole result with its source.
            let gap = e.reportedGAP.map { String($0.prefix { !$0.isWhitespace }) } ?? "—"
            rows.append([e.name, e.level.rawValue, String(format: "%.2f M", Double(n) / 1e6),
                         String(format: "%.1f", Double(n) * 4 / 1e6), gap])
            details.append("    " + e.summary + (e.reportedGAP.map { "; reported: " + $0 } ?? ""))
        }
        let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) + 2 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined()
        }
        print(line(header))
        for (r, detail) in zip(rows, details) {
            print(line(r))
            if wide { print(detail) }
        }
    }
}

extension ModelSize: ExpressibleByArgument {}

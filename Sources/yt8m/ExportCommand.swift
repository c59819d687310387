import Training
import ArgumentParser
import Foundation

/// `yt8m export`: partial 8-bit quantization under a size budget.
struct Export: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Export a checkpoint with partial 8-bit quantization and report size and GAP before and after.",
        discussion: """
            Float tensors with more than --min-elements elements are stored as uint8 codes of 256 evenly \
            spaced levels between their minimum and maximum (miha's quant_uniform, 2018 1st place); the rest \
            stay float32. The 2018 challenge limited the final model to 1 GB.
            """)

    @OptionGroup var options: CheckpointData

    @Option(help: "Output safetensors file (written atomically).")
    var out: String

    @Option(help: "Quantize tensors with more elements than this.")
    var minElements = 17_000

    @Option(help: "Size budget in MB.")
    var budgetMB = 1000.0

    func run() throws {
        try requireOneProcess("export")
        let export = try options.open().run.export(to: out, minimumElements: minElements)
        let (report, before, after) = (export.quantization, export.before, export.after)
        print(report)
        print(String(format: "GAP@20 %.4f → %.4f (%+.4f) on %d videos", before.globalAveragePrecision,
                     after.globalAveragePrecision, after.globalAveragePrecision - before.globalAveragePrecision, after.videoCount))
        let mb = export.megabytes
        print(String(format: "size %.1f MB of the %.0f MB budget: %@", mb, budgetMB, mb <= budgetMB ? "within" : "OVER"))
        if mb > budgetMB { throw ExitCode.failure }
    }
}

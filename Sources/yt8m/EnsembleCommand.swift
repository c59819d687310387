import Training
import ArgumentParser
import Foundation
import Tensor

/// `yt8m ensemble`: a weighted average of several checkpoints' predictions.
struct Ensemble: ParsableCommand {
    static var configuration = CommandConfiguration(
        abstract: "Average several checkpoints' predictions, weights found by random search on labelled validation data.",
        discussion: """
            Each checkpoint is run over the validation videos; the weights (≥ 0, summing to 1) with the \
            best GAP@20 among equal weights, each model alone and --trials random draws are kept, so \
            the ensemble never scores below its best member on the validation set. --weights skips the \
            search. With --out, the weighted ensemble's submission over --data is written (atomically). \
            The models must read the same videos in the same order: on real data that means one record \
            level (video or frame); on the synthetic data (the default) any mix works.
            """)

    @Option(parsing: .upToNextOption, help: "Checkpoints written by `yt8m train` (two or more).")
    var checkpoints: [String]

    @Option(parsing: .upToNextOption, help: "Labelled TFRecords to find the weights on (default: the synthetic validation split).")
    var validation: [String] = []

    @Option(parsing: .upToNextOption, help: "TFRecords to predict for --out (default: the synthetic validation split).")
    var data: [String] = []

    @Option(parsing: .upToNextOption, help: "Weights, one per checkpoint, summing to 1 (skips the search).")
    var weights: [Double] = []

    @Option(help: "Random weightings tried besides equal weights and each model alone.")
    var trials = 200

    @Option(help: "Seed of the random search.")
    var seed: UInt64 = 0

    @Option(help: "Write the ensemble's Kaggle submission CSV here.")
    var out: String?

    @Option(help: "Label/score pairs per video in --out.")
    var topK = 20

    @OptionGroup var formatOptions: FormatOptions

    @Option(help: "Videos per batch.")
    var batchSize = 128

    @Option(help: "Threads for BLAS and kernels.")
    var threads: Int?

    func validate() throws {
        guard checkpoints.count >= 2 else { throw ValidationError("--checkpoints needs at least two checkpoints, got \(checkpoints.count)") }
        guard trials >= 0, topK > 0, batchSize > 0 else { throw ValidationError("--trials must be ≥ 0, --top-k and --batch-size positive") }
        if weights.isEmpty && validation.isEmpty && !data.isEmpty {
            throw ValidationError("finding the weights needs labelled --validation data of the same release as --data (or give --weights)")
        }
        if !weights.isEmpty {
            guard weights.count == checkpoints.count else {
                throw ValidationError("--weights has \(weights.count) values for \(checkpoints.count) checkpoints")
            }
            guard weights.allSatisfy({ $0 >= 0 }), abs(weights.reduce(0, +) - 1) <= 1e-4 else {
                throw ValidationError("--weights must be ≥ 0 and sum to 1 (±1e-4), got \(weights) (sum \(weights.reduce(0, +)))")
            }
        }
    }

    func run() throws {
        try requireOneProcess("ensemble")
        if let t = threads { Parallel.threads = t }
        let progress = ProgressPrinter().callback
        let set = try CheckpointSet.forCommand(checkpoints, readsRealData: !(validation + data).isEmpty)
        let ensemble = EnsemblePipeline(checkpoints: set, format: formatOptions.format, batchSize: batchSize)

        var chosen = weights
        // Given weights over given data need no validation pass; otherwise show the validation scores.
        if chosen.isEmpty || !validation.isEmpty || data.isEmpty {
            let result = try ensemble.validate(on: validation, weights: weights.isEmpty ? nil : weights, trials: trials,
                                               seed: seed, progress: progress)
            chosen = result.weights
            if let searched = result.searchedTrials { note("searched \(searched) weightings on \(result.videos) validation videos") }
            for (m, name) in set.paddedNames.enumerated() {
                print(name + String(format: "  weight %.4f  validation GAP@20 %.4f", chosen[m], result.memberGAP[m]))
            }
            print(String(format: "ensemble validation GAP@20 %.4f", result.ensembleGAP))
            print("weights: --weights " + chosen.map { String(format: "%.4f", $0) }.joined(separator: " "))
        }

        guard let out else { return }
        let videos = try ensemble.writeSubmission(over: data, weights: chosen, to: out, topK: topK, progress: progress)
        note("wrote the ensemble's predictions for \(videos) videos to \(out)")
    }
}

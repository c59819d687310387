// The README's "Training from the library" example, built with the package so that it keeps compiling.

import Metrics
import Training
import YT8MData

/// Prints each new best validation GAP.
final class PrintBest: TrainingCallback {
    func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
        if improved { print("step \(trainer.step): best GAP \(trainer.bestGAP)") }
    }
}

// The embedded synthetic data (made on first use); pass TFRecord paths for real data.
let data = try DataSelection.resolve(train: [], validation: [], level: .video, format: .yt8m2018)
var overrides = RecipeOverrides()            // nil fields keep the paper's recipe
overrides.schedule = .cosine
overrides.warmupSteps = 50
overrides.earlyStoppingPatience = 3
let job = try TrainingJob(model: "moe", size: .small, configuration: nil, data: data, steps: 600,
                          overrides: overrides, directory: "runs/moe")
let result = try job.run(callbacks: [PrintBest()])
print(result.validation?.globalAveragePrecision ?? 0)

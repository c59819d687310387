/// Draws `training-curves.svg` and `training-curves.png` (loss and
/// validation metrics against steps) in the run's directory when training ends.
public final class CurvePlotWriter: TrainingCallback {
    /// A writer for the run's curve plot.
    public init() {}

    /// Draws the trainer's ``Trainer/log`` (``MetricsLog/curvePlot(title:)``), titled with the model's name
    /// from the checkpoint metadata and the objective's, and saves the SVG and the PNG.
    public func trainingDidEnd(_ trainer: Trainer) throws {
        let title = "\(trainer.checkpointMetadata["model"] ?? "model") — \(trainer.objective.name)"
        try trainer.log.curvePlot(title: title).save(to: trainer.directory + "/training-curves.svg", png: true)
    }
}

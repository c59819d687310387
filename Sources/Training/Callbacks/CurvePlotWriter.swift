/// Draws `training-curves.svg` and `training-curves.png` (loss and
/// validation metrics against steps) in the run's directory when training ends.
public final class CurvePlotWriter: TrainingCallback {
    public init() {}

    public func trainingDidEnd(_ trainer: Trainer) throws {
        let title = "\(trainer.checkpointMetadata["model"] ?? "model") — \(trainer.objective.name)"
        try trainer.log.curvePlot(title: title).save(to: trainer.directory + "/training-curves.svg", png: true)
    }
}

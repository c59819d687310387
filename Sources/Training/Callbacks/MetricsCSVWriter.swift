import Metrics

/// Writes the trainer's ``Trainer/log`` to `metrics.csv` in the run's
/// directory at every validation point and at the end (atomically, so it is
/// never half-written and can be read while training runs).
public final class MetricsCSVWriter: TrainingCallback {
    /// A writer for the trainer's ``Trainer/metricsPath``.
    public init() {}

    /// Saves the log with the validation point's rows.
    public func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
        try trainer.log.save(to: trainer.metricsPath)
    }

    /// Saves the log with the steps since the last validation point.
    public func trainingDidEnd(_ trainer: Trainer) throws {
        try trainer.log.save(to: trainer.metricsPath)
    }
}

import Metrics

/// Feeds a ``ProgressReporter`` (steps, examples/s, smoothed loss, latest
/// validation GAP, ETA) from the trainer's events.
public final class ProgressCallback: TrainingCallback {
    public let reporter: ProgressReporter
    private var lastGAP: Double?

    public init(_ reporter: ProgressReporter) { self.reporter = reporter }

    public func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
        if let result { lastGAP = result.globalAveragePrecision }
    }

    public func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws {
        reporter.step(report.step, batchSize: report.batchSize, loss: report.loss, validationGAP: lastGAP)
    }
}

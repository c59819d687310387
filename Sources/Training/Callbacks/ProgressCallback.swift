import Metrics

/// Feeds a ``ProgressReporter`` (steps, examples/s, data wait, smoothed
/// loss, latest validation GAP, ETA) from the trainer's events.
public final class ProgressCallback: TrainingCallback {
    /// The reporter that prints the progress lines.
    public let reporter: ProgressReporter
    private var lastGAP: Double?

    /// A callback feeding `reporter`.
    public init(_ reporter: ProgressReporter) { self.reporter = reporter }

    /// Keeps the validation GAP for the next progress lines (a pass without a validation set changes nothing).
    public func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
        if let result { lastGAP = result.globalAveragePrecision }
    }

    /// Passes the step's report (batch size, loss, times) and the latest validation GAP to the reporter.
    public func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws {
        reporter.step(report, validationGAP: lastGAP)
    }
}

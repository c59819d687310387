import Metrics

/// Stops a run when validation GAP has not improved on its best for
/// `patience` validations in a row. It keeps no state of its own: it reads
/// the `val_gap` history in the trainer's log, so a resumed run stops where
/// the uninterrupted one would have.
public final class EarlyStopping: TrainingCallback {
    /// Validations in a row without an improvement that stop the run (> 0).
    public let patience: Int
    /// An improvement smaller than this does not count.
    public let minDelta: Double

    /// Stops after `patience` validations without an improvement of more than `minDelta` (default 0: any gain counts).
    public init(patience: Int, minDelta: Double = 0) {
        precondition(patience > 0, "EarlyStopping: patience must be positive, got \(patience)")
        self.patience = patience
        self.minDelta = minDelta
    }

    /// Validations since the last one that improved on every earlier one by more than `minDelta`.
    static func validationsSinceImprovement(_ gaps: [Double], minDelta: Double) -> Int {
        var best = -Double.infinity, since = 0
        for g in gaps {
            if g > best + minDelta { best = g; since = 0 } else { since += 1 }
        }
        return since
    }

    /// Asks the trainer to stop once the log's `val_gap` history has gone `patience` validations without improving.
    public func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
        let gaps = trainer.log.series("val_gap").map(\.value)
        if EarlyStopping.validationsSinceImprovement(gaps, minDelta: minDelta) >= patience { trainer.requestStop() }
    }
}

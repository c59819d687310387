import Metrics

/// Keeps a run's checkpoints: `last.safetensors` at every validation point
/// (live weights, optimizer state, EMA shadow, data position: what a resume
/// needs) and `best.safetensors` when validation GAP improves (the EMA
/// weights when averaging has started: what prediction loads).
public final class CheckpointWriter: TrainingCallback {
    /// A writer for the trainer's ``Trainer/lastCheckpointPath`` and ``Trainer/bestCheckpointPath``.
    public init() {}

    /// Saves `best.safetensors` (averaged weights) first when `improved`, then `last.safetensors` (live weights).
    public func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
        if improved { try trainer.saveCheckpoint(to: trainer.bestCheckpointPath, averaged: true) }
        try trainer.saveCheckpoint(to: trainer.lastCheckpointPath, averaged: false)
    }
}

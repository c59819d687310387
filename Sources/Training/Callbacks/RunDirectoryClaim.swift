/// Holds the run directory's ``RunDirectoryLock`` for the run, first of the
/// standard callbacks so that nothing is written before the directory is
/// known to be this run's alone and writable; then removes the temporary
/// files a killed earlier run left (their renames never happened, so the
/// files they were meant to replace are whole).
public final class RunDirectoryClaim: TrainingCallback {
    private var lock: RunDirectoryLock?

    /// A claim, taken when training starts.
    public init() {}

    /// Locks the trainer's directory (throwing when another run holds it) and removes an earlier run's leftover temporary files.
    public func trainingWillStart(_ trainer: Trainer) throws {
        lock = try RunDirectoryLock(directory: trainer.directory)
        try RunDirectory.removeLeftovers(trainer.directory)
    }

    /// Releases the lock.
    public func trainingDidEnd(_ trainer: Trainer) throws { release() }

    /// Releases the lock, so a failed run leaves the directory free.
    public func trainingDidFail(_ trainer: Trainer, error: any Error) { release() }

    private func release() {
        lock?.release()
        lock = nil
    }
}

import Training
import ArgumentParser
import Foundation

extension CheckpointSet {
    /// Loads `paths` for `ensemble` or `stack`. Checkpoints that cannot be
    /// used together are a mistake in the command line, so the library's
    /// ``CheckpointSetError`` becomes a usage error (exit 64); a file that
    /// cannot be read stays an error (exit 1).
    static func forCommand(_ paths: [String], readsRealData: Bool) throws -> CheckpointSet {
        do {
            return try CheckpointSet(paths, readsRealData: readsRealData)
        } catch let error as CheckpointSetError {
            throw ValidationError(error.description)
        }
    }

    /// The checkpoint paths padded to one width, for aligned output.
    var paddedNames: [String] {
        let width = paths.map(\.count).max() ?? 0
        return paths.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) }
    }
}

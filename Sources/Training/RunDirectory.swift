import Foundation

/// The files a training run writes in its directory, and starting over
/// without touching anything else: `yt8m train --restart` must never delete
/// what it did not write (a directory of other files, or a checkpoint path
/// given by mistake as `--out`).
public enum RunDirectory {
    /// The names a run writes (checkpoints, the metrics log, the plot).
    public static let runFiles = ["last.safetensors", "best.safetensors", "metrics.csv", "training-curves.svg", "training-curves.png"]

    /// Removes the run files of `path` and the temporary files an
    /// interrupted atomic write of them left (`.NAME.tmp-XXXXXX`); every other
    /// file stays; likewise the TensorBoard event files in `tensorboard/`.
    /// Returns the names removed. Throws ``RunDirectoryError``
    /// when `path` exists and is not a directory, or another run holds it.
    @discardableResult
    public static func clear(_ path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { throw RunDirectoryError.notADirectory(path) }
        let lock = try RunDirectoryLock(directory: path)
        defer { lock.release() }
        let names = try FileManager.default.contentsOfDirectory(atPath: path)
        let removed = names.filter { name in runFiles.contains(name) || isLeftover(name) }.sorted()
        for name in removed { try FileManager.default.removeItem(atPath: path + "/" + name) }
        // TensorBoard event files (TensorBoardWriter); other files in that folder stay too.
        let events = path + "/tensorboard"
        let eventFiles = ((try? FileManager.default.contentsOfDirectory(atPath: events)) ?? [])
            .filter { $0.hasPrefix("events.out.tfevents.") }.sorted()
        for name in eventFiles { try FileManager.default.removeItem(atPath: events + "/" + name) }
        return removed + eventFiles.map { "tensorboard/" + $0 }
    }

    /// Removes what a killed run left half-written: the temporary files of
    /// its atomic writes (`.NAME.tmp-XXXXXX` for a run file NAME), which were
    /// never renamed into place. Call only while holding the directory's
    /// ``RunDirectoryLock``: a live writer's temporary files look the same.
    /// Returns the names removed.
    @discardableResult
    public static func removeLeftovers(_ path: String) throws -> [String] {
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter(isLeftover).sorted()
        for name in leftovers { try FileManager.default.removeItem(atPath: path + "/" + name) }
        return leftovers
    }

    private static func isLeftover(_ name: String) -> Bool {
        runFiles.contains { name.hasPrefix(".\($0).tmp-") }
    }
}

/// A run directory that cannot be used.
public enum RunDirectoryError: Error, CustomStringConvertible, Equatable {
    /// The path names a file, not a directory.
    case notADirectory(String)
    /// Another process (`pid`, when the lock file says) is running in the directory.
    case locked(directory: String, pid: Int32?)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .notADirectory(let p): return "\(p) is a file, not a run directory; give --out a directory (nothing was removed)"
        case .locked(let directory, let pid):
            return "\(directory) is in use by another run\(pid.map { " (process \($0))" } ?? ""); wait for it to end or give another --out (nothing was written)"
        }
    }
}

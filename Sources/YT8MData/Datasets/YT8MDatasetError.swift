/// A dataset that cannot be set up or resumed as asked. Problems inside the files are reported as
/// `TFRecordError` (framing, checksums), `YT8MRecordError` (record contents; both name the file and
/// record) or `FileIOError`.
public struct YT8MDatasetError: Error, CustomStringConvertible, Equatable {
    /// What was wrong.
    public enum Problem: Equatable {
        /// An option outside its allowed range.
        case invalidOption(name: String, value: String, requirement: String)
        /// `rank` is not in `0..<worldSize` (or `worldSize < 1`).
        case invalidShard(rank: Int, worldSize: Int)
        /// There are fewer files than ranks, so this rank would read nothing.
        case emptyShard(rank: Int, worldSize: Int, fileCount: Int)
        /// No files were given.
        case noFiles
        /// A state to restore that does not fit this dataset.
        case stateMismatch(String)
    }

    /// What was wrong.
    public var problem: Problem

    /// Creates an error.
    public init(_ problem: Problem) {
        self.problem = problem
    }

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch problem {
        case .invalidOption(let name, let value, let requirement):
            return "dataset option \(name) = \(value): \(requirement)"
        case .invalidShard(let rank, let worldSize):
            return "rank \(rank) is not in 0..<\(worldSize) (world size must be at least 1)"
        case .emptyShard(let rank, let worldSize, let fileCount):
            return "rank \(rank) of \(worldSize) gets no file: only \(fileCount) files for \(worldSize) ranks"
        case .noFiles:
            return "the dataset has no files"
        case .stateMismatch(let why):
            return "cannot restore dataset state: \(why)"
        }
    }
}

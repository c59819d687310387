/// Splits a file list between the ranks of a data-parallel job: rank r of w reads files
/// r, r + w, r + 2w, … of the list. Shards are disjoint and together cover every file; their sizes
/// differ by at most one. Shard before shuffling, from the same (sorted) list on every rank.
public enum FileSharding {
    /// The files of `rank` out of `worldSize`. Throws `YT8MDatasetError` when `rank` is not in
    /// `0..<worldSize` or the shard would be empty.
    public static func shard(_ files: [String], rank: Int, worldSize: Int) throws -> [String] {
        guard worldSize >= 1, rank >= 0, rank < worldSize else {
            throw YT8MDatasetError(.invalidShard(rank: rank, worldSize: worldSize))
        }
        let result = stride(from: rank, to: files.count, by: worldSize).map { files[$0] }
        guard !result.isEmpty else {
            throw YT8MDatasetError(.emptyShard(rank: rank, worldSize: worldSize, fileCount: files.count))
        }
        return result
    }
}

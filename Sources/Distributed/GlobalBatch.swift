import Collectives
import Tensor
import Training
import Zoo

/// The global batch a rank's share belongs to, gathered from every rank's
/// share: what mixup needs to pair each video with a partner drawn over the
/// whole global batch, as one process would. Rows are placed by
/// `TrainingBatch.rows`; frame-level features are padded with zero frames to
/// the longest share's, as the whole batch holds them.
enum GlobalBatch {
    /// Every rank's share of the current global batch, reassembled in row order.
    static func gather(_ share: TrainingBatch, over communicator: any Communicator) throws -> TrainingBatch {
        let x = share.input.features
        let frames = x.rank == 3 ? x.shape[1] : 0
        let width = x.shape[x.rank - 1], classes = share.labels.shape[1]
        var payload: [Float] = [Float(share.count), Float(frames), share.teacher == nil ? 0 : 1]
        payload += share.rows.map(Float.init)
        payload += (share.input.lengths ?? []).map(Float.init)
        payload += x.floats + share.labels.floats + (share.teacher?.floats ?? [])
        let all = try communicator.allgather(payload)
        let ids = try communicator.allgather(Array(share.ids.joined(separator: "\n").utf8))
            .map { String(decoding: $0, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

        let total = share.globalCount
        let longest = all.map { Int($0[1]) }.max() ?? 0
        let rowSize = (frames > 0 ? longest : 1) * width
        var features = [Float](repeating: 0, count: total * rowSize)
        var labels = [Float](repeating: 0, count: total * classes)
        var teacher: [Float]? = share.teacher == nil ? nil : [Float](repeating: 0, count: total * classes)
        var lengths: [Int]? = share.input.lengths == nil ? nil : [Int](repeating: 0, count: total)
        var names = [String](repeating: "", count: total)
        for (rank, p) in all.enumerated() {
            let n = Int(p[0]), t = Int(p[1]), hasLengths = lengths != nil
            var i = 3
            let rows = p[i..<(i + n)].map { Int($0) }; i += n
            let own = hasLengths ? p[i..<(i + n)].map { Int($0) } : []; if hasLengths { i += n }
            let inRow = (frames > 0 ? t : 1) * width
            for (k, g) in rows.enumerated() {
                precondition(g < total, "GlobalBatch: row \(g) of a global batch of \(total) (rank \(rank))")
                // A frame-level row keeps its frames at the front; the rest stays zero padding.
                for j in 0..<inRow { features[g * rowSize + j] = p[i + k * inRow + j] }
                if hasLengths { lengths![g] = own[k] }
                names[g] = ids[rank].indices.contains(k) ? ids[rank][k] : ""
            }
            i += n * inRow
            for (k, g) in rows.enumerated() { for c in 0..<classes { labels[g * classes + c] = p[i + k * classes + c] } }
            i += n * classes
            if teacher != nil {
                for (k, g) in rows.enumerated() { for c in 0..<classes { teacher![g * classes + c] = p[i + k * classes + c] } }
            }
        }
        let shape = frames > 0 ? [total, longest, width] : [total, width]
        return TrainingBatch(input: ModelInput(features: Tensor(features, shape: shape), lengths: lengths, rgbSize: share.input.rgbSize),
                             labels: Tensor(labels, shape: [total, classes]),
                             teacher: teacher.map { Tensor($0, shape: [total, classes]) }, ids: names)
    }
}

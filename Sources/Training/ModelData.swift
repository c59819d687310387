import Tensor
import YT8MData
import Zoo

/// The dataset options each zoo model needs, in one place: the record level
/// it reads, and frames (sampled for training, all for evaluation) or the
/// frame statistics the dataset computes for it.
extension ZooEntry {
    /// The training stream: shuffled files and records, frames read as
    /// `frames` says (or the model's frame statistics), two decoding threads.
    public func trainingOptions(format: YT8MRecordFormat, batchSize: Int, frames: FrameSampling, maxFrames: Int = 300,
                                seed: UInt64, teacherKey: String? = nil) -> YT8MDatasetOptions {
        var options = YT8MDatasetOptions.training(level: recordLevel, format: format, batchSize: batchSize, seed: seed)
        options.maxFrames = maxFrames
        options.frameInput = frameStatistics.map { .statistics($0) } ?? .frames(frames)
        options.decodeThreads = 2
        if let key = teacherKey { options.teacherPredictions = .required(key: key) }
        return options
    }

    /// Deterministic passes in file order: every frame up to `maxFrames` (or
    /// the model's frame statistics); `epochs` 1 for a single pass, nil when
    /// the source is reset for repeated validation.
    public func evaluationOptions(format: YT8MRecordFormat, batchSize: Int, maxFrames: Int, epochs: Int?) -> YT8MDatasetOptions {
        var options = YT8MDatasetOptions(level: recordLevel, format: format, batchSize: batchSize, maxFrames: maxFrames, epochs: epochs)
        if let statistics = frameStatistics { options.frameInput = .statistics(statistics) }
        return options
    }
}

/// Calls `body` with each video's id and class probabilities over what is
/// left of one pass of `source` (the model in evaluation mode, no graph).
public func forEachPrediction(of model: any ZooModel, on source: BatchSource,
                              _ body: (String, ArraySlice<Float>) throws -> Void) throws {
    model.eval()
    while let batch = try source.nextBatch() {
        let p = withoutGrad { model(batch.input).probabilities }.floats
        let c = p.count / max(batch.ids.count, 1)
        for (i, id) in batch.ids.enumerated() { try body(id, p[(i * c)..<((i + 1) * c)]) }
    }
}

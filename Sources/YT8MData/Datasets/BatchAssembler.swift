import Tensor

/// Decodes the raw records of one batch into dense tensors: checks each record's data CRC, parses
/// it and writes its features (dequantized, sampled) straight into its rows of the batch tensors.
/// One batch is decoded by one thread; `Producer` runs several assemblers on different batches.
struct BatchAssembler {
    let options: YT8MDatasetOptions

    /// What one record contributed, besides the rows written in place.
    private struct Slot {
        var id = ""
        var labels: [Int] = []
        var frameCount = 0
        var teacher: [Float]?
        var segmentRatings: [SegmentRating] = []
        var error: Error?
    }

    /// Decodes `records` (delivered at epoch positions `firstPosition + rows[i]`; `rows` nil for
    /// `0..<records.count`) into a batch that is a share of a batch of `globalCount` videos.
    func assemble(_ records: [RawRecord], epoch: Int, firstPosition: Int, rows: [Int]? = nil, globalCount: Int? = nil,
                  stateAfter: DatasetState) throws -> YT8MBatch {
        let rows = rows ?? Array(records.indices)
        let b = records.count
        let numClasses = options.format.numClasses
        let rowShape = options.rowShape
        let rowSize = rowShape.reduce(1, *)
        var features = Tensor.zeros([b] + rowShape)
        var labels = Tensor.zeros([b, numClasses])
        var slots = [Slot](repeating: Slot(), count: b)
        var scratch = DecodeScratch()
        features.withUnsafeMutablePointer(of: Float.self) { featurePointer in
            labels.withUnsafeMutablePointer(of: Float.self) { labelPointer in
                for i in 0..<b {
                    do {
                        try decode(records[i], position: firstPosition + rows[i], epoch: epoch,
                                   row: featurePointer + i * rowSize, labelRow: labelPointer + i * numClasses,
                                   slot: &slots[i], scratch: &scratch)
                    } catch {
                        slots[i].error = error
                        break
                    }
                }
            }
        }
        for slot in slots {
            if let error = slot.error { throw error }
        }
        var teacher: Tensor?
        if let key = options.teacherPredictions.key {
            let present = slots.map { $0.teacher != nil }
            let required: Bool
            if case .required = options.teacherPredictions { required = true } else { required = false }
            if let missing = present.firstIndex(of: false), required || present.contains(true) {
                throw YT8MRecordError(path: records[missing].path, recordIndex: records[missing].recordIndex,
                                      field: key, problem: .missing)
            }
            if present.allSatisfy({ $0 }) {
                var values = [Float]()
                values.reserveCapacity(b * numClasses)
                for slot in slots { values.append(contentsOf: slot.teacher!) }
                teacher = Tensor(values, shape: [b, numClasses])
            }
        }
        let counts = slots.map(\.frameCount)
        if options.level == .frame, case .frames(.all) = options.frameInput {
            // Rows past the batch's longest video are padding every model masks out: drop them.
            let longest = Swift.max(counts.max() ?? 0, 1)
            if longest < rowShape[0] { features = features.sliced(axis: 1, range: 0..<longest) }
        }
        return YT8MBatch(features: features, labels: labels, numFrames: Tensor(counts.map { Int32($0) }, shape: [b]),
                         frameCounts: counts, ids: slots.map(\.id), labelIndices: slots.map(\.labels),
                         teacherPredictions: teacher, segmentRatings: slots.map(\.segmentRatings), stateAfter: stateAfter,
                         rows: rows, globalCount: globalCount ?? b)
    }

    /// Scratch memory reused by one decoding thread.
    private struct DecodeScratch {
        var histogram: [Int32] = []
    }

    /// Decodes one record into its rows; errors get the record's file and index.
    private func decode(_ record: RawRecord, position: Int, epoch: Int, row: UnsafeMutablePointer<Float>,
                        labelRow: UnsafeMutablePointer<Float>, slot: inout Slot, scratch: inout DecodeScratch) throws {
        try record.verifyChecksum()
        do {
            let format = options.format
            switch options.level {
            case .video:
                let view = try VideoLevelExampleView(serialized: record.data, format: format,
                                                     predictionsKey: options.teacherPredictions.key)
                view.features.withUnsafeBufferPointer { row.update(from: $0.baseAddress!, count: $0.count) }
                slot.id = view.id
                slot.labels = view.labels
                slot.teacher = view.teacherPredictions
                slot.frameCount = 1
            case .frame:
                let view = try FrameLevelExampleView(serialized: record.data, format: format,
                                                     predictionsKey: options.teacherPredictions.key)
                slot.id = view.id
                slot.labels = view.labels
                slot.teacher = view.teacherPredictions
                slot.segmentRatings = view.segmentRatings
                slot.frameCount = try record.data.withUnsafeBufferPointer { bytes in
                    try fill(row: row, view: view, bytes: bytes.baseAddress!, position: position, epoch: epoch,
                             scratch: &scratch)
                }
            }
        } catch var error as YT8MRecordError {
            error.path = record.path
            error.recordIndex = record.recordIndex
            throw error
        }
        for label in slot.labels { labelRow[label] = 1 }
    }

    /// Writes a frame-level video's rows; returns its `numFrames`.
    private func fill(row: UnsafeMutablePointer<Float>, view: FrameLevelExampleView, bytes: UnsafePointer<UInt8>,
                      position: Int, epoch: Int, scratch: inout DecodeScratch) throws -> Int {
        let format = options.format
        let n = min(view.frameCount(feature: 0), options.maxFrames)
        switch options.frameInput {
        case .statistics(let statistics):
            for feature in format.frameFeatures.indices {
                let count = min(view.frameCount(feature: feature), options.maxFrames)
                FrameStatistics.compute(statistics, feature: feature, bytes: bytes, offsets: view.frameOffsets[feature],
                                        count: count, format: format, histogram: &scratch.histogram, into: row)
            }
            FrameStatistics.write(.numFrames, Float(n), statistics, format: format, into: row)
            return n
        case .frames(let sampling):
            var generator = RandomGenerator(seed: sampling.isRandom
                ? DatasetSeeds.seed(options.seed, epoch: epoch, stream: 2 + position) : 0)
            var similarities: [Float] = []
            if case .scenes = sampling {
                similarities = FrameSampling.neighbourSimilarities(
                    bytes: bytes, offsets: view.frameOffsets[0], frameCount: n, width: format.frameFeatures[0].size,
                    quantization: format.quantization)
            }
            let indices = sampling.frameIndices(frameCount: n, maxFrames: options.maxFrames, generator: &generator,
                                                rgbSimilarities: similarities)
            let width = format.frameFeatureWidth
            let scale = format.quantization.scalar, bias = format.quantization.bias
            var column = 0
            for (feature, spec) in format.frameFeatures.enumerated() {
                let offsets = view.frameOffsets[feature]
                let available = min(offsets.count, options.maxFrames)
                for (t, source) in indices.enumerated() where source < available {
                    let src = bytes + offsets[source]
                    let dst = row + t * width + column
                    for d in 0..<spec.size { dst[d] = Float(src[d]) * scale + bias }
                }
                column += spec.size
            }
            return indices.count
        }
    }
}

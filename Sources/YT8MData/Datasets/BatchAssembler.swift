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
    }

    /// Decodes `records` (delivered at epoch positions `firstPosition + rows[i]`; `rows` nil for
    /// `0..<records.count`) into a batch that is a share of a batch of `globalCount` videos.
    func assemble(_ records: [RawRecord], epoch: Int, firstPosition: Int, rows: [Int]? = nil, globalCount: Int? = nil,
                  stateAfter: DatasetState) throws -> YT8MBatch {
        let rows = rows ?? Array(records.indices)
        let b = records.count
        let numClasses = options.format.numClasses
        // Parse every record first, so that the batch tensor is allocated at its final size:
        // with every frame kept, rows past the batch's longest video would be padding every
        // model masks out, so they are never allocated (no full-size buffer, no trimming copy).
        var slots = [Slot](repeating: Slot(), count: b)
        var parsed: [ParsedRecord] = []
        parsed.reserveCapacity(b)
        for i in 0..<b { parsed.append(try parse(records[i], slot: &slots[i])) }
        var rowShape = options.rowShape
        if options.level == .frame, case .frames(.all) = options.frameInput {
            let longest = parsed.map { $0.frameView.map { min($0.frameCount(feature: 0), options.maxFrames) } ?? 0 }.max() ?? 0
            rowShape[0] = Swift.max(longest, 1)
        }
        let rowSize = rowShape.reduce(1, *)
        var features = Tensor.zeros([b] + rowShape)
        var labels = Tensor.zeros([b, numClasses])
        var scratch = DecodeScratch()
        try features.withUnsafeMutablePointer(of: Float.self) { featurePointer in
            try labels.withUnsafeMutablePointer(of: Float.self) { labelPointer in
                for i in 0..<b {
                    try write(parsed[i], of: records[i], position: firstPosition + rows[i], epoch: epoch,
                              row: featurePointer + i * rowSize, labelRow: labelPointer + i * numClasses,
                              slot: &slots[i], scratch: &scratch)
                }
            }
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
        return YT8MBatch(features: features, labels: labels, numFrames: Tensor(counts.map { Int32($0) }, shape: [b]),
                         frameCounts: counts, ids: slots.map(\.id), labelIndices: slots.map(\.labels),
                         teacherPredictions: teacher, segmentRatings: slots.map(\.segmentRatings), stateAfter: stateAfter,
                         rows: rows, globalCount: globalCount ?? b)
    }

    /// Scratch memory reused by one decoding thread.
    private struct DecodeScratch {
        var histogram: [Int32] = []
    }

    /// A record's parsed example, before its features are written.
    private enum ParsedRecord {
        case video(VideoLevelExampleView)
        case frame(FrameLevelExampleView)

        var frameView: FrameLevelExampleView? {
            if case .frame(let view) = self { return view }
            return nil
        }
    }

    /// Checks one record's data CRC and parses it, filling the slot's id, labels, teacher
    /// predictions and segment ratings; errors get the record's file and index.
    private func parse(_ record: RawRecord, slot: inout Slot) throws -> ParsedRecord {
        try record.verifyChecksum()
        return try withRecordContext(record) {
            let format = options.format, key = options.teacherPredictions.key
            switch options.level {
            case .video:
                let view = try VideoLevelExampleView(serialized: record.data, format: format, predictionsKey: key)
                slot.id = view.id
                slot.labels = view.labels
                slot.teacher = view.teacherPredictions
                return .video(view)
            case .frame:
                let view = try FrameLevelExampleView(serialized: record.data, format: format, predictionsKey: key)
                slot.id = view.id
                slot.labels = view.labels
                slot.teacher = view.teacherPredictions
                slot.segmentRatings = view.segmentRatings
                return .frame(view)
            }
        }
    }

    /// Writes a parsed record's features into its rows and its labels into its label row.
    private func write(_ parsed: ParsedRecord, of record: RawRecord, position: Int, epoch: Int,
                       row: UnsafeMutablePointer<Float>, labelRow: UnsafeMutablePointer<Float>, slot: inout Slot,
                       scratch: inout DecodeScratch) throws {
        switch parsed {
        case .video(let view):
            view.features.withUnsafeBufferPointer { row.update(from: $0.baseAddress!, count: $0.count) }
            slot.frameCount = 1
        case .frame(let view):
            slot.frameCount = try withRecordContext(record) {
                try record.data.withUnsafeBufferPointer { bytes in
                    try fill(row: row, view: view, bytes: bytes.baseAddress!, position: position, epoch: epoch,
                             scratch: &scratch)
                }
            }
        }
        for label in slot.labels { labelRow[label] = 1 }
    }

    /// Runs `body`, adding the record's file and index to a record error it throws.
    private func withRecordContext<R>(_ record: RawRecord, _ body: () throws -> R) throws -> R {
        do {
            return try body()
        } catch var error as YT8MRecordError {
            error.path = record.path
            error.recordIndex = record.recordIndex
            throw error
        }
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

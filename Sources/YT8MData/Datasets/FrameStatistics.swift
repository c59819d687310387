import Tensor
/// A per-dimension statistic of a video's frames over time (Samsung
/// `frame_preprocessing/feature_extraction.py`, docs/zoo.md), used as a video-level input.
public enum FrameStatistic: String, CaseIterable, Codable, Sendable {
    /// Mean over the valid frames.
    case mean
    /// Unbiased standard deviation √(Σ(x − x̄)²/(n − 1)) (torch default); 0 when n < 2 (torch gives NaN).
    case std
    /// Lower median: the value of rank ⌊(n − 1)/2⌋ (`torch.median`).
    case median
    /// Minimum.
    case min
    /// Maximum.
    case max
    /// Most frequent value, the smallest on ties (`torch.mode`).
    case mode
    /// The number of valid frames (one value, not one per dimension).
    case numFrames

    /// Values this statistic contributes for frames of `frameWidth` dimensions.
    public func width(frameWidth: Int) -> Int { self == .numFrames ? 1 : frameWidth }
}

/// Frame statistics features computed from quantized frames.
///
/// Layout: one block per statistic, in the order given; each per-dimension block holds the frame
/// features concatenated in format order (rgb 1024 then audio 128); `numFrames` is one value.
/// Statistics run over the valid frames only (the first `min(frames, maxFrames)` of each feature;
/// padding never counts). A feature with no frames gives zeros.
///
/// Computed exactly on the uint8 codes with a 256-bin histogram per dimension: dequantization is
/// increasing, so min, max, median and mode are the dequantized order statistics of the codes, and
/// mean and std are summed in double precision over the dequantized float32 values.
public enum FrameStatistics {
    /// Width of the feature vector for `statistics` over frames of `frameWidth` dimensions.
    public static func width(of statistics: [FrameStatistic], frameWidth: Int) -> Int {
        statistics.reduce(0) { $0 + $1.width(frameWidth: frameWidth) }
    }

    /// The statistics of one video's frames.
    /// - Parameters:
    ///   - statistics: the statistics to compute, in the order they are laid out.
    ///   - frames: per frame feature, its frames as `count × size` quantized bytes, frame-major.
    ///   - format: the record format, whose feature sizes split each frame into rgb and audio.
    ///   - frameCount: `num_frames` of the video (already limited to `maxFrames`; the first feature's count).
    /// - Returns: `width(of:frameWidth:)` values.
    public static func compute(_ statistics: [FrameStatistic], frames: [[UInt8]], format: YT8MRecordFormat,
                               frameCount: Int) -> [Float] {
        var output = [Float](repeating: 0, count: width(of: statistics, frameWidth: format.frameFeatureWidth))
        let offsets = zip(frames, format.frameFeatures).map { bytes, spec in
            stride(from: 0, to: bytes.count - spec.size + 1, by: spec.size).map { $0 }
        }
        var histogram: [Int32] = []
        output.withUnsafeMutableBufferPointer { out in
            for (index, bytes) in frames.enumerated() {
                bytes.withUnsafeBufferPointer { raw in
                    guard let base = raw.baseAddress else { return }  // no frames: the blocks stay zero
                    let n = Swift.min(offsets[index].count, frameCount)
                    compute(statistics, feature: index, bytes: base, offsets: offsets[index], count: n,
                            format: format, histogram: &histogram, into: out.baseAddress!)
                }
            }
            write(.numFrames, Float(frameCount), statistics, format: format, into: out.baseAddress!)
        }
        return output
    }

    /// Writes `value` at the `numFrames` slot of the layout, if it is in `statistics`.
    static func write(_ statistic: FrameStatistic, _ value: Float, _ statistics: [FrameStatistic],
                      format: YT8MRecordFormat, into out: UnsafeMutablePointer<Float>) {
        var position = 0
        for s in statistics {
            if s == statistic { out[position] = value }
            position += s.width(frameWidth: format.frameFeatureWidth)
        }
    }

    /// Computes the per-dimension statistics of frame feature `feature` (its first `count` frames,
    /// each at `bytes + offsets[t]`) into their places in `out`. `histogram` is scratch space.
    static func compute(_ statistics: [FrameStatistic], feature: Int, bytes: UnsafePointer<UInt8>, offsets: [Int],
                        count n: Int, format: YT8MRecordFormat, histogram: inout [Int32],
                        into out: UnsafeMutablePointer<Float>) {
        let size = format.frameFeatures[feature].size
        let columnOffset = format.frameFeatures[..<feature].reduce(0) { $0 + $1.size }
        let frameWidth = format.frameFeatureWidth
        // Where each statistic's block for this feature starts in `out`.
        var blockStart: [FrameStatistic: Int] = [:]
        var position = 0
        for s in statistics {
            if s != .numFrames && blockStart[s] == nil { blockStart[s] = position + columnOffset }
            position += s.width(frameWidth: frameWidth)
        }
        guard n > 0 else {
            for (_, start) in blockStart { (out + start).update(repeating: 0, count: size) }
            return
        }
        if histogram.count < size * 256 { histogram = [Int32](repeating: 0, count: size * 256) }
        let q = format.quantization
        let values = (0..<256).map { Double(q.dequantize(UInt8($0))) }
        histogram.withUnsafeMutableBufferPointer { h in
            let hist = h.baseAddress!
            hist.update(repeating: 0, count: size * 256)
            for t in 0..<n {
                let frame = bytes + offsets[t]
                for d in 0..<size { hist[d &* 256 &+ Int(frame[d])] &+= 1 }
            }
            let medianRank = (n - 1) / 2
            for d in 0..<size {
                let counts = hist + d * 256
                var minCode = -1, maxCode = 0, medianCode = -1, modeCode = 0, modeCount: Int32 = 0
                var seen = 0
                var sum = 0.0
                for code in 0..<256 {
                    let c = counts[code]
                    guard c > 0 else { continue }
                    if minCode < 0 { minCode = code }
                    maxCode = code
                    if medianCode < 0 && seen + Int(c) > medianRank { medianCode = code }
                    seen += Int(c)
                    if c > modeCount { modeCount = c; modeCode = code }
                    sum += Double(c) * values[code]
                }
                let mean = sum / Double(n)
                var std = 0.0
                if blockStart[.std] != nil && n > 1 {
                    var squares = 0.0
                    for code in minCode...maxCode where counts[code] > 0 {
                        let e = values[code] - mean
                        squares += Double(counts[code]) * e * e
                    }
                    std = (squares / Double(n - 1)).squareRoot()
                }
                for (s, start) in blockStart {
                    let value: Double
                    switch s {
                    case .mean: value = mean
                    case .std: value = std
                    case .median: value = values[medianCode]
                    case .min: value = values[minCode]
                    case .max: value = values[maxCode]
                    case .mode: value = values[modeCode]
                    case .numFrames: continue
                    }
                    out[start + d] = Float(value)
                }
            }
        }
    }
}

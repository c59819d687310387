import Tensor

/// How a frame-level dataset turns a video's frames into the `T` rows of its batch entry.
///
/// Every mode first limits the video to its first `min(frames, maxFrames)` frames, as the starter
/// reader does (`num_frames = min(T, max_frames)`), then picks frame indices into that range. Rows
/// the mode leaves empty are zero (padding after dequantization), and the batch's `numFrames` is the
/// number of rows filled.
public enum FrameSampling: Equatable, Sendable, Codable {
    /// Every frame in order (evaluation, and training of models that read time in order):
    /// rows `0..<n` hold frames `0..<n`, `n = min(frames, maxFrames)`; a batch has as many rows
    /// as its longest video (at most `maxFrames`), the reference readers' dynamic padding.
    case all
    /// `count` frames drawn with replacement, unsorted, as the starter's `SampleRandomFrames`:
    /// row i holds frame ⌊Uᵢ·n⌋ with Uᵢ uniform in [0, 1); `T = count`, every row filled (a video
    /// with no frames gives zero rows and `numFrames` 0).
    case randomWithReplacement(count: Int)
    /// `count` evenly spaced frames: row i holds frame ⌊(2i + 1)·n / (2·count)⌋ (the centre of the
    /// i-th of `count` equal segments); a video with `n ≤ count` frames keeps each frame once, in
    /// order, and is padded. `T = count`.
    case uniform(count: Int)
    /// One frame per scene (Samsung `SequentialClusteringModule`, docs/zoo.md): with sᵗ =
    /// |cos(x̂ₜ, x̂ₜ₋₁)| on the rgb frames L2-normalised as x/(‖x‖ + 1e-5), a scene starts at every
    /// frame t ≥ 1 with sᵗ below `threshold` (every frame is a candidate when `threshold` is nil).
    /// Keeps frame 0 plus the `count − 1` candidates with the lowest similarity (ties: earlier
    /// frame), in time order; `T = count`. (Samsung's n counts the cuts only, so its n is our
    /// `count − 1`.)
    case scenes(count: Int, threshold: Double?)

    /// The number of rows per video (`T`); for `.all` the most a batch can have.
    public func rowCount(maxFrames: Int) -> Int {
        switch self {
        case .all: return maxFrames
        case .randomWithReplacement(let count), .uniform(let count), .scenes(let count, _): return count
        }
    }

    /// Whether the mode draws random numbers (so that the dataset seeds a generator per video).
    public var isRandom: Bool {
        if case .randomWithReplacement = self { return true }
        return false
    }

    /// The frame index of each filled row for a video of `frameCount` usable frames (already
    /// limited to `maxFrames`). `rgbSimilarities` (count `frameCount − 1`, see
    /// `FrameSampling.neighbourSimilarities`) is needed by `.scenes` only.
    public func frameIndices(frameCount n: Int, maxFrames: Int, generator: inout RandomGenerator,
                             rgbSimilarities: [Float] = []) -> [Int] {
        switch self {
        case .all:
            return Array(0..<min(n, maxFrames))
        case .randomWithReplacement(let count):
            guard n > 0 else { return [] }
            return (0..<count).map { _ in min(n - 1, Int(generator.nextUniform() * Double(n))) }
        case .uniform(let count):
            if n <= count { return Array(0..<n) }
            return (0..<count).map { ((2 * $0 + 1) * n) / (2 * count) }
        case .scenes(let count, let threshold):
            return FrameSampling.sceneStarts(similarities: rgbSimilarities, frameCount: n, count: count,
                                             threshold: threshold)
        }
    }

    /// Frame 0 plus the `count − 1` frames t ≥ 1 with the lowest `similarities[t − 1]` below
    /// `threshold` (all when nil), ties to the earlier frame, returned in time order.
    public static func sceneStarts(similarities: [Float], frameCount n: Int, count: Int, threshold: Double?) -> [Int] {
        guard n > 0, count > 0 else { return [] }
        precondition(similarities.count >= n - 1,
                     "sceneStarts: \(similarities.count) similarities for \(n) frames (need \(n - 1))")
        var candidates = Array(1..<max(n, 1))
        if let threshold { candidates = candidates.filter { Double(similarities[$0 - 1]) < threshold } }
        candidates.sort { similarities[$0 - 1] < similarities[$1 - 1] || (similarities[$0 - 1] == similarities[$1 - 1] && $0 < $1) }
        return ([0] + candidates.prefix(count - 1)).sorted()
    }

    /// |cos| of each frame with the one before, frames dequantized and L2-normalised as
    /// x/(‖x‖ + 1e-5) (Samsung `SequentialClusteringModule`): entry t − 1 is for frames (t − 1, t).
    /// `frames` points at `frameCount` frames of `width` quantized bytes, each at the given offset.
    static func neighbourSimilarities(bytes: UnsafePointer<UInt8>, offsets: [Int], frameCount n: Int, width: Int,
                                      quantization: YT8MQuantization) -> [Float] {
        guard n > 1 else { return [] }
        let scale = quantization.scalar, bias = quantization.bias
        var previous = [Float](repeating: 0, count: width), current = previous
        var previousNorm = 0.0
        var result = [Float](repeating: 0, count: n - 1)
        for t in 0..<n {
            let frame = bytes + offsets[t]
            var squares = 0.0, dot = 0.0
            for d in 0..<width {
                let x = Float(frame[d]) * scale + bias
                current[d] = x
                squares += Double(x) * Double(x)
                dot += Double(x) * Double(previous[d])
            }
            let norm = squares.squareRoot()
            if t > 0 {
                result[t - 1] = Float(abs(dot) / ((norm + 1e-5) * (previousNorm + 1e-5)))
            }
            swap(&previous, &current)
            previousNorm = norm
        }
        return result
    }
}

/// What a frame-level dataset puts in a batch's `features`.
public enum FrameLevelInput: Equatable, Sendable {
    /// Frames `[B, T, frameWidth]` chosen by the sampling mode.
    case frames(FrameSampling)
    /// Per-video frame statistics `[B, width]` (a video-level input; see `FrameStatistics`).
    case statistics([FrameStatistic])
}

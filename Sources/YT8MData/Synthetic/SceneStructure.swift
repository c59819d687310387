/// Which model of video content a synthetic dataset was made with.
public enum SyntheticGenerator: String, Codable, Sendable {
    /// The first model: every scene is about one of the video's labels, and a video-wide mixture
    /// of its label prototypes is in every frame (the mean of the frames carries nearly everything).
    case v1
    /// The second model (``SceneStructure``): label evidence in some scenes among backgrounds that
    /// all classes share, classes that look different from scene to scene, and classes defined by
    /// the order of two scenes.
    case v2
}

/// The scene structure of the second synthetic generator, each choice following what is known of
/// YouTube-8M (the package's docs/synthetic-data.md gives the sources):
///
/// - **Backgrounds.** Most scenes are about nothing in particular: each video draws 1–3
///   backgrounds from a pool that every class shares, as strong as the evidence, and between
///   ``minEvidenceShare`` and ``maxEvidenceShare`` of its scenes carry label evidence, at least
///   one per true label (real videos show their topic in some shots, among intros, talking
///   heads and scenery). The frame mean dilutes the evidence in content of the same scale.
/// - **Appearance modes.** A class's evidence scenes look one of two ways,
///   `√c·a + √(1−c)·b` or `√c·a − √(1−c)·b` with c = ``commonShare``: the mean of its scenes keeps
///   only the weak common direction `a`, while each frame shows the strong mode direction `b`.
///   Order-less frame pooling (NetVLAD, bags of frames) recovers what the mean loses, as on the
///   real data, where frame-level pooling beats video-level models.
/// - **Soundtrack.** The audio of a video carries its topic across its shots (the music, the
///   narration, the engine), weakly (``audioSoundtrackSignal``), while the picture cuts between
///   the topic and filler: audio alone is weaker than rgb, and adds to it what the picture's
///   backgrounds hide, as on the real data (audio-only 0.51, video-only 0.83, both 0.86).
/// - **Order.** ``orderedClassPairs`` pairs of classes share two scene prototypes U and V: the
///   first class shows U, then later V; the second V, then later U. Only a model that sees the
///   order of the frames can tell the two apart.
/// - **Labels.** Missing labels are more common than spurious ones (``missingLabelRate``,
///   ``spuriousLabelRate``): the release's labels are machine-generated, precise but incomplete.
/// - **Length.** A video lasts the configuration's `minFrames` seconds (120 in ``SyntheticDataConfig/v2``)
///   plus an exponential time, ``meanDuration`` on average, one frame per second, cut at its
///   `maxFrames` (300, the starter reader's `max_frames`).
public struct SceneStructure: Codable, Equatable, Sendable {
    /// Background prototypes shared by all classes (per modality).
    public var backgrounds = 256
    /// Scale of a background scene's prototype (that of the evidence: backgrounds of 0.3 let
    /// the video-level MoE beat every bag of frames).
    public var backgroundSignal = 1.0
    /// Scale of an evidence scene's prototype (rgb; audio × the configuration's `audioSignalFactor`).
    public var evidenceSignal = 1.0
    /// Share c of an evidence prototype's variance in the class's common direction (the rest is
    /// in its ± mode direction).
    public var commonShare = 0.2
    /// Fewest of a video's scenes that carry label evidence (a share; at least one per true label).
    public var minEvidenceShare = 0.1
    /// Most of a video's scenes that carry label evidence.
    public var maxEvidenceShare = 0.25
    /// Scale of the soundtrack: every audio frame carries the video's label prototypes, weighted
    /// as its labels and of unit variance together, at this scale (× `audioSignalFactor`), under
    /// the backgrounds too. nil (a dataset written before the soundtrack existed): none. Without
    /// it, audio shows only what the picture shows, and both modalities score below video alone.
    public var audioSoundtrackSignal: Double? = 0.2
    /// Pairs of classes told apart only by the order of their two scenes.
    public var orderedClassPairs = 20
    /// Probability that a true label is left out of the written labels.
    public var missingLabelRate = 0.15
    /// Probability that one spurious label is written.
    public var spuriousLabelRate = 0.02
    /// Mean video length in seconds before the cut at `maxFrames` (frames are one per second).
    public var meanDuration = 207.0

    /// The defaults (the embedded dataset's).
    public init() {}

    /// The classes of ordered pair k (k < ``orderedClassPairs``): mid-frequency classes
    /// 10 + 4k and 11 + 4k, frequent enough to count in GAP.
    public static func orderedPair(_ k: Int) -> (first: Int, second: Int) { (10 + 4 * k, 11 + 4 * k) }

    /// For each class, its ordered pair and whether it is the pair's second class (V before U).
    func pairOfClass(numClasses: Int) -> [(pair: Int, second: Bool)?] {
        var table = [(pair: Int, second: Bool)?](repeating: nil, count: numClasses)
        for k in 0..<orderedClassPairs {
            let (a, b) = Self.orderedPair(k)
            table[a] = (k, false)
            table[b] = (k, true)
        }
        return table
    }

    /// Throws `SyntheticDataError.invalidParameter` for the first parameter out of range.
    func validate(numClasses: Int, meanLabels: Double) throws {
        func require(_ ok: Bool, _ name: String, _ value: Any, _ requirement: String) throws {
            guard ok else { throw SyntheticDataError.invalidParameter(name: "scenes." + name, value: "\(value)", requirement: requirement) }
        }
        try require(backgrounds >= 1, "backgrounds", backgrounds, "must be at least 1")
        try require(commonShare >= 0 && commonShare <= 1, "commonShare", commonShare, "must be in [0, 1]")
        try require(minEvidenceShare > 0 && minEvidenceShare <= 1, "minEvidenceShare", minEvidenceShare, "must be in (0, 1]")
        try require(maxEvidenceShare >= minEvidenceShare && maxEvidenceShare <= 1, "maxEvidenceShare", maxEvidenceShare,
                    "must be in [minEvidenceShare, 1]")
        try require(orderedClassPairs >= 0, "orderedClassPairs", orderedClassPairs, "must be ≥ 0")
        try require(orderedClassPairs == 0 || Self.orderedPair(orderedClassPairs - 1).second < numClasses,
                    "orderedClassPairs", orderedClassPairs, "needs classes up to \(Self.orderedPair(max(0, orderedClassPairs - 1)).second)")
        try require(missingLabelRate >= 0 && missingLabelRate < 1, "missingLabelRate", missingLabelRate, "must be in [0, 1)")
        try require(spuriousLabelRate >= 0 && spuriousLabelRate <= 1, "spuriousLabelRate", spuriousLabelRate, "must be in [0, 1]")
        try require(meanDuration > 120 && meanDuration.isFinite, "meanDuration", meanDuration, "must be finite and above 120 s")
        for (name, value) in [("backgroundSignal", backgroundSignal), ("evidenceSignal", evidenceSignal),
                              ("audioSoundtrackSignal", audioSoundtrackSignal ?? 0)] {
            try require(value >= 0 && value.isFinite, name, value, "must be finite and ≥ 0")
        }
    }
}

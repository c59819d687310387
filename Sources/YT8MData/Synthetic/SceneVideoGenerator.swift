import Tensor
import Foundation

/// The second generator's prototypes per frame feature (rgb, audio), each row of unit variance per
/// dimension: backgrounds shared by all classes, each class's mode direction, and the two scene
/// prototypes of each ordered pair. The class's common direction is the first generator's
/// prototype, so both generators share their correlated class structure.
struct SceneTables: Sendable {
    /// Per feature, `backgrounds × size`.
    let backgrounds: [[Float]]
    /// Per feature, `numClasses × size`.
    let modes: [[Float]]
    /// Per feature, `2·pairs × size`: U of pair k at row 2k, V at 2k + 1.
    let parts: [[Float]]
    /// For each class, its ordered pair and whether it is the pair's second class.
    let pairOfClass: [(pair: Int, second: Bool)?]

    init(config: SyntheticDataConfig, format: YT8MRecordFormat) {
        // A stream of its own, so the first generator's prototypes stay as they were.
        var generator = RandomGenerator(seed: DatasetSeeds.seed(config.seed, epoch: -4, stream: 0))
        func table(_ rows: Int, _ size: Int) -> [Float] { (0..<(rows * size)).map { _ in Float(generator.normal()) } }
        let s = config.scenes
        var backgrounds: [[Float]] = [], modes: [[Float]] = [], parts: [[Float]] = []
        for spec in format.frameFeatures {
            backgrounds.append(table(s.backgrounds, spec.size))
            modes.append(table(config.numClasses, spec.size))
            parts.append(table(2 * s.orderedClassPairs, spec.size))
        }
        self.backgrounds = backgrounds
        self.modes = modes
        self.parts = parts
        pairOfClass = s.pairOfClass(numClasses: config.numClasses)
    }
}

/// What one scene of a second-generator video shows.
enum SceneKind {
    /// Background `index` of the shared pool.
    case background(Int)
    /// Evidence of `label`, in its + or − appearance mode.
    case evidence(label: Int, positiveMode: Bool)
    /// Scene prototype U (`first`) or V of ordered pair `pair`, evidence of `label`.
    case part(pair: Int, first: Bool, label: Int)

    /// The label the scene is about; −1 for a background.
    var label: Int {
        switch self {
        case .background: return -1
        case .evidence(let label, _), .part(_, _, let label): return label
        }
    }
}

extension SyntheticVideoGenerator {
    /// Video `index` of the second generator (``SceneStructure``).
    func sceneVideo(_ index: Int, tables: SceneTables) -> SyntheticVideo {
        var generator = RandomGenerator(seed: DatasetSeeds.seed(config.seed, epoch: -2, stream: index))
        let s = config.scenes

        // True labels; never both classes of an ordered pair (their scenes would contradict).
        let labelCount = min(config.numClasses - s.orderedClassPairs, 1 + poisson(config.meanLabels - 1, &generator))
        var trueLabels: [Int] = []
        while trueLabels.count < labelCount {
            let c = drawClass(&generator)
            if trueLabels.contains(c) { continue }
            if let pair = tables.pairOfClass[c],
               trueLabels.contains(where: { tables.pairOfClass[$0]?.pair == pair.pair }) { continue }
            trueLabels.append(c)
        }
        let weights = trueLabels.map { _ in generator.uniform(0.5, 1.5) }
        var written = trueLabels.filter { _ in generator.nextUniform() >= s.missingLabelRate }
        // A spurious label is one the content is not about, so there must be a class left over.
        if generator.nextUniform() < s.spuriousLabelRate && trueLabels.count < config.numClasses {
            var spurious = drawClass(&generator)
            while written.contains(spurious) || trueLabels.contains(spurious) { spurious = drawClass(&generator) }
            written.append(spurious)
        }
        if written.isEmpty { written = [trueLabels[0]] }

        // Length: minFrames seconds plus an exponential time, one frame per second, cut at maxFrames.
        let extra = -Foundation.log(1 - generator.nextUniform()) * (s.meanDuration - Double(config.minFrames))
        let frameCount = min(config.maxFrames, config.minFrames + Int(extra.rounded()))

        // Scene kinds: each true label's evidence (two ordered scenes for a pair's class), more
        // evidence up to the video's share, and backgrounds for the rest, in random order.
        var kinds: [SceneKind] = []
        for c in trueLabels {
            if let pair = tables.pairOfClass[c] {
                kinds += [.part(pair: pair.pair, first: true, label: c), .part(pair: pair.pair, first: false, label: c)]
            } else {
                kinds.append(.evidence(label: c, positiveMode: generator.nextUniform() < 0.5))
            }
        }
        let longest = max(5, min(40, frameCount / kinds.count))
        var lengths: [Int] = []
        var covered = 0
        while covered < frameCount {
            let length = min(frameCount - covered, 5 + generator.nextInt(below: longest - 4))
            lengths.append(length)
            covered += length
        }
        let share = generator.uniform(s.minEvidenceShare, s.maxEvidenceShare)
        let evidenceScenes = min(lengths.count, max(kinds.count, Int((share * Double(lengths.count)).rounded())))
        let unordered = trueLabels.indices.filter { tables.pairOfClass[trueLabels[$0]] == nil }
        while kinds.count < evidenceScenes && !unordered.isEmpty {
            var u = generator.nextUniform() * unordered.reduce(0) { $0 + weights[$1] }
            var pick = unordered[0]
            for i in unordered { pick = i; if u < weights[i] { break }; u -= weights[i] }
            kinds.append(.evidence(label: trueLabels[pick], positiveMode: generator.nextUniform() < 0.5))
        }
        let videoBackgrounds = (0..<(1 + generator.nextInt(below: 3))).map { _ in generator.nextInt(below: s.backgrounds) }
        while kinds.count < lengths.count {
            kinds.append(.background(videoBackgrounds[generator.nextInt(below: videoBackgrounds.count)]))
        }
        // Fewer scenes than required evidence (a short video with many labels) keeps the first ones.
        kinds = Array(kinds.prefix(lengths.count))
        generator.shuffle(&kinds)
        // An ordered class shows its pair's U before V (the pair's second class: V before U).
        for c in trueLabels {
            guard let pair = tables.pairOfClass[c],
                  let u = kinds.firstIndex(where: { if case .part(pair.pair, true, _) = $0 { return true }; return false }),
                  let v = kinds.firstIndex(where: { if case .part(pair.pair, false, _) = $0 { return true }; return false })
            else { continue }
            if (u < v) == pair.second { kinds.swapAt(u, v) }
        }

        // Frames, feature by feature.
        let common = Float(s.commonShare.squareRoot()), mode = Float((1 - s.commonShare).squareRoot())
        var frames: [[UInt8]] = []
        var means: [[Float]] = []
        for (feature, spec) in format.frameFeatures.enumerated() {
            let size = spec.size
            let evidenceScale = Float((feature == 0 ? 1.0 : config.audioSignalFactor) * s.evidenceSignal)
            let backgroundScale = Float(s.backgroundSignal)
            // The soundtrack runs under every scene: the label prototypes weighted as the labels,
            // of unit variance per dimension.
            var soundtrack = [Float](repeating: 0, count: size)
            if feature != 0, let signal = s.audioSoundtrackSignal, signal > 0 {
                let norm = weights.reduce(0) { $0 + $1 * $1 }.squareRoot()
                for (c, w) in zip(trueLabels, weights) {
                    let scale = Float(signal * config.audioSignalFactor * w / norm)
                    for d in 0..<size { soundtrack[d] += scale * prototypes[feature][c * size + d] }
                }
            }
            let mean = datasetMeans[feature]
            var bytes = [UInt8](repeating: 0, count: frameCount * size)
            var sums = [Double](repeating: 0, count: size)
            var sceneBase = [Float](repeating: 0, count: size)
            var t = 0
            for (kind, length) in zip(kinds, lengths) {
                for d in 0..<size {
                    let content: Float
                    switch kind {
                    case .background(let b):
                        content = backgroundScale * tables.backgrounds[feature][b * size + d]
                    case .evidence(let c, let positive):
                        let m = tables.modes[feature][c * size + d]
                        content = evidenceScale * (common * prototypes[feature][c * size + d] + (positive ? mode : -mode) * m)
                    case .part(let pair, let first, _):
                        content = evidenceScale * tables.parts[feature][(2 * pair + (first ? 0 : 1)) * size + d]
                    }
                    sceneBase[d] = mean[d] + content + soundtrack[d] + Float(config.sceneNoise) * noise(&generator)
                }
                renderFrames(sceneBase, count: length, from: &t, into: &bytes, sums: &sums, &generator)
            }
            frames.append(bytes)
            means.append(sums.map { Float($0 / Double(frameCount)) })
        }
        let id = "s" + String(repeating: "0", count: max(0, 6 - String(index).count)) + String(index)
        return SyntheticVideo(id: id, trueLabels: trueLabels.sorted(), labels: written.sorted(), frames: frames,
                              means: means, frameCount: frameCount,
                              frameScenes: zip(kinds, lengths).flatMap { Array(repeating: $0.0.label, count: $0.1) })
    }
}

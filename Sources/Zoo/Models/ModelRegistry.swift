import Foundation
import NN
import Tensor
import YT8MData
import Foundation

/// Which configuration of a zoo model to build.
public enum ModelSize: String, Codable, Sendable, CaseIterable {
    /// The configuration of the paper or recipe (the defaults of its Config).
    case paper
    /// A small configuration of the same architecture, for tests, the demo
    /// and the synthetic benchmark (trains in seconds to minutes on 2 cores).
    case small
}

/// One architecture of the zoo: how to build it at either size (with
/// optional JSON overrides of its configuration), its parameter count
/// without building it, and the facts of the paper it comes from.
public struct ZooEntry: Sendable {
    /// The name the tools and recipes use (`yt8m train --model NAME`).
    public let name: String
    /// The input level of the model.
    public let level: InputLevel
    /// One line: what it is and the reference it follows.
    public let summary: String
    /// The GAP the papers report on real YouTube-8M data (docs/zoo.md), if any.
    public let reportedGAP: String?
    /// The paper's training recipe (learning rate, decay, loss, batch size…).
    public let recipe: Recipe
    /// The learning rate of the small configuration, when the paper's rate
    /// (chosen for the paper-size model, its batch and hundreds of thousands of
    /// steps) leaves the small one barely past the label prior in a short run.
    /// Nil: the small configuration trains at the paper's rate.
    public let smallLearningRate: Double?
    /// Features per video (video level) or per frame (frame level) the model
    /// reads: 1152 (mean_rgb ⊕ mean_audio, or one frame) unless the entry says
    /// otherwise (frame statistics: `FrameStatisticsLayout.featureSize`).
    public let featureSize: Int
    /// When set, the model reads these statistics of frame-level records
    /// (computed by the dataset) instead of video-level features.
    public let frameStatistics: [FrameStatistic]?

    /// The level of the records the model reads.
    public var recordLevel: YT8MDatasetLevel { level == .frame || frameStatistics != nil ? .frame : .video }
    let makeModel: @Sendable (ModelSize, [String: Any]?, Int, inout RandomGenerator) throws -> any ZooModel
    let countParameters: @Sendable (ModelSize, [String: Any]?, Int) throws -> Int
    let describeConfig: @Sendable (ModelSize, [String: Any]?) throws -> String

    /// The recipe a configuration of `size` trains with: the paper's, with
    /// ``smallLearningRate`` (when set) and the label-prior output bias
    /// (`SmallConfiguration.outputBias`) for the small configuration.
    public func recipe(for size: ModelSize) -> Recipe {
        guard size == .small else { return recipe }
        var r = recipe
        if let smallLearningRate { r.learningRate = smallLearningRate }
        r.outputBias = SmallConfiguration.outputBias
        return r
    }

    /// Builds the model; `overrides` replace fields of the size's configuration.
    public func build(size: ModelSize, overrides: [String: Any]? = nil, numClasses: Int,
                      rng: inout RandomGenerator) throws -> any ZooModel {
        try makeModel(size, overrides, numClasses, &rng)
    }

    /// Parameters of the configuration (trainable and frozen), read from the
    /// shapes of a shape-only build of the model (`Module.parameterCount(building:)`):
    /// the count of its own construction, without allocating or initialising it.
    public func parameterCount(size: ModelSize, overrides: [String: Any]? = nil, numClasses: Int) throws -> Int {
        try countParameters(size, overrides, numClasses)
    }

    /// The configuration as one flat JSON object with sorted keys (defaults
    /// merged with overrides; the fields of groups at the top level, as
    /// overrides name them).
    public func configuration(size: ModelSize, overrides: [String: Any]? = nil) throws -> String {
        try describeConfig(size, overrides)
    }

    /// Makes an entry from a Codable configuration type: `paper` and `small`
    /// are the two sizes' configurations, `build` the model's construction
    /// (also used, shape-only, for ``parameterCount(size:overrides:numClasses:)``).
    public static func make<C: Codable & Sendable>(
        _ name: String, level: InputLevel, summary: String, reportedGAP: String? = nil, recipe: Recipe,
        smallLearningRate: Double? = nil, featureSize: Int = 1152, frameStatistics: [FrameStatistic]? = nil, paper: C, small: C,
        build: @escaping @Sendable (C, Int, inout RandomGenerator) -> any ZooModel
    ) -> ZooEntry {
        @Sendable func config(_ size: ModelSize, _ overrides: [String: Any]?) throws -> C {
            let base = size == .paper ? paper : small
            guard let overrides, !overrides.isEmpty else { return base }
            var fields = try ConfigurationFields(base)
            for (k, v) in overrides {
                guard fields.has(k) else {
                    throw ZooError.unknownConfigField(model: name, field: k, known: fields.names)
                }
                fields.set(k, to: v)
            }
            let decoded: C
            do { decoded = try fields.decode(C.self) }
            catch { throw ZooError.badConfig(model: name, reason: "\(error)") }
            try ZooConfigValidation.check(decoded, keys: Set(overrides.keys), model: name)
            do { try (decoded as? any ZooConfiguration)?.checkConsistency() }
            catch { throw ZooError.badConfig(model: name, reason: "\(error)") }
            return decoded
        }
        @Sendable func count(_ c: C, _ classes: Int) -> Int {
            Module.parameterCount {
                var rng = RandomGenerator(seed: 0)
                return build(c, classes, &rng)
            }
        }
        return ZooEntry(
            name: name, level: level, summary: summary, reportedGAP: reportedGAP, recipe: recipe,
            smallLearningRate: smallLearningRate, featureSize: featureSize, frameStatistics: frameStatistics, makeModel: { size, o, classes, rng in
                let c = try config(size, o)
                try ZooConfigValidation.checkBudget(parameters: count(c, classes), model: name)
                return build(c, classes, &rng)
            },
            countParameters: { size, o, classes in count(try config(size, o), classes) },
            describeConfig: { size, o in try ConfigurationFields(try config(size, o)).json() })
    }
}

/// A model configuration an entry starts from: Codable (the `--config`
/// overrides and `yt8m zoo --show` read and write it as JSON), with the
/// paper's values as the defaults of `init()`.
public protocol ZooConfiguration: Codable, Sendable {
    init()
    /// Throws a ``ZooConfigurationConflict`` when fields that are each in
    /// range do not fit together (two shares that sum to 0, a width that
    /// does not divide): the rules the per-field ranges cannot state. The
    /// default has none.
    func checkConsistency() throws
}

extension ZooConfiguration {
    /// No cross-field rule: every combination of in-range values builds.
    public func checkConsistency() throws {}
}

/// Fields of a configuration that do not fit together, in words naming them.
public struct ZooConfigurationConflict: Error, CustomStringConvertible {
    /// The conflict in words, naming the fields and their values.
    public var description: String
    /// A conflict described by `description`.
    public init(_ description: String) { self.description = description }
}

extension ZooEntry {
    /// Makes an entry whose paper and small configurations are the defaults
    /// `C()` edited by `paper` and `small` (each starts from the defaults).
    public static func make<C: ZooConfiguration>(
        _ name: String, level: InputLevel, summary: String, reportedGAP: String? = nil, recipe: Recipe,
        smallLearningRate: Double? = nil, featureSize: Int = 1152, frameStatistics: [FrameStatistic]? = nil,
        paper: (inout C) -> Void = { _ in }, small: (inout C) -> Void = { _ in },
        build: @escaping @Sendable (C, Int, inout RandomGenerator) -> any ZooModel
    ) -> ZooEntry {
        var paperConfig = C(), smallConfig = C()
        paper(&paperConfig)
        small(&smallConfig)
        return make(name, level: level, summary: summary, reportedGAP: reportedGAP, recipe: recipe,
                    smallLearningRate: smallLearningRate, featureSize: featureSize, frameStatistics: frameStatistics,
                    paper: paperConfig, small: smallConfig, build: build)
    }
}

/// Problems with a model name or configuration given by a user.
public enum ZooError: Error, CustomStringConvertible, Equatable {
    /// No entry has this name.
    case unknownModel(String, known: [String])
    /// An override names a field the model's configuration does not have.
    case unknownConfigField(model: String, field: String, known: [String])
    /// The overrides do not decode as the model's configuration.
    case badConfig(model: String, reason: String)
    /// An override's value is outside the field's range.
    case configValueOutOfRange(model: String, field: String, value: String, allowed: String)
    /// Training the configuration would need more memory than the machine has.
    case tooLarge(model: String, parameters: Int, memoryBytes: Int)

    /// A message for the user.
    public var description: String {
        switch self {
        case .unknownModel(let n, let known):
            return "unknown model '\(n)'; \(Self.hint(n, known))the zoo has: \(known.joined(separator: ", "))"
        case .unknownConfigField(let m, let f, let known):
            return "model \(m) has no configuration field '\(f)'; \(Self.hint(f, known))fields: \(known.joined(separator: ", "))"
        case .badConfig(let m, let r): return "bad configuration for \(m): \(r)"
        case .configValueOutOfRange(let m, let f, let v, let allowed):
            return "model \(m): configuration field '\(f)' is \(v); it must be \(allowed)"
        case .tooLarge(let m, let p, let memory):
            let gib = { (bytes: Double) in String(format: "%.1f GiB", bytes / 1_073_741_824) }
            return "model \(m) with this configuration has \(p) parameters: training it needs about "
                + "\(gib(Double(p) * 16)) (weights, gradients and Adam's moments) and this machine has \(gib(Double(memory)))"
        }
    }
}

extension ZooError {
    /// "did you mean 'X'? " when one of `known` is close to the mistyped `name`.
    static func hint(_ name: String, _ known: [String]) -> String {
        nearestName(to: name, among: known).map { "did you mean '\($0)'? " } ?? ""
    }
}

/// Every architecture of the zoo.
public enum ModelZoo {
    /// The zoo's entries in their listing order, video level first; each is
    /// declared beside its model. Recipes of td-dense-sort, td-conv,
    /// linear-combinations and early-concat-lstm are not recorded in docs/zoo.md:
    /// they use the Samsung defaults (batch 512, learning rate 0.001).
    public static let entries: [ZooEntry] = [
        [LogisticModel.videoZooEntry], MoeModel.zooEntries, ResNetLikeModel.zooEntries,
        [DMRNetModel.zooEntry, FrameStatisticsModel.zooEntry],
        [LogisticModel.frameZooEntry, DBoFModel.zooEntry, SoftDBoFModel.zooEntry], NetVLADModel.zooEntries,
        [NetFVModel.zooEntry, VLADBoWModel.zooEntry], TransformerModel.zooEntries,
        [AttentionNetModel.zooEntry, TimeDistributedMaxPoolModel.zooEntry, TimeDistributedSortModel.zooEntry,
         FrameConvModel.zooEntry, LinearCombinationsModel.zooEntry], LSTMModel.zooEntries,
        [GRUModel.zooEntry, BidirectionalLSTMModel.zooEntry, BidirectionalGRUModel.zooEntry,
         EarlyConcatLSTMModel.zooEntry, LSTMBiAttentionModel.zooEntry, QRNNModel.zooEntry],
    ].flatMap { $0 }

    /// The entry called `name`; a ``ZooError/unknownModel(_:known:)`` naming every entry otherwise.
    public static func entry(named name: String) throws -> ZooEntry {
        guard let e = entries.first(where: { $0.name == name }) else {
            throw ZooError.unknownModel(name, known: entries.map(\.name))
        }
        return e
    }
}

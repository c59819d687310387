import Foundation
import NN
import Tensor

/// What a checkpoint needs to rebuild its model: the zoo entry, the size,
/// the configuration overrides and the number of classes. Stored as JSON in
/// the checkpoint's metadata under `model_spec`.
public struct ModelSpec: Codable, Equatable, Sendable {
    /// The zoo entry's name.
    public var model: String
    /// Paper or small configuration.
    public var size: ModelSize
    /// JSON object of configuration overrides ("{}" for none).
    public var overrides: String
    /// C, classes the model scores.
    public var numClasses: Int
    /// Frames fed per video when evaluating frame-level models (all up to this many).
    public var maxFrames: Int

    /// A spec of the entry `model` at `size` with JSON `overrides`.
    public init(model: String, size: ModelSize, overrides: String = "{}", numClasses: Int, maxFrames: Int = 300) {
        self.model = model
        self.size = size
        self.overrides = overrides
        self.numClasses = numClasses
        self.maxFrames = maxFrames
    }

    /// The overrides parsed as a JSON object (nil when they are not one).
    public var overrideDictionary: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(overrides.utf8))) as? [String: Any]
    }

    /// Builds the (randomly initialised) model this spec describes.
    public func build(seed: UInt64 = 0) throws -> any ZooModel {
        var rng = RandomGenerator(seed: seed)
        return try ModelZoo.entry(named: model).build(size: size, overrides: overrideDictionary, numClasses: numClasses, rng: &rng)
    }

    /// The spec as JSON, as stored in the checkpoint's metadata.
    /// Keys sorted, so identical specs give identical bytes (and identical checkpoints).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// A checkpoint that cannot be turned back into a model.
public struct TrainedModelError: Error, CustomStringConvertible {
    /// The checkpoint's path.
    public let path: String
    /// What is wrong with it.
    public let reason: String
    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// Loading trained checkpoints back into models.
public enum TrainedModel {
    /// Rebuilds the model of a checkpoint written by the trainer (weights under
    /// `model.`) or of a quantized export (weights by name, dequantized), and
    /// loads its weights. Refuses a checkpoint whose weights hold NaN or
    /// infinite values (a run that diverged), naming the tensors, so nothing
    /// downstream scores or exports them.
    public static func load(_ path: String) throws -> (model: any ZooModel, spec: ModelSpec) {
        let (tensors, metadata) = try SafeTensors.read(path)
        let spec = try spec(in: metadata, of: path)
        let model = try spec.build()
        var state: [String: Tensor] = [:]
        if metadata["quantized"] != nil {
            state = try Quantization.load(path)
        } else {
            for (k, v) in tensors where k.hasPrefix("model.") { state[String(k.dropFirst(6))] = v }
        }
        let bad = state.keys.sorted().compactMap { name -> String? in
            let n = state[name]!.nonFiniteCount
            return n == 0 ? nil : "\(name) (\(n) of \(state[name]!.count) values)"
        }
        guard bad.isEmpty else {
            throw TrainedModelError(path: path, reason: "non-finite weights in \(bad.prefix(5).joined(separator: ", "))"
                                    + (bad.count > 5 ? " and \(bad.count - 5) more tensors" : "")
                                    + ": the run that wrote it diverged; use an earlier checkpoint")
        }
        try model.loadStateDict(state)
        model.eval()
        return (model, spec)
    }

    /// The spec of the checkpoint at `path`, read from its header alone (no weights).
    public static func spec(of path: String) throws -> ModelSpec {
        try spec(in: try SafeTensors.readMetadata(path), of: path)
    }

    private static func spec(in metadata: [String: String], of path: String) throws -> ModelSpec {
        guard let text = metadata["model_spec"],
              let spec = try? JSONDecoder().decode(ModelSpec.self, from: Data(text.utf8)) else {
            throw TrainedModelError(path: path, reason: "no model_spec in the checkpoint metadata (not written by `yt8m train`?)")
        }
        return spec
    }
}

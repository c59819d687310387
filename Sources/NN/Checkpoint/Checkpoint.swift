import Foundation
import Tensor

/// A training checkpoint in one safetensors file: the module's state dict
/// under `model.` (what PyTorch's twin module loads), its non-persistent
/// buffers (dropout's random state) under `nonpersistent.`, the optimizer's
/// state under `optimizer.`, the EMA shadow under `ema.`, and the step plus
/// any caller metadata in `__metadata__`.
public enum Checkpoint {
    /// Writes the checkpoint atomically (a crash leaves the old file intact).
    public static func save(to path: String, module: Module, optimizer: Optimizer? = nil,
                            ema: ExponentialMovingAverage? = nil, step: Int, metadata: [String: String] = [:]) throws {
        var tensors: [String: Tensor] = [:]
        for (k, v) in module.stateDict() { tensors["model." + k] = v }
        for (k, v) in module.nonPersistentState() { tensors["nonpersistent." + k] = v }
        if let optimizer { for (k, v) in optimizer.stateTensors() { tensors["optimizer." + k] = v } }
        if let ema { for (k, v) in ema.shadow { tensors["ema." + k] = v } }
        var meta = metadata
        meta["step"] = String(step)
        meta["format"] = "yt8mkit-checkpoint-1"
        try SafeTensors.write(tensors, metadata: meta, to: path)
    }

    /// Restores what `save` wrote into the given objects; returns the step
    /// and the metadata. Model tensors are checked strictly by name and shape.
    @discardableResult
    public static func load(from path: String, module: Module, optimizer: Optimizer? = nil,
                            ema: ExponentialMovingAverage? = nil) throws -> (step: Int, metadata: [String: String]) {
        let (stored, metadata) = try SafeTensors.read(path)
        // Keys of checkpoints from before 0.3.0 are camelCase, and their
        // dropout state sits under `model.`; both read as today's.
        let tensors = StateDictNames.normalized(stored)
        func section(_ prefix: String) -> [String: Tensor] {
            var out: [String: Tensor] = [:]
            for (k, v) in tensors where k.hasPrefix(prefix) { out[String(k.dropFirst(prefix.count))] = v }
            return out
        }
        try module.loadStateDict(section("model.").merging(section("nonpersistent.")) { stored, _ in stored })
        if let optimizer { try optimizer.loadState(section("optimizer.")) }
        if let ema { ema.loadShadow(section("ema.")) }
        return (Int(metadata["step"] ?? "0") ?? 0, metadata)
    }
}

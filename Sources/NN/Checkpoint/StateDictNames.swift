import Tensor

/// State-dict keys as PyTorch spells them.
///
/// Module reflection names a parameter after its Swift property, and Swift
/// properties are camelCase where PyTorch's attributes are snake_case
/// (`runningMean` against `running_mean`, `inProjWeight` against
/// `in_proj_weight`). Every key goes through ``pytorch(_:)``, so a layer
/// PyTorch also has stores what `torch.nn` stores, and checkpoints written
/// before 0.3.0 (camelCase keys) read through ``normalized(_:)`` as today's.
public enum StateDictNames {
    /// `key` with each dotted component in snake_case: a word starts at an
    /// upper-case letter after a lower-case letter or digit, and at the last
    /// capital of a run followed by a lower-case letter (`weightIH` →
    /// `weight_ih`, `HTTPServer` → `http_server`). Snake_case, digits and
    /// indices are unchanged, so the mapping is idempotent.
    public static func pytorch(_ key: String) -> String {
        key.split(separator: ".", omittingEmptySubsequences: false).map(snakeCased).joined(separator: ".")
    }

    /// A stored state under today's keys. Should an old and a new spelling
    /// of one key both be present, the one already in today's spelling wins.
    public static func normalized(_ state: [String: Tensor]) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (key, value) in state {
            let name = pytorch(key)
            if name == key || out[name] == nil { out[name] = value }
        }
        return out
    }

    private static func snakeCased(_ component: Substring) -> String {
        let characters = Array(component)
        var out = ""
        for (i, c) in characters.enumerated() {
            if c.isUppercase, i > 0 {
                let previous = characters[i - 1]
                let nextIsLower = i + 1 < characters.count && characters[i + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { out.append("_") }
            }
            out.append(contentsOf: c.lowercased())
        }
        return out
    }
}

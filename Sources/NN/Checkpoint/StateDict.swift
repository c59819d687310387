import Tensor

/// One way a stored state does not fit a module.
public enum StateMismatch: Equatable, CustomStringConvertible, Sendable {
    /// The module has a parameter or required buffer of this name that the state lacks.
    case missing(String)
    /// The state holds a tensor of this name that the module has no parameter or buffer for.
    case unexpected(String)
    /// The tensor of this name has a shape other than the module's (`expected`) one (`found`).
    case shape(name: String, expected: [Int], found: [Int])

    /// The mismatch in words, naming the key and the shapes.
    public var description: String {
        switch self {
        case .missing(let n): return "missing '\(n)'"
        case .unexpected(let n): return "unexpected '\(n)'"
        case .shape(let n, let e, let f): return "'\(n)' has shape \(f), the module expects \(e)"
        }
    }
}

/// Loading failed; every mismatch is listed by name.
public struct StateDictError: Error, CustomStringConvertible {
    /// Every key that is missing, unexpected or of the wrong shape.
    public let mismatches: [StateMismatch]
    /// The problem in words, naming what was wrong and where.
    public var description: String {
        "state does not fit the module (\(mismatches.count) problem\(mismatches.count == 1 ? "" : "s")): "
            + mismatches.map(\.description).joined(separator: "; ")
    }
}

extension Module {
    /// Parameters and persistent buffers by name: PyTorch's `state_dict()`,
    /// what a twin `torch.nn` module loads with `strict=True`.
    public func stateDict() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (n, p) in namedParameters() { out[n] = p.value.detached() }
        for (n, b) in namedBuffers() where b.isPersistent { out[n] = b.value }
        return out
    }

    /// The non-persistent buffers by name (dropout's random state): not part
    /// of ``stateDict()``, saved by training checkpoints so a resumed run
    /// draws the same masks.
    public func nonPersistentState() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (n, b) in namedBuffers() where !b.isPersistent { out[n] = b.value }
        return out
    }

    /// Loads parameters and buffers by name. With `strict`, any missing,
    /// unexpected or mis-shaped tensor stops the load before anything is
    /// assigned, and every one of them is reported. Values are converted to
    /// each parameter's dtype.
    ///
    /// Keys are read through ``StateDictNames/normalized(_:)``, so a state
    /// written before 0.3.0 (camelCase keys) loads. Non-persistent buffers
    /// are loaded when present and never missing; buffers that are not
    /// required (BatchNorm's `num_batches_tracked`) keep their value when absent.
    public func loadStateDict(_ stored: [String: Tensor], strict: Bool = true) throws {
        let state = StateDictNames.normalized(stored)
        let params = namedParameters(), buffers = namedBuffers()
        var mismatches: [StateMismatch] = []
        var known = Set<String>()
        for (n, p) in params {
            known.insert(n)
            if let t = state[n] { if t.shape != p.shape { mismatches.append(.shape(name: n, expected: p.shape, found: t.shape)) } }
            else { mismatches.append(.missing(n)) }
        }
        for (n, b) in buffers {
            known.insert(n)
            if let t = state[n] { if t.shape != b.value.shape { mismatches.append(.shape(name: n, expected: b.value.shape, found: t.shape)) } }
            else if b.isPersistent && b.isRequired { mismatches.append(.missing(n)) }
        }
        for n in state.keys.sorted() where !known.contains(n) { mismatches.append(.unexpected(n)) }
        let blocking = strict ? mismatches : mismatches.filter { if case .shape = $0 { return true } else { return false } }
        guard blocking.isEmpty else { throw StateDictError(mismatches: blocking) }
        for (n, p) in params { if let t = state[n] { p.assign(t) } }
        for (n, b) in buffers { if let t = state[n] { b.value = t.converted(to: b.value.dtype) } }
    }
}

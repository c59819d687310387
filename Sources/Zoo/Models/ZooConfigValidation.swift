import Foundation
import NN

/// The ranges a zoo configuration's values must lie in, checked on the
/// fields a user overrides (`--config`, the `overrides` of a spec) before
/// anything is built: a layer's preconditions are for programmers, so a
/// user's `{"mixtures": 0}` must stop here as an error naming the key and
/// the range, not as a trap inside a layer. The rules go by the Swift type
/// of the field and, for rates, its name, so every model's configuration is
/// covered without a table per model.
enum ZooConfigValidation {
    /// The largest count or size accepted (far beyond any paper's; it keeps
    /// shape products away from overflow).
    static let maxCount = 1 << 24

    /// Checks the fields of `config` named in `keys` (recursing into nested
    /// field groups, whose fields are flat keys of the JSON).
    static func check(_ config: Any, keys: Set<String>, model: String) throws {
        for child in Mirror(reflecting: config).children {
            guard let label = child.label else { continue }
            if keys.contains(label) {
                try checkValue(child.value, field: label, model: model)
            } else if Mirror(reflecting: child.value).displayStyle == .struct {
                try check(child.value, keys: keys, model: model)
            }
        }
    }

    private static func checkValue(_ value: Any, field: String, model: String) throws {
        func fail(_ shown: String, _ allowed: String) -> ZooError {
            .configValueOutOfRange(model: model, field: field, value: shown, allowed: allowed)
        }
        switch value {
        case let n as Int where field.lowercased().hasSuffix("timescale"):
            // 0 turns the initialisation off; it needs memories of at least 2 steps.
            guard n == 0 || (3...maxCount).contains(n) else { throw fail("\(n)", "0 (off) or an integer in 3…\(maxCount)") }
        case let n as Int:
            let least = mayBeZero(field) ? 0 : 1
            guard (least...maxCount).contains(n) else { throw fail("\(n)", "an integer in \(least)…\(maxCount)") }
        case let list as [Int]:
            if let n = list.first(where: { !(1...maxCount).contains($0) }) {
                throw fail("\(list)", "integers in 1…\(maxCount) (found \(n))")
            }
        case let x as Double:
            let (range, allowed) = rateRange(field)
            guard x.isFinite, range(x) else { throw fail("\(x)", allowed) }
        case let x as Float:
            try checkValue(Double(x), field: field, model: model)
        case let optional as Double?:
            if let x = optional { try checkValue(x, field: field, model: model) }
        default:
            break   // enums and flags: their decoding already refused anything else
        }
    }

    /// Whether a count may be 0: a number of repeated blocks (none is a
    /// valid, shallower model) or one modality's share of a split.
    private static func mayBeZero(_ field: String) -> Bool {
        let name = field.lowercased()
        return name.hasSuffix("blocks") || name.hasSuffix("part")
    }

    /// The range of a real-valued field, by what its name says it is.
    private static func rateRange(_ field: String) -> ((Double) -> Bool, String) {
        let name = field.lowercased()
        if name.contains("dropout") || name.contains("zoneout") { return ({ $0 >= 0 && $0 < 1 }, "a probability in [0, 1)") }
        if name.contains("momentum") || name.contains("decayrate") { return ({ $0 > 0 && $0 <= 1 }, "a rate in (0, 1]") }
        if name.contains("power") { return ({ $0 > 0 }, "a positive number") }
        if name.contains("decay") { return ({ $0 >= 0 }, "a number ≥ 0") }
        return ({ _ in true }, "a finite number")
    }

    /// Throws when training `parameters` parameters would not fit in this
    /// machine's memory (16 bytes each: float32 weights, gradients and Adam's
    /// two moments): a configuration of 10⁸ mixtures is refused here, from
    /// a shape-only build, instead of as a multi-terabyte allocation.
    static func checkBudget(parameters: Int, model: String) throws {
        let memory = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        let (needed, overflow) = parameters.multipliedReportingOverflow(by: 16)
        guard !overflow, needed <= memory else {
            throw ZooError.tooLarge(model: model, parameters: parameters, memoryBytes: memory)
        }
    }
}

/// A training configuration value outside the range that trains: which
/// field, its value, and what is allowed. ``TrainingConfig/validate()``
/// throws it before any work starts, so nothing reachable from a flag or a
/// file ends in a precondition failure deep in a run.
public struct TrainingConfigError: Error, CustomStringConvertible, Equatable {
    /// The field of ``TrainingConfig`` (`learningRate`, `emaRate`, …).
    public let field: String
    /// The value given, as text.
    public let value: String
    /// What is allowed, e.g. "a finite number > 0".
    public let allowed: String

    /// The problem in words, naming what was wrong and where.
    public var description: String { "\(field) is \(value); it must be \(allowed)" }
}

extension TrainingConfig {
    /// Throws ``TrainingConfigError`` for the first field outside its range.
    public func validate() throws {
        func check(_ ok: Bool, _ field: String, _ value: CustomStringConvertible, _ allowed: String) throws {
            if !ok { throw TrainingConfigError(field: field, value: value.description, allowed: allowed) }
        }
        func positiveFinite(_ x: Double) -> Bool { x.isFinite && x > 0 }
        try check(steps > 0, "steps", steps, "> 0")
        try check(positiveFinite(learningRate), "learningRate", learningRate, "a finite number > 0")
        try check(decayRate.isFinite && decayRate > 0 && decayRate <= 1, "decayRate", decayRate, "in (0, 1]")
        try check(decayExamples > 0, "decayExamples", decayExamples, "> 0")
        try check(warmupSteps >= 0, "warmupSteps", warmupSteps, "≥ 0")
        try check(weightDecay.isFinite && weightDecay >= 0, "weightDecay", weightDecay, "a finite number ≥ 0")
        if let c = clipNorm { try check(positiveFinite(c), "clipNorm", c, "a finite number > 0, or none") }
        if let a = mixupAlpha { try check(positiveFinite(a), "mixupAlpha", a, "a finite number > 0, or none") }
        if let r = emaRate { try check(r.isFinite && r > 0 && r <= 1, "emaRate", r, "in (0, 1], or none") }
        try check(emaStartStep >= 0, "emaStartStep", emaStartStep, "≥ 0")
        try check(validateEvery > 0, "validateEvery", validateEvery, "> 0")
        if let v = validationBatches { try check(v > 0, "validationBatches", v, "> 0, or all") }
        if let p = earlyStoppingPatience { try check(p > 0, "earlyStoppingPatience", p, "> 0, or none") }
        try check(accumulationSteps >= 1, "accumulationSteps", accumulationSteps, "≥ 1")
        try check(progressInterval.isFinite && progressInterval >= 0, "progressInterval", progressInterval, "a finite number ≥ 0")
        switch loss {
        case .bceWithRanking(let w): try check(positiveFinite(w), "loss", "bce+\(w)·rank", "a ranking weight that is a finite number > 0")
        case .distillation(let l): try check(l.isFinite && l >= 0 && l <= 1, "loss", "distill(λ=\(l))", "λ in [0, 1]")
        case .binaryCrossEntropy, .ranking: break
        }
    }
}

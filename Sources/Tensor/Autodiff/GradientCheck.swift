/// The result of ``checkGradients(of:at:epsilon:relativeTolerance:absoluteTolerance:seed:)``.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
    /// True when every element agreed within tolerance.
    public let passed: Bool
    /// Which input holds the worst element (an index into `inputs`).
    public let worstInput: Int
    /// The multi-index of the worst element within that input.
    public let worstIndex: [Int]
    /// The autodiff derivative at the worst element.
    public let analytic: Double
    /// The central-difference derivative at the worst element.
    public let numeric: Double
    /// |analytic − numeric| / (atol + rtol·max(|analytic|, |numeric|)) at the
    /// worst element; ≤ 1 passes.
    public let worstRatio: Double
    /// Number of elements compared.
    public let checkedElements: Int

    /// One line: passed or FAILED, then the worst element, its two derivatives,
    /// its error as a multiple of the tolerance and the number of elements compared.
    public var description: String {
        (passed ? "gradient check passed" : "gradient check FAILED")
            + String(format: ": worst at input %d index %@: analytic %.10g, numeric %.10g (error %.3g× tolerance, %d elements)",
                     worstInput, "\(worstIndex)", analytic, numeric, worstRatio, checkedElements)
    }
}

/// Compares the autodiff gradient of `f` with central differences in float64.
///
/// The inputs are converted to float64. A non-scalar output y is reduced to
/// the scalar L = Σ y ⊙ r with a fixed random r, so every entry of the
/// Jacobian contributes. For each input element, the numeric derivative is
/// (L(x + ε) − L(x − ε)) / 2ε; an element passes when
/// |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|).
/// `f` must be deterministic (fix the seed of any dropout inside it).
public func checkGradients(of f: ([Tensor]) -> Tensor, at inputs: [Tensor], epsilon: Double = 1e-6,
                           relativeTolerance: Double = 1e-5, absoluteTolerance: Double = 1e-7,
                           seed: UInt64 = 0x5EED) -> GradientCheckResult {
    let xs = inputs.map { x -> Tensor in
        precondition(x.dtype.isFloatingPoint, "checkGradients: inputs must be floating point, got \(x.dtype)")
        return x.detached().converted(to: .float64)
    }
    var rng = RandomGenerator(seed: seed)
    let probe = withoutGrad { f(xs) }
    let r = Tensor.normal(probe.shape, dtype: .float64, using: &rng)
    func loss(_ args: [Tensor]) -> Tensor {
        let y = f(args)
        precondition(y.dtype == .float64, "checkGradients: f returned \(y.dtype) for float64 inputs; keep the dtype of the inputs")
        return (y * r).sum()
    }
    let analytic = valueWithGradient(of: loss, wrt: xs).gradients

    var worst = (ratio: -1.0, input: 0, flat: 0, a: 0.0, n: 0.0)
    var checked = 0
    for (i, x) in xs.enumerated() {
        for j in 0..<x.count {
            var plus = xs, minus = xs
            let v = x.element(at: j)
            plus[i].setElement(at: j, to: v + epsilon)
            minus[i].setElement(at: j, to: v - epsilon)
            let numeric = withoutGrad { (loss(plus).scalar - loss(minus).scalar) / (2 * epsilon) }
            let a = analytic[i].element(at: j)
            let tolerance = absoluteTolerance + relativeTolerance * max(Swift.abs(a), Swift.abs(numeric))
            let ratio = a.isNaN || numeric.isNaN ? .infinity : Swift.abs(a - numeric) / tolerance
            if ratio > worst.ratio { worst = (ratio, i, j, a, numeric) }
            checked += 1
        }
    }
    let shape = xs.isEmpty ? [] : xs[worst.input].shape
    var index = [Int](repeating: 0, count: shape.count), rem = worst.flat
    for ax in stride(from: shape.count - 1, through: 0, by: -1) { index[ax] = rem % shape[ax]; rem /= shape[ax] }
    return GradientCheckResult(passed: worst.ratio <= 1, worstInput: worst.input, worstIndex: index,
                               analytic: worst.a, numeric: worst.n, worstRatio: max(worst.ratio, 0),
                               checkedElements: checked)
}

/// One named gradient check: a function of float64 inputs, run through
/// ``checkGradients(of:at:epsilon:relativeTolerance:absoluteTolerance:seed:)``.
///
/// The ops a case covers are read from the graph it records
/// (``coveredOps``), not declared, so a case cannot claim an op it does not
/// exercise. A module's coverage test unions them over its cases and
/// compares with ``OpRegistry/names(registeredBy:)``: an op without a check
/// fails it.
public struct GradientCheckCase {
    /// What is checked, for failure messages.
    public let name: String
    /// The point the gradient is checked at (converted to float64).
    public let inputs: [Tensor]
    /// The function whose gradient is checked; it must keep the inputs' dtype.
    public let function: ([Tensor]) -> Tensor
    /// Tolerances and step handed to the checker.
    public let relativeTolerance: Double, absoluteTolerance: Double, epsilon: Double

    /// A case named `name` checking `function` at `inputs`.
    public init(_ name: String, _ inputs: [Tensor], relativeTolerance: Double = 1e-5, absoluteTolerance: Double = 1e-7,
                epsilon: Double = 1e-6, _ function: @escaping ([Tensor]) -> Tensor) {
        self.name = name
        self.inputs = inputs
        self.function = function
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.epsilon = epsilon
    }

    /// The names of the ops recorded when the function runs on inputs that require gradients.
    public var coveredOps: Set<String> {
        function(inputs.map { $0.converted(to: .float64).requiringGrad() }).recordedOps
    }

    /// Runs the check.
    public func check() -> GradientCheckResult {
        checkGradients(of: function, at: inputs, epsilon: epsilon,
                       relativeTolerance: relativeTolerance, absoluteTolerance: absoluteTolerance)
    }
}

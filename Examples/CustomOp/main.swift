import Foundation
import Tensor

// A differentiable op defined outside Tensor, recorded on the tape like a
// built-in, used in a robust regression and checked against central
// differences. Exits non-zero when a check fails.

/// This program's list of differentiable primitives, beside Tensor's own.
enum ExampleOp: String, DifferentiablePrimitive {
    case logCosh
}

/// log cosh x elementwise, the robust loss that is quadratic near 0 and
/// linear far out, written |x| + log1p(e^{−2|x|}) − log 2 so that cosh
/// never overflows (cosh 800 is inf in float64; log cosh 800 is ~799.3).
/// d/dx log cosh x = tanh x.
func logCosh(_ x: Tensor) -> Tensor {
    precondition(x.dtype.isFloatingPoint, "logCosh: needs a float32 or float64 tensor, got \(x.dtype)")
    var y = Tensor(uninitializedShape: x.shape, dtype: x.dtype)
    func run<T: KernelFloat>(_: T.Type) {
        let src = x.unsafePointer(of: T.self), dst = y.unsafeMutablePointer(of: T.self)
        let log2 = T.log(2)
        Parallel.forEachChunk(x.count) { range in
            for i in range {
                let a = Swift.abs(src[i])
                dst[i] = a + T.log(onePlus: T.exp(-2 * a)) - log2
            }
        }
    }
    if x.dtype == .float32 { run(Float.self) } else { run(Double.self) }
    let x0 = x.detached()
    // One input, so the pullback only runs when it needs a gradient.
    return Tensor.record(ExampleOp.logCosh, y, [x]) { g, _ in [g * tanh(x0)] }
}

var failures = 0
func report(_ what: String, _ result: GradientCheckResult) {
    print("\(what): \(result)")
    if !result.passed { failures += 1 }
}

// 1. The op alone, far out in both tails as well as near 0.
var rng = RandomGenerator(seed: 7)
let points = Tensor([-40, -3, -0.5, 0, 0.25, 2, 35] as [Double])
report("logCosh", checkGradients(of: { logCosh($0[0]) }, at: [points]))
print("logCosh(800) =", logCosh(Tensor([800] as [Double])).scalar, "(cosh(800) =", cosh(800.0), ")")

// 2. A linear model fitted with the log-cosh loss: loss = mean log cosh(X·w + b − y).
let features = Tensor.normal([32, 3], using: &rng)
let trueWeights = Tensor([1.5, -2, 0.5] as [Float], shape: [3, 1])
var targets = matmul(features, trueWeights) + 0.3
targets.setElement(at: 5, to: 40)                                // one outlier the loss shrugs off
func loss(_ w: Tensor, _ b: Tensor, _ x: Tensor, _ y: Tensor) -> Tensor { logCosh(matmul(x, w) + b - y).mean() }

let w = Tensor.zeros([3, 1]).requiringGrad(), b = Tensor.zeros([1]).requiringGrad()
let recorded = loss(w, b, features, targets).recordedOps
print("recorded ops:", recorded.sorted())
if !recorded.contains(ExampleOp.logCosh.rawValue) { print("logCosh was not recorded"); failures += 1 }

let (x64, y64) = (features.converted(to: .float64), targets.converted(to: .float64))
report("regression loss wrt w, b",
       checkGradients(of: { loss($0[0], $0[1], x64, y64) }, at: [Tensor.normal([3, 1], using: &rng), Tensor.normal([1], using: &rng)]))

// 3. Gradient descent with the op's gradient.
var (weights, bias) = (Tensor.zeros([3, 1]), Tensor.zeros([1]))
for step in 0...300 {
    let (value, grads) = valueWithGradient(of: { loss($0[0], $0[1], features, targets) }, wrt: [weights, bias])
    if step % 100 == 0 { print(String(format: "step %3d  loss %.4f", step, value.scalar)) }
    weights = withoutGrad { weights - 0.5 * grads[0] }
    bias = withoutGrad { bias - 0.5 * grads[1] }
}
print("fitted weights", weights.floats, "bias", bias.floats, "(true [1.5, -2, 0.5], 0.3)")

if failures > 0 { print("\(failures) check(s) FAILED"); exit(1) }
print("all gradient checks passed")

import Tensor

/// An optimizer over a module's named parameters. State tensors are keyed
/// `<state>.<parameter name>` (e.g. `exp_avg.blocks.0.fc.weight`) so that
/// checkpoints, EMA and quantization all share one naming.
public protocol Optimizer: AnyObject {
    /// The parameters updated, with their state-dict names.
    var namedParameters: [(name: String, parameter: Parameter)] { get }
    /// Learning rate used by the next step.
    var learningRate: Double { get set }
    /// Number of steps taken.
    var step: Int { get }
    /// Applies one update from the accumulated gradients (parameters without
    /// a gradient, and frozen ones, are skipped).
    func update()
    /// The optimizer's state as named tensors (for checkpoints).
    func stateTensors() -> [String: Tensor]
    /// Restores state written by ``stateTensors()``; throws on mismatches.
    func loadState(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// Drops every parameter's gradient.
    public func zeroGrad() { namedParameters.forEach { $0.parameter.zeroGrad() } }
}

/// Why optimizer state could not be restored.
public enum OptimizerStateError: Error, CustomStringConvertible, Equatable {
    /// A required state tensor (such as `step`) is absent; the associated value is its name.
    case missing(String)
    /// A state tensor's shape differs from its parameter's: its name, the parameter's shape and the stored one.
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .missing(let n): return "optimizer state: missing tensor '\(n)'"
        case .shapeMismatch(let n, let e, let f): return "optimizer state: '\(n)' has shape \(f), expected \(e)"
        }
    }
}

/// Runs `body` over the parameter's value, its gradient and state buffers as
/// raw pointers of the parameter's float type, in parallel chunks.
func updateInPlace(_ p: Parameter, _ grad: Tensor, _ states: inout [Tensor],
                   _ body32: (Range<Int>, UnsafeMutablePointer<Float>, UnsafePointer<Float>, [UnsafeMutablePointer<Float>]) -> Void,
                   _ body64: (Range<Int>, UnsafeMutablePointer<Double>, UnsafePointer<Double>, [UnsafeMutablePointer<Double>]) -> Void) {
    let n = p.value.count
    precondition(grad.shape == p.value.shape, "optimizer: gradient \(grad.shape) does not match parameter \(p.value.shape)")
    func run<T: TensorElement>(_: T.Type, _ body: (Range<Int>, UnsafeMutablePointer<T>, UnsafePointer<T>, [UnsafeMutablePointer<T>]) -> Void) {
        var ptrs: [UnsafeMutablePointer<T>] = []
        for i in states.indices { ptrs.append(states[i].withUnsafeMutablePointer(of: T.self) { $0 }) }
        grad.withUnsafePointer(of: T.self) { g in
            p.value.withUnsafeMutablePointer(of: T.self) { w in
                Parallel.forEachChunk(n, costPerItem: 4) { r in body(r, w, g, ptrs) }
            }
        }
    }
    if p.value.dtype == .float32 { run(Float.self, body32) } else { run(Double.self, body64) }
}

import Tensor

/// Exponential moving average of a module's weights (as miha's 2018 entry,
/// and PyTorch's AveragedModel): a shadow copy of every parameter and
/// buffer, updated after each step from `startStep` on as
/// W_ema ← (1 − γ)·W_ema + γ·W, and swapped in for evaluation.
///
/// TensorFlow writes the same update as decay d = 1 − γ; miha's
/// `ema_halflife` h gives γ = 1/h.
public final class ExponentialMovingAverage {
    /// The module whose weights are averaged.
    public let module: Module
    /// γ, the weight of the current weights in each update.
    public let rate: Double
    /// Updates before this step are ignored; the shadow starts as a copy at it.
    public let startStep: Int
    /// The averaged weights by state-dict name (parameters and buffers); empty until the first update at or after `startStep`.
    /// Checkpoints save it under `ema.` and restore it with ``loadShadow(_:)``.
    public private(set) var shadow: [String: Tensor] = [:]
    private var stashed: [String: Tensor]? = nil

    /// An average of `module`'s weights with γ = `rate`, starting at `startStep`.
    public init(_ module: Module, rate: Double, startStep: Int = 0) {
        precondition(rate > 0 && rate <= 1, "ExponentialMovingAverage: rate γ must be in (0, 1], got \(rate)")
        self.module = module
        self.rate = rate
        self.startStep = startStep
    }

    /// Every averaged tensor of the module by name (parameters and buffers).
    private func current() -> [(String, Tensor)] {
        module.namedParameters().map { ($0.name, $0.parameter.value) } + module.namedBuffers().map { ($0.name, $0.buffer.value) }
    }

    /// Folds the current weights into the shadow; call after the optimizer step.
    public func update(step: Int) {
        precondition(stashed == nil, "ExponentialMovingAverage.update: the EMA weights are swapped in; call swapOut() first")
        guard step >= startStep else { return }
        withoutGrad {
            for (name, w) in current() {
                // Integer state (dropout's random state) is copied, not averaged.
                if let s = shadow[name], w.dtype.isFloatingPoint {
                    shadow[name] = s * (1 - rate) + w.detached() * rate
                } else {
                    shadow[name] = w.detached()
                }
            }
        }
    }

    /// Whether the shadow holds weights yet.
    public var isStarted: Bool { !shadow.isEmpty }

    /// Puts the averaged weights into the module (keeping the live ones aside).
    public func swapIn() {
        guard isStarted, stashed == nil else { return }
        stashed = Dictionary(uniqueKeysWithValues: current().map { ($0.0, $0.1.detached()) })
        assign(shadow)
    }

    /// Restores the live weights after ``swapIn()``.
    public func swapOut() {
        guard let live = stashed else { return }
        assign(live)
        stashed = nil
    }

    private func assign(_ values: [String: Tensor]) {
        for (name, p) in module.namedParameters() { if let v = values[name] { p.assign(v) } }
        for (name, b) in module.namedBuffers() { if let v = values[name] { b.value = v } }
    }

    /// Restores a shadow saved in a checkpoint.
    public func loadShadow(_ values: [String: Tensor]) { shadow = values }
}

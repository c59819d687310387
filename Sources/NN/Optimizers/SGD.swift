import Tensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and
/// L2 weight decay, as PyTorch: b ← μb + g (+ λw in g); w ← w − lr·(g + μb)
/// with Nesterov, else w ← w − lr·b.
public final class SGD: Optimizer {
    /// The parameters the optimizer updates, with their state-dict names (frozen ones left out).
    public let namedParameters: [(name: String, parameter: Parameter)]
    /// The step size, which a schedule may change between steps.
    public var learningRate: Double
    /// The momentum factor (0: plain SGD) and the L2 weight decay added to each gradient.
    public let momentum, weightDecay: Double
    /// Nesterov momentum instead of the heavy-ball form (PyTorch's `nesterov`).
    public let nesterov: Bool
    /// The number of updates taken, from 0 (saved in the state as `step`).
    public private(set) var step = 0
    var velocity: [String: Tensor] = [:]

    /// Stochastic gradient descent over the trainable parameters of `module` (PyTorch's `torch.optim.SGD`).
    public init(_ module: Module, learningRate: Double, momentum: Double = 0, nesterov: Bool = false,
                weightDecay: Double = 0) {
        precondition(!nesterov || momentum > 0, "SGD: Nesterov needs a positive momentum")
        namedParameters = module.namedParameters()
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// Applies one step to every parameter from its gradient.
    public func update() {
        step += 1
        let lr = learningRate, mu = momentum, wd = weightDecay, nesterov = nesterov
        for (name, p) in namedParameters where !p.isFrozen {
            guard let g = p.grad else { continue }
            let fresh = velocity[name] == nil
            // Taken out of the dictionary so the update runs in place (see Adam).
            var states = mu > 0 ? [velocity.removeValue(forKey: name) ?? Tensor.zeros(like: p.value)] : []
            updateInPlace(p, g, &states, { r, w, g, s in
                // float32 through the AVX-512, AVX2 or portable loops (VectorMath.isa).
                OptimizerKernels.sgdFloat(r, w: w, g: g, buf: s.first, lr: Float(lr), mu: Float(mu), wd: Float(wd),
                                          fresh: fresh, nesterov: nesterov)
            }, { r, w, g, s in
                OptimizerKernels.sgd(r, w: w, g: g, buf: s.first, lr: lr, mu: mu, wd: wd, fresh: fresh, nesterov: nesterov)
            })
            if mu > 0 { velocity[name] = states[0] }
        }
    }

    /// The optimizer's per-parameter state by name, for a training checkpoint.
    public func stateTensors() -> [String: Tensor] {
        var out: [String: Tensor] = ["step": Tensor(scalar: Double(step))]
        for (k, v) in velocity { out["momentum_buffer.\(k)"] = v }
        return out
    }

    /// Restores the state ``stateTensors()`` wrote; throws when it does not fit these parameters.
    public func loadState(_ state: [String: Tensor]) throws {
        guard let s = state["step"] else { throw OptimizerStateError.missing("step") }
        var vel: [String: Tensor] = [:]
        for (name, p) in namedParameters {
            guard let t = state["momentum_buffer.\(name)"] else { continue }
            guard t.shape == p.value.shape else {
                throw OptimizerStateError.shapeMismatch(name: "momentum_buffer.\(name)", expected: p.value.shape, found: t.shape)
            }
            vel[name] = t.converted(to: p.value.dtype)
        }
        step = Int(s.scalar)
        velocity = vel
    }
}

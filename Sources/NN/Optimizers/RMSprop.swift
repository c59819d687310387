import Tensor

/// RMSprop (Hinton, Coursera lecture 6e, 2012) with PyTorch's
/// `torch.optim.RMSprop` semantics and defaults (α 0.99, ε 1e-8, no
/// momentum, not centred, no weight decay):
/// g ← g + λw; v ← αv + (1−α)g²; w ← w − lr·g/(√v + ε).
///
/// Options as PyTorch: `centered` keeps ḡ ← αḡ + (1−α)g and divides by
/// √(v − ḡ²) + ε; `momentum` μ > 0 keeps b ← μb + g/(√v + ε) and steps
/// w ← w − lr·b. ε is added outside the square root, and there is no bias
/// correction (unlike Adam), as PyTorch. TensorFlow's RMSProp differs (ε
/// inside the root, v starting at 1).
///
/// State tensors carry PyTorch's state names: `square_avg.<parameter>`,
/// `momentum_buffer.<parameter>` (momentum > 0), `grad_avg.<parameter>`
/// (centred), and `step`.
public final class RMSprop: Optimizer {
    /// The parameters the optimizer updates, with their state-dict names (frozen ones left out).
    public let namedParameters: [(name: String, parameter: Parameter)]
    /// The step size, which a schedule may change between steps.
    public var learningRate: Double
    /// α, the smoothing of the squared-gradient average; ε, added to its root; the L2 weight decay; the momentum (PyTorch's names and defaults).
    public let alpha, epsilon, weightDecay, momentum: Double
    /// Whether the squared average is centred by the gradients' running mean (PyTorch's `centered`).
    public let centered: Bool
    /// The number of updates taken, from 0 (PyTorch's `step`, saved in the state as `step`).
    public private(set) var step = 0
    var squareAvg: [String: Tensor] = [:]
    var momentumBuffer: [String: Tensor] = [:]
    var gradAvg: [String: Tensor] = [:]

    /// RMSprop over the trainable parameters of `module`, with PyTorch's defaults.
    public init(_ module: Module, learningRate: Double = 1e-2, alpha: Double = 0.99, epsilon: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        precondition(alpha >= 0 && alpha < 1, "RMSprop: alpha must be in [0, 1), got \(alpha)")
        precondition(epsilon >= 0 && momentum >= 0 && weightDecay >= 0,
                     "RMSprop: epsilon \(epsilon), momentum \(momentum) and weight decay \(weightDecay) must not be negative")
        namedParameters = module.namedParameters()
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }

    /// The state kinds this configuration keeps, in the order of the state buffers.
    private var stateNames: [String] {
        ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
    }

    /// Applies one step to every parameter from its gradient.
    public func update() {
        step += 1
        let lr = learningRate, a = alpha, eps = epsilon, wd = weightDecay, mu = momentum, centered = centered
        for (name, p) in namedParameters where !p.isFrozen {
            guard let g = p.grad else { continue }
            // Taken out of the dictionaries so the update runs in place (see Adam).
            var states = [squareAvg.removeValue(forKey: name) ?? Tensor.zeros(like: p.value)]
            if mu > 0 { states.append(momentumBuffer.removeValue(forKey: name) ?? Tensor.zeros(like: p.value)) }
            if centered { states.append(gradAvg.removeValue(forKey: name) ?? Tensor.zeros(like: p.value)) }
            // States: v, then b (momentum > 0), then ḡ (centred).
            let b = mu > 0 ? 1 : nil, mean = centered ? (mu > 0 ? 2 : 1) : nil
            updateInPlace(p, g, &states, { r, w, g, s in
                // float32 through the AVX-512, AVX2 or portable loops (VectorMath.isa).
                OptimizerKernels.rmspropFloat(r, w: w, g: g, v: s[0], b: b.map { s[$0] }, mean: mean.map { s[$0] },
                                              lr: Float(lr), alpha: Float(a), eps: Float(eps), wd: Float(wd),
                                              momentum: Float(mu))
            }, { r, w, g, s in
                OptimizerKernels.rmsprop(r, w: w, g: g, v: s[0], b: b.map { s[$0] }, mean: mean.map { s[$0] },
                                         lr: lr, alpha: a, eps: eps, wd: wd, momentum: mu)
            })
            squareAvg[name] = states[0]
            if mu > 0 { momentumBuffer[name] = states[1] }
            if centered { gradAvg[name] = states[mu > 0 ? 2 : 1] }
        }
    }

    /// The optimizer's per-parameter state by name, for a training checkpoint.
    public func stateTensors() -> [String: Tensor] {
        var out: [String: Tensor] = ["step": Tensor(scalar: Double(step))]
        for (k, v) in squareAvg { out["square_avg.\(k)"] = v }
        for (k, v) in momentumBuffer { out["momentum_buffer.\(k)"] = v }
        for (k, v) in gradAvg { out["grad_avg.\(k)"] = v }
        return out
    }

    /// Restores the state ``stateTensors()`` wrote; throws when it does not fit these parameters.
    public func loadState(_ state: [String: Tensor]) throws {
        guard let s = state["step"] else { throw OptimizerStateError.missing("step") }
        var loaded: [String: [String: Tensor]] = [:]
        for (name, p) in namedParameters {
            for kind in stateNames {
                let key = "\(kind).\(name)"
                guard let t = state[key] else { continue }     // no state yet: the parameter never had a gradient
                guard t.shape == p.value.shape else {
                    throw OptimizerStateError.shapeMismatch(name: key, expected: p.value.shape, found: t.shape)
                }
                loaded[kind, default: [:]][name] = t.converted(to: p.value.dtype)
            }
        }
        step = Int(s.scalar)
        squareAvg = loaded["square_avg"] ?? [:]
        momentumBuffer = loaded["momentum_buffer"] ?? [:]
        gradAvg = loaded["grad_avg"] ?? [:]
    }
}

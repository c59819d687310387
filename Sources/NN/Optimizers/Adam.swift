import Foundation
import Tensor

/// Adam (Kingma & Ba 2015) with bias correction, as TensorFlow and PyTorch:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², w ← w − lr·m̂ / (√v̂ + ε).
/// `weightDecay` adds λw to the gradient (L2, coupled); with `decoupled`
/// it is AdamW (Loshchilov & Hutter 2019): w ← w − lr·λ·w before the step.
public final class Adam: Optimizer {
    /// The parameters the optimizer updates, with their state-dict names (frozen ones left out).
    public let namedParameters: [(name: String, parameter: Parameter)]
    /// The step size, which a schedule may change between steps.
    public var learningRate: Double
    /// β₁ and β₂, the decay of the first and second moments; ε, added to the root of the second; the weight decay.
    public let beta1, beta2, epsilon, weightDecay: Double
    /// Decoupled weight decay (AdamW, applied to the weights) instead of L2 added to the gradient (Adam).
    public let decoupledWeightDecay: Bool
    /// The number of updates taken, from 0; it sets the bias correction 1 − βᵗ (PyTorch's `step`, saved in the state as `step`).
    public private(set) var step = 0
    var expAvg: [String: Tensor] = [:]
    var expAvgSq: [String: Tensor] = [:]

    /// Adam (or AdamW with `decoupledWeightDecay`) over the trainable parameters of `module`, with PyTorch's defaults.
    public init(_ module: Module, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        namedParameters = module.namedParameters()
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// AdamW: Adam with decoupled weight decay.
    public static func adamW(_ module: Module, learningRate: Double = 1e-3, weightDecay: Double = 1e-2) -> Adam {
        Adam(module, learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    /// Applies one step to every parameter from its gradient.
    public func update() {
        step += 1
        let b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay, decoupled = decoupledWeightDecay
        let c1 = 1 - pow(b1, Double(step)), c2 = 1 - pow(b2, Double(step))
        let stepSize = learningRate / c1, c2root = c2.squareRoot(), lr = learningRate
        for (name, p) in namedParameters where !p.isFrozen {
            guard let g = p.grad else { continue }
            // Taken out of the dictionaries so each state is uniquely referenced
            // and updated in place; a second reference would make the kernel
            // copy the whole buffer (copy-on-write) at every step.
            var states = [expAvg.removeValue(forKey: name) ?? Tensor.zeros(like: p.value),
                          expAvgSq.removeValue(forKey: name) ?? Tensor.zeros(like: p.value)]
            updateInPlace(p, g, &states, { r, w, g, s in
                // float32 through the AVX-512, AVX2 or portable loops (VectorMath.isa).
                OptimizerKernels.adamFloat(r, w: w, g: g, m: s[0], v: s[1], b1: Float(b1), b2: Float(b2), eps: Float(eps),
                                           l2: decoupled ? 0 : Float(wd), wDecay: decoupled ? Float(1 - lr * wd) : 1,
                                           stepSize: Float(stepSize), invC2: 1 / Float(c2root))
            }, { r, w, g, s in
                let m = s[0], v = s[1], decay = 1 - lr * wd
                for i in r {
                    var gi = g[i]
                    if decoupled { w[i] *= decay } else { gi += wd * w[i] }
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    w[i] -= stepSize * m[i] / (v[i].squareRoot() / c2root + eps)
                }
            })
            expAvg[name] = states[0]
            expAvgSq[name] = states[1]
        }
    }

    /// The optimizer's per-parameter state by name, for a training checkpoint.
    public func stateTensors() -> [String: Tensor] {
        var out: [String: Tensor] = ["step": Tensor(scalar: Double(step))]
        for (k, v) in expAvg { out["exp_avg.\(k)"] = v }
        for (k, v) in expAvgSq { out["exp_avg_sq.\(k)"] = v }
        return out
    }

    /// Restores the state ``stateTensors()`` wrote; throws when it does not fit these parameters.
    public func loadState(_ state: [String: Tensor]) throws {
        guard let s = state["step"] else { throw OptimizerStateError.missing("step") }
        var m: [String: Tensor] = [:], v: [String: Tensor] = [:]
        for (name, p) in namedParameters {
            for (prefix, dict) in [("exp_avg", 0), ("exp_avg_sq", 1)] {
                let key = "\(prefix).\(name)"
                guard let t = state[key] else { continue }     // no state yet: the parameter never had a gradient
                guard t.shape == p.value.shape else {
                    throw OptimizerStateError.shapeMismatch(name: key, expected: p.value.shape, found: t.shape)
                }
                if dict == 0 { m[name] = t.converted(to: p.value.dtype) } else { v[name] = t.converted(to: p.value.dtype) }
            }
        }
        step = Int(s.scalar)
        expAvg = m
        expAvgSq = v
    }
}

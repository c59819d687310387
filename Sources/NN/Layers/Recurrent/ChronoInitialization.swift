import Foundation
import Tensor

// Chrono initialisation (Tallec & Ollivier 2018, "Can recurrent neural networks
// warp time?"). With PyTorch's initialisation every gate starts near σ(0) = 1/2,
// so a gated cell keeps about half of its state per step: at the start of
// training the gradient of a final state reaches only the last few frames, and a
// classifier reading that state learns from them alone. Chrono sets the bias of
// the gate that keeps the state to log(u), u ~ U(1, T_max − 1), so unit j starts
// with a memory of about u_j steps, spread over the time scales up to T_max that
// the data has; the LSTM's input gate gets the negated bias, so a unit that
// remembers long writes little at each step. The QRNN's forget gate F is the
// share of the new value (cₜ = fₜ⊙zₜ + (1 − fₜ)⊙c_{t−1}), so it gets −log(u).

/// A recurrent layer whose gate biases can start from chrono initialisation.
public protocol ChronoInitializable {
    /// Sets the gate biases so that the units start with memories spread over
    /// 1 … `maxTimescale` steps, drawing them from `rng`.
    func initializeChrono(maxTimescale: Double, rng: inout RandomGenerator)
}

/// log(u), u ~ U(1, maxTimescale − 1), for each of `units` units.
private func chronoLogTimescales(units: Int, maxTimescale: Double, layer: String,
                                 rng: inout RandomGenerator) -> [Double] {
    precondition(maxTimescale > 2, "\(layer).initializeChrono: maxTimescale must exceed 2, got \(maxTimescale)")
    return (0..<units).map { _ in log(rng.uniform(1, maxTimescale - 1)) }
}

/// Writes `values` over gate `gate` (units `gate·n ..< (gate + 1)·n`) of a stacked-gate bias.
private func setGate(_ bias: Parameter?, _ gate: Int, to values: [Double], layer: String) {
    guard let bias else { preconditionFailure("\(layer).initializeChrono: the layer was built without biases") }
    var all = bias.value.doubles
    all.replaceSubrange(gate * values.count ..< (gate + 1) * values.count, with: values)
    bias.assign(Tensor(all, shape: bias.shape))
}

extension LSTM: ChronoInitializable {
    /// Chrono initialisation (Tallec & Ollivier 2018) of every layer and direction:
    /// forget-gate pre-activation biases log(u), u ~ U(1, maxTimescale − 1) per unit,
    /// input-gate biases −log(u), and zero recurrent biases on both gates.
    /// `maxTimescale` is the longest memory the data needs, in steps (the longest
    /// sequence, say). The constant ``forgetBias`` counts in the forget gate's
    /// total: b_ih gets log(u) − forgetBias, so the layer computes what it did
    /// before and only its starting point moves.
    public func initializeChrono(maxTimescale: Double, rng: inout RandomGenerator) {
        // A shape-only build (parameter counts) draws nothing, as the initialisers do.
        guard !Tensor.isShapeOnlyStorageActive else { return }
        let zeros = [Double](repeating: 0, count: hiddenSize)
        for w in weights.joined() {
            let forget = chronoLogTimescales(units: hiddenSize, maxTimescale: maxTimescale, layer: "LSTM", rng: &rng)
            setGate(w.biasIH, 1, to: forget.map { $0 - forgetBias }, layer: "LSTM")
            setGate(w.biasIH, 0, to: forget.map { -$0 }, layer: "LSTM")
            setGate(w.biasHH, 1, to: zeros, layer: "LSTM")
            setGate(w.biasHH, 0, to: zeros, layer: "LSTM")
        }
    }
}

extension GRU: ChronoInitializable {
    /// Chrono initialisation (Tallec & Ollivier 2018) of every layer and direction:
    /// the update gate z, which keeps h_{t−1} in hₜ = (1 − zₜ)⊙nₜ + zₜ⊙h_{t−1}, gets
    /// biases log(u), u ~ U(1, maxTimescale − 1) per unit, and a zero recurrent bias.
    public func initializeChrono(maxTimescale: Double, rng: inout RandomGenerator) {
        guard !Tensor.isShapeOnlyStorageActive else { return }
        for w in weights.joined() {
            setGate(w.biasIH, 1, to: chronoLogTimescales(units: hiddenSize, maxTimescale: maxTimescale, layer: "GRU", rng: &rng),
                    layer: "GRU")
            setGate(w.biasHH, 1, to: [Double](repeating: 0, count: hiddenSize), layer: "GRU")
        }
    }
}

extension QRNN: ChronoInitializable {
    /// Chrono initialisation (Tallec & Ollivier 2018) of every layer: the forget
    /// gate F, the share of the new value zₜ in cₜ, gets biases −log(u),
    /// u ~ U(1, maxTimescale − 1) per unit, so that 1 − fₜ keeps c_{t−1} for about u steps.
    public func initializeChrono(maxTimescale: Double, rng: inout RandomGenerator) {
        guard !Tensor.isShapeOnlyStorageActive else { return }
        for layer in layers {
            let keep = chronoLogTimescales(units: hiddenSize, maxTimescale: maxTimescale, layer: "QRNN", rng: &rng)
            setGate(layer.linear.bias, 1, to: keep.map { -$0 }, layer: "QRNN")
        }
    }
}

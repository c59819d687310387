import Foundation
import Tensor

/// Weight initialisers, all drawn from a seeded `RandomGenerator` so a
/// model built with the same seed is the same on every machine.
///
/// Fan-in and fan-out follow PyTorch: for a weight [out, in, k…] fan-in is
/// in·k…, fan-out out·k….
public enum Initializer {
    /// U(−a, a), a = gain·√(6 / (fanIn + fanOut)) (Glorot & Bengio 2010).
    case glorotUniform(gain: Double = 1)
    /// N(0, gain·√(2 / (fanIn + fanOut))).
    case glorotNormal(gain: Double = 1)
    /// N(0, √2 / √fanIn) (He et al. 2015), for ReLU layers.
    case heNormal
    /// U(−a, a), a = √(6 / fanIn).
    case heUniform
    /// U(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear weights and biases.
    case lecunUniformTorch
    /// N(0, std).
    case normal(std: Double)
    /// U(low, high).
    case uniform(low: Double, high: Double)
    /// A (semi-)orthogonal matrix from the QR decomposition of a Gaussian
    /// matrix (Saxe et al. 2014), scaled by gain; for recurrent weights.
    case orthogonal(gain: Double = 1)
    /// Every element 0 (PyTorch's `zeros_`), as the heads' and attention output's biases use.
    case zeros
    /// Every element 1 (PyTorch's `ones_`).
    case ones
    /// Every element the given value (PyTorch's `constant_`).
    case constant(Double)

    /// Fan-in and fan-out of a weight of this shape.
    static func fans(_ shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        default:
            let receptive = shape.dropFirst(2).reduce(1, *)
            return (shape[1] * receptive, shape[0] * receptive)
        }
    }

    /// A tensor of `shape` drawn from this initialiser; inside
    /// `Tensor.withShapeOnlyStorage(_:)` a shape-only tensor, drawing nothing.
    public func make(_ shape: [Int], dtype: DType = .float32, using rng: inout RandomGenerator,
                     fanIn: Int? = nil) -> Tensor {
        if Tensor.isShapeOnlyStorageActive { return Tensor.zeros(shape, dtype: dtype) }
        let (fi, fo) = Initializer.fans(shape)
        let fanIn = Double(fanIn ?? fi), fanOut = Double(fo)
        switch self {
        case .glorotUniform(let gain):
            let a = gain * (6 / (fanIn + fanOut)).squareRoot()
            return Tensor.uniform(shape, low: -a, high: a, dtype: dtype, using: &rng)
        case .glorotNormal(let gain):
            return Tensor.normal(shape, std: gain * (2 / (fanIn + fanOut)).squareRoot(), dtype: dtype, using: &rng)
        case .heNormal:
            return Tensor.normal(shape, std: (2 / fanIn).squareRoot(), dtype: dtype, using: &rng)
        case .heUniform:
            let a = (6 / fanIn).squareRoot()
            return Tensor.uniform(shape, low: -a, high: a, dtype: dtype, using: &rng)
        case .lecunUniformTorch:
            let a = 1 / fanIn.squareRoot()
            return Tensor.uniform(shape, low: -a, high: a, dtype: dtype, using: &rng)
        case .normal(let std):
            return Tensor.normal(shape, std: std, dtype: dtype, using: &rng)
        case .uniform(let lo, let hi):
            return Tensor.uniform(shape, low: lo, high: hi, dtype: dtype, using: &rng)
        case .orthogonal(let gain):
            precondition(shape.count >= 2, "orthogonal initializer: needs at least 2 axes, got \(shape)")
            let rows = shape[0], cols = shape.dropFirst().reduce(1, *)
            let g = Tensor.normal([max(rows, cols), min(rows, cols)], dtype: .float64, using: &rng)
            var q = g.qrOrthonormalColumns()                  // [max, min] with orthonormal columns
            if rows < cols { q = q.permuted([1, 0]) }        // rows × cols with orthonormal rows
            return (q * gain).reshaped(to: shape).converted(to: dtype)
        case .zeros:
            return Tensor.zeros(shape, dtype: dtype)
        case .ones:
            return Tensor.ones(shape, dtype: dtype)
        case .constant(let v):
            return Tensor.full(shape, value: v, dtype: dtype)
        }
    }
}

import Tensor

/// How the exponent of a ``SignedPower`` is chosen.
public enum PowerNormalization: Equatable, Sendable {
    /// A constant exponent p.
    case fixed(Double)
    /// A trained scalar exponent starting at `initial` (Samsung's VLAD-BOW: 3.0).
    case learnable(initial: Double)
}

/// Signed power normalisation y = sign(x)·|x|^p (Perronnin et al. 2010's
/// power normalisation; the project's guarded form of Samsung's learnable
/// `softmax((xW + b)^p)`), with p fixed or a trained scalar.
///
/// Samsung's `VLADBoW` computes `x.pow(p)`, which is NaN for negative x and
/// a non-integer p (and its p-gradient y·log x is NaN too); this form is
/// defined for every x and p, and equals xᵖ for x ≥ 0. At x = 0 the output
/// and both gradients are taken as 0 (for p < 1 the true x-derivative is
/// infinite there); near 0 with p < 1 the x-gradient p|x|^(p−1) is large,
/// as for any power normalisation. The exponent is stored as a scalar
/// parameter named `exponent` (shape []).
public final class SignedPower: Module, Layer {
    /// The trained exponent, or nil when fixed.
    public let exponent: Parameter?
    /// The constant exponent, or nil when trained.
    public let fixedExponent: Double?

    /// A signed power with the exponent `power` describes: fixed, or trained from its initial value.
    public init(_ power: PowerNormalization, dtype: DType = .float32) {
        switch power {
        case .fixed(let p):
            exponent = nil
            fixedExponent = p
        case .learnable(let p):
            exponent = Parameter(Tensor.full([], value: p, dtype: dtype))
            fixedExponent = nil
        }
    }

    /// The current exponent.
    public var power: Double { exponent.map { $0.value.scalar } ?? fixedExponent! }

    /// sign(x)·|x|ᵖ, elementwise.
    public func forward(_ x: Tensor) -> Tensor {
        let magnitude = abs(x)
        // |x| with the zeros replaced by 1: pow and its gradients stay finite,
        // and sign(0) = 0 zeroes the output and the gradients there.
        let safe = Tensor.where(magnitude .> 0, magnitude, Tensor.ones([], dtype: x.dtype))
        if let exponent {
            precondition(exponent.value.dtype == x.dtype,
                         "SignedPower: exponent is \(exponent.value.dtype), input \(x.dtype)\(x.shape)")
            return sign(x) * pow(safe, exponent.value)
        }
        return sign(x) * pow(safe, fixedExponent!)
    }
}

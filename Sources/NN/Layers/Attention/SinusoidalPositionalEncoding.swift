import Foundation
import Tensor

/// Fixed sinusoidal position codes added to frames (Vaswani et al. 2017, §3.5):
/// y[b, t, :] = x[b, t, :] + PE[t, :], PE[t, 2i] = sin(t / 10000^(2i/D)), PE[t, 2i+1] = cos(t / 10000^(2i/D)).
///
/// The table is a constant, neither a parameter nor a buffer: it is
/// rebuilt from (maxLength, D) and not written to checkpoints (PyTorch's
/// `register_buffer(..., persistent=False)`). Optional in every model:
/// leave the module out for "no positional encoding".
public final class SinusoidalPositionalEncoding: Module, Layer {
    /// [maxLength, D].
    public let table: Tensor

    /// The encoding of positions below `maxLength` in `dim` dimensions (Vaswani et al. 2017).
    public init(dim: Int, maxLength: Int = 5000, dtype: DType = .float32) {
        table = SinusoidalPositionalEncoding.vaswaniTable(length: maxLength, dim: dim, dtype: dtype)
    }

    /// Positions the table covers.
    public var maxLength: Int { table.shape[0] }
    /// Dimensions of each position's encoding.
    public var dim: Int { table.shape[1] }

    /// x + PE[0..<T] for x [B, T, D] (or [T, D]).
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 2 && x.shape[x.rank - 1] == dim && x.shape[x.rank - 2] <= maxLength,
                     "SinusoidalPositionalEncoding: input \(x.shape) must be [batch, time ≤ \(maxLength), \(dim)]")
        return x + table.sliced(axis: 0, range: 0..<x.shape[x.rank - 2]).converted(to: x.dtype)
    }

    /// PE[t, 2i] = sin(t·ωᵢ), PE[t, 2i+1] = cos(t·ωᵢ), ωᵢ = 10000^(−2i/D), [length, dim].
    public static func vaswaniTable(length: Int, dim: Int, dtype: DType = .float32) -> Tensor {
        precondition(length >= 0 && dim > 0, "SinusoidalPositionalEncoding: length \(length) and dim \(dim) must be ≥ 0 and > 0")
        var values = [Double](repeating: 0, count: length * dim)
        for t in 0..<length {
            for j in 0..<dim {
                let omega = Foundation.pow(10000, -Double(j - j % 2) / Double(dim))
                values[t * dim + j] = j % 2 == 0 ? Foundation.sin(Double(t) * omega) : Foundation.cos(Double(t) * omega)
            }
        }
        return Tensor(values, shape: [length, dim]).converted(to: dtype)
    }

    /// The Samsung 2018 position codes (sequence_models/attention.py
    /// `sine_position_coding`): PE[t, j] = sin(2π·t·f·(j+1) / length), f = 2,
    /// [length, dim]. Sines only, and frequencies above length/2 alias
    /// (j and j + length/f give the same column); kept as the reference has it.
    public static func samsungTable(length: Int, dim: Int, frequencyFactor: Double = 2,
                                    dtype: DType = .float32) -> Tensor {
        precondition(length > 0 && dim > 0, "samsungTable: length \(length) and dim \(dim) must be positive")
        var values = [Double](repeating: 0, count: length * dim)
        for t in 0..<length {
            for j in 0..<dim {
                values[t * dim + j] = Foundation.sin(2 * Double.pi * Double(t) * frequencyFactor * Double(j + 1) / Double(length))
            }
        }
        return Tensor(values, shape: [length, dim]).converted(to: dtype)
    }
}

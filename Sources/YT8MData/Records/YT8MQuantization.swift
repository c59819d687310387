import Tensor
/// The uint8 quantization of YouTube-8M frame features.
///
/// Dequantization follows the starter code exactly (google/youtube-8m `utils.py` `Dequantize`):
/// `x = q · scalar + bias` with `scalar = (max − min)/255`, `bias = (max − min)/512 + min`, computed
/// like TensorFlow does (float32 multiply then float32 add, constants rounded to float32). With the
/// defaults min −2, max 2: `x = q · 4/255 + (4/512 − 2)`, so q = 0 → −1.9921875 and q = 255 → 2.0078125.
///
/// Quantization is the exact inverse used to write synthetic data: `q = clamp(round((x − bias)/scalar), 0, 255)`,
/// so `quantize(dequantize(q)) == q` for every byte and `dequantize(quantize(x))` is the nearest grid
/// value. (The starter's feature extractor quantizes with `round((x − min)·255/(max − min))`, which
/// ignores the half-bucket bias; we invert `Dequantize` instead.)
public struct YT8MQuantization: Equatable, Sendable {
    /// `min_quantized_value` (starter default −2).
    public var minValue: Float
    /// `max_quantized_value` (starter default 2).
    public var maxValue: Float

    /// Creates a quantization over `[minValue, maxValue]`.
    public init(minValue: Float = -2, maxValue: Float = 2) {
        self.minValue = minValue
        self.maxValue = maxValue
    }

    private var range: Double { Double(maxValue) - Double(minValue) }
    /// `scalar = (max − min)/255`, rounded to float32 as TensorFlow does.
    public var scalar: Float { Float(range / 255.0) }
    /// `bias = (max − min)/512 + min`, rounded to float32 as TensorFlow does.
    public var bias: Float { Float(range / 512.0 + Double(minValue)) }

    /// Dequantizes one byte: `q · scalar + bias`.
    @inlinable
    public func dequantize(_ q: UInt8) -> Float {
        Float(q) * scalar + bias
    }

    /// Dequantizes `bytes` into a new float array.
    public func dequantize(_ bytes: [UInt8]) -> [Float] {
        let s = scalar, b = bias
        return bytes.map { Float($0) * s + b }
    }

    /// Dequantizes `bytes` into `output` (same count), for reuse of a preallocated buffer.
    public func dequantize(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(bytes.count == output.count, "dequantize: \(bytes.count) bytes into \(output.count) floats")
        let s = scalar, b = bias
        for i in 0..<bytes.count {
            output[i] = Float(bytes[i]) * s + b
        }
    }

    /// Quantizes one value: `clamp(round((x − bias)/scalar), 0, 255)`; NaN maps to 0.
    public func quantize(_ x: Float) -> UInt8 {
        let q = ((Double(x) - Double(bias)) / Double(scalar)).rounded()
        guard q == q else { return 0 }
        return UInt8(min(255, max(0, q)))
    }

    /// Quantizes every value of `values`.
    public func quantize(_ values: [Float]) -> [UInt8] {
        values.map { quantize($0) }
    }
}

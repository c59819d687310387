import RealModule

/// The element type of a ``Tensor``, chosen at run time.
///
/// `float32` is the training type, `float64` the type of gradient checks,
/// `int32` and `uint8` hold data, labels, indices and quantized weights.
public enum DType: String, CaseIterable, Sendable, CustomStringConvertible {
    /// 32-bit and 64-bit IEEE floating point, 32-bit signed and 8-bit unsigned integers.
    case float32, float64, int32, uint8

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float64: return 8
        case .uint8: return 1
        }
    }

    /// Whether the type is a floating-point type (the only ones that carry gradients).
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The case name: `float32`, `float64`, `int32` or `uint8`.
    public var description: String { rawValue }
}

/// A Swift scalar type that can be the element of a tensor.
public protocol TensorElement: Numeric, Comparable, Sendable {
    /// The ``DType`` a tensor of this element type has.
    static var dtype: DType { get }
    /// Converts from `Double` the way NumPy's `astype` does (truncation toward
    /// zero for integers, clamped to the type's range).
    init(convertingFrom value: Double)
    /// The value as a `Double`.
    var doubleValue: Double { get }
}

extension Float: TensorElement {
    /// ``DType/float32``.
    public static var dtype: DType { .float32 }
    /// Rounds to the nearest `Float` (infinity beyond its range).
    public init(convertingFrom value: Double) { self = Float(value) }
    /// The value widened to `Double` (exact).
    public var doubleValue: Double { Double(self) }
}

extension Double: TensorElement {
    /// ``DType/float64``.
    public static var dtype: DType { .float64 }
    /// The value itself.
    public init(convertingFrom value: Double) { self = value }
    /// The value itself.
    public var doubleValue: Double { self }
}

extension Int32: TensorElement {
    /// ``DType/int32``.
    public static var dtype: DType { .int32 }
    /// Truncates toward zero and clamps to `Int32.min...Int32.max`; NaN becomes 0.
    public init(convertingFrom value: Double) {
        if value.isNaN { self = 0; return }
        self = Int32(Swift.max(Double(Int32.min), Swift.min(Double(Int32.max), value.rounded(.towardZero))))
    }
    /// The value as a `Double` (exact).
    public var doubleValue: Double { Double(self) }
}

extension UInt8: TensorElement {
    /// ``DType/uint8``.
    public static var dtype: DType { .uint8 }
    /// Truncates toward zero and clamps to `0...255`; NaN becomes 0.
    public init(convertingFrom value: Double) {
        if value.isNaN { self = 0; return }
        self = UInt8(Swift.max(0, Swift.min(255, value.rounded(.towardZero))))
    }
    /// The value as a `Double` (exact).
    public var doubleValue: Double { Double(self) }
}

/// The floating-point element types kernels are generic over (Float, Double).
public protocol FloatingElement: TensorElement, BinaryFloatingPoint, Real {}
extension Float: FloatingElement {}
extension Double: FloatingElement {}

/// The element types of the SIMD kernels: a ``FloatingElement`` that is also a
/// `SIMDScalar`, so kernels can use SIMD lanes of it (`Float` and `Double`).
public typealias KernelFloat = FloatingElement & SIMDScalar

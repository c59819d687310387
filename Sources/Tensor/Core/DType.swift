import RealModule

/// The element type of a ``Tensor``, chosen at run time.
///
/// `float32` is the training type, `float64` the type of gradient checks,
/// `int32` and `uint8` hold data, labels, indices and quantized weights.
public enum DType: String, CaseIterable, Sendable, CustomStringConvertible {
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

    public var description: String { rawValue }
}

/// A Swift scalar type that can be the element of a tensor.
public protocol TensorElement: Numeric, Comparable, Sendable {
    static var dtype: DType { get }
    /// Converts from `Double` the way NumPy's `astype` does (truncation toward
    /// zero for integers, clamped to the type's range).
    init(convertingFrom value: Double)
    /// The value as a `Double`.
    var doubleValue: Double { get }
}

extension Float: TensorElement {
    public static var dtype: DType { .float32 }
    public init(convertingFrom value: Double) { self = Float(value) }
    public var doubleValue: Double { Double(self) }
}

extension Double: TensorElement {
    public static var dtype: DType { .float64 }
    public init(convertingFrom value: Double) { self = value }
    public var doubleValue: Double { self }
}

extension Int32: TensorElement {
    public static var dtype: DType { .int32 }
    public init(convertingFrom value: Double) {
        if value.isNaN { self = 0; return }
        self = Int32(Swift.max(Double(Int32.min), Swift.min(Double(Int32.max), value.rounded(.towardZero))))
    }
    public var doubleValue: Double { Double(self) }
}

extension UInt8: TensorElement {
    public static var dtype: DType { .uint8 }
    public init(convertingFrom value: Double) {
        if value.isNaN { self = 0; return }
        self = UInt8(Swift.max(0, Swift.min(255, value.rounded(.towardZero))))
    }
    public var doubleValue: Double { Double(self) }
}

/// The floating-point element types kernels are generic over (Float, Double).
public protocol FloatingElement: TensorElement, BinaryFloatingPoint, Real {}
extension Float: FloatingElement {}
extension Double: FloatingElement {}

// Kernels need SIMD lanes of the element type; Float and Double have them.
public typealias KernelFloat = FloatingElement & SIMDScalar

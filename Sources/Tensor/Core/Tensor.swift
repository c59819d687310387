import Foundation

/// An n-dimensional array with a run-time dtype, row-major and contiguous,
/// that records the operations applied to it when it requires gradients.
///
/// `Tensor` is a value type over reference-counted ``TensorStorage``:
/// copies are cheap and share memory until one of them is mutated.
public struct Tensor {
    /// Extent of each axis; `[]` for a scalar.
    public internal(set) var shape: [Int]
    @usableFromInline var storage: TensorStorage
    /// The autodiff node; non-nil when the tensor requires gradients.
    var node: GradNode?

    /// Wraps existing storage (no copy).
    init(storage: TensorStorage, shape: [Int], node: GradNode? = nil) {
        precondition(shape.reduce(1, *) == storage.count,
                     "Tensor: shape \(shape) does not hold \(storage.count) elements")
        self.storage = storage
        self.shape = shape
        self.node = node
    }

    /// A tensor whose elements are not set: the output buffer of a kernel,
    /// which must write every element (through
    /// ``unsafeMutablePointer(of:)``) before anything reads it.
    public init(uninitializedShape shape: [Int], dtype: DType) {
        Tensor.checkShape(shape, op: "Tensor")
        self.init(storage: TensorStorage(count: shape.reduce(1, *), dtype: dtype), shape: shape)
    }

    /// The element type.
    public var dtype: DType { storage.dtype }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { storage.count }

    static func checkShape(_ shape: [Int], op: String) {
        for d in shape where d < 0 {
            preconditionFailure("\(op): negative dimension in shape \(shape)")
        }
    }

    /// Normalises a possibly negative axis (`-1` is the last axis).
    func axis(_ a: Int, op: String) -> Int {
        let r = a < 0 ? a + rank : a
        precondition(r >= 0 && r < rank, "\(op): axis \(a) out of range for shape \(shape)")
        return r
    }

    // MARK: Raw access

    @inline(__always)
    func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> { storage.pointer(T.self) }

    /// Calls `body` with a read-only pointer to the elements. `T` must match ``dtype``.
    public func withUnsafePointer<T: TensorElement, R>(of _: T.Type, _ body: (UnsafePointer<T>) throws -> R) rethrows -> R {
        precondition(T.dtype == dtype, "withUnsafePointer: tensor is \(dtype), asked for \(T.dtype)")
        return try body(UnsafePointer(storage.pointer(T.self)))
    }

    /// Calls `body` with a mutable pointer to the elements, copying the
    /// storage first if another tensor shares it.
    public mutating func withUnsafeMutablePointer<T: TensorElement, R>(of _: T.Type, _ body: (UnsafeMutablePointer<T>) throws -> R) rethrows -> R {
        precondition(T.dtype == dtype, "withUnsafeMutablePointer: tensor is \(dtype), asked for \(T.dtype)")
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return try body(storage.pointer(T.self))
    }

    /// The address of the elements, for kernels written outside Tensor
    /// (custom ops; see ``DifferentiablePrimitive``). `T` must match
    /// ``dtype``. The pointer stays valid while the tensor's storage lives:
    /// keep the tensor itself alive until the kernel is done (use it
    /// afterwards, capture it, or `withExtendedLifetime`). Read only.
    public func unsafePointer<T: TensorElement>(of _: T.Type) -> UnsafePointer<T> {
        precondition(T.dtype == dtype, "unsafePointer: tensor is \(dtype), asked for \(T.dtype)")
        return UnsafePointer(storage.pointer(T.self))
    }

    /// The address of the elements for a kernel to write, after making the
    /// storage this tensor's own (copy on write), so no other tensor changes.
    /// `T` must match ``dtype``. Valid as ``unsafePointer(of:)`` is, and
    /// only while no copy of the tensor is made: finish writing before the
    /// tensor is shared (returned, recorded, captured by a pullback).
    public mutating func unsafeMutablePointer<T: TensorElement>(of _: T.Type) -> UnsafeMutablePointer<T> {
        precondition(T.dtype == dtype, "unsafeMutablePointer: tensor is \(dtype), asked for \(T.dtype)")
        makeUnique()
        return storage.pointer(T.self)
    }

    /// Makes the storage uniquely owned (for in-place kernels).
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }
}

// MARK: - Creation

extension Tensor {
    /// A tensor holding `values` in row-major order with the given shape.
    public init<T: TensorElement>(_ values: [T], shape: [Int]) {
        Tensor.checkShape(shape, op: "Tensor(_:shape:)")
        precondition(values.count == shape.reduce(1, *),
                     "Tensor(_:shape:): \(values.count) values do not fill shape \(shape)")
        self.init(uninitializedShape: shape, dtype: T.dtype)
        let p = pointer(T.self)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { p.update(from: base, count: values.count) }
        }
    }

    /// A 1-D tensor holding `values`.
    public init<T: TensorElement>(_ values: [T]) { self.init(values, shape: [values.count]) }

    /// A 0-D (scalar) tensor.
    public init<T: TensorElement>(scalar: T) { self.init([scalar], shape: []) }

    /// A scalar tensor of the given dtype.
    public init(_ value: Double, dtype: DType = .float32) {
        self = Tensor.full([], value: value, dtype: dtype)
    }

    /// A tensor of the given shape filled with `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) -> Tensor {
        var t = Tensor(uninitializedShape: shape, dtype: dtype)
        t.fill(with: value)
        return t
    }

    /// A tensor of the given shape with every element 0 (zero-filled memory).
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(storage: TensorStorage(count: shape.reduce(1, *), dtype: dtype, zeroed: true), shape: shape)
    }

    /// A tensor of the given shape with every element 1.
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(shape, value: 1, dtype: dtype)
    }

    /// Zeros with the shape and dtype of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape, dtype: other.dtype) }

    /// `[start, start + step, …]` up to but excluding `end`.
    public static func arange(_ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType = .float32) -> Tensor {
        precondition(step != 0, "arange: step must not be zero")
        let n = max(0, Int(((end - start) / step).rounded(.up)))
        var t = Tensor(uninitializedShape: [n], dtype: dtype)
        t.fillEach { start + Double($0) * step }
        return t
    }

    /// The n×n identity matrix.
    public static func identity(_ n: Int, dtype: DType = .float32) -> Tensor {
        var t = zeros([n, n], dtype: dtype)
        for i in 0..<n { t.setElement(at: i * n + i, to: 1) }
        return t
    }

    /// Fills every element with `value` (nothing for shape-only storage).
    mutating func fill(with value: Double) {
        if storage.isShapeOnly { return }
        makeUnique()
        switch dtype {
        case .float32: pointer(Float.self).update(repeating: Float(value), count: count)
        case .float64: pointer(Double.self).update(repeating: value, count: count)
        case .int32: pointer(Int32.self).update(repeating: Int32(convertingFrom: value), count: count)
        case .uint8: pointer(UInt8.self).update(repeating: UInt8(convertingFrom: value), count: count)
        }
    }

    /// Fills element i with `f(i)` (flat index; nothing, and no call of `f`, for shape-only storage).
    mutating func fillEach(_ f: (Int) -> Double) {
        if storage.isShapeOnly { return }
        makeUnique()
        switch dtype {
        case .float32: let p = pointer(Float.self); for i in 0..<count { p[i] = Float(f(i)) }
        case .float64: let p = pointer(Double.self); for i in 0..<count { p[i] = f(i) }
        case .int32: let p = pointer(Int32.self); for i in 0..<count { p[i] = Int32(convertingFrom: f(i)) }
        case .uint8: let p = pointer(UInt8.self); for i in 0..<count { p[i] = UInt8(convertingFrom: f(i)) }
        }
    }
}

// MARK: - Reading values

extension Tensor {
    /// Element at a flat (row-major) index, as a `Double`.
    public func element(at flatIndex: Int) -> Double {
        precondition(flatIndex >= 0 && flatIndex < count,
                     "element(at:): index \(flatIndex) out of range for shape \(shape)")
        switch dtype {
        case .float32: return Double(pointer(Float.self)[flatIndex])
        case .float64: return pointer(Double.self)[flatIndex]
        case .int32: return Double(pointer(Int32.self)[flatIndex])
        case .uint8: return Double(pointer(UInt8.self)[flatIndex])
        }
    }

    /// Sets the element at a flat index (copy on write).
    public mutating func setElement(at flatIndex: Int, to value: Double) {
        precondition(flatIndex >= 0 && flatIndex < count,
                     "setElement(at:): index \(flatIndex) out of range for shape \(shape)")
        makeUnique()
        switch dtype {
        case .float32: pointer(Float.self)[flatIndex] = Float(value)
        case .float64: pointer(Double.self)[flatIndex] = value
        case .int32: pointer(Int32.self)[flatIndex] = Int32(convertingFrom: value)
        case .uint8: pointer(UInt8.self)[flatIndex] = UInt8(convertingFrom: value)
        }
    }

    /// Flat index of a multi-dimensional index.
    public func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == rank, "subscript: index \(index) has \(index.count) axes, shape \(shape) has \(rank)")
        var flat = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "subscript: index \(index) out of range for shape \(shape)")
            flat = flat * d + i
        }
        return flat
    }

    /// The element at a multi-dimensional index, as a `Double`.
    public subscript(index: Int...) -> Double {
        get { element(at: flatIndex(index)) }
        set { setElement(at: flatIndex(index), to: newValue) }
    }

    /// The value of a one-element tensor. Reading it never keeps the graph alive.
    public var scalar: Double {
        precondition(count == 1, "scalar: tensor of shape \(shape) has \(count) elements, not 1")
        return element(at: 0)
    }

    /// All elements in row-major order converted to `T`.
    public func scalars<T: TensorElement>(as _: T.Type = T.self) -> [T] {
        if T.dtype == dtype {
            return Array(UnsafeBufferPointer(start: pointer(T.self), count: count))
        }
        return converted(to: T.dtype).scalars(as: T.self)
    }

    /// All elements as `Double`s (convenient in tests).
    public var doubles: [Double] { scalars(as: Double.self) }
    /// All elements as `Float`s.
    public var floats: [Float] { scalars(as: Float.self) }
}

// MARK: - Conversion

extension Tensor {
    /// The tensor converted to another dtype. Float → integer truncates toward
    /// zero and clamps to the integer range (NaN becomes 0). Differentiable
    /// between floating-point types.
    public func converted(to target: DType) -> Tensor {
        if target == dtype { return self }
        var out = Tensor(uninitializedShape: shape, dtype: target)
        func copy<S: TensorElement, D: TensorElement>(_: S.Type, _: D.Type, _ conv: (S) -> D) {
            let s = pointer(S.self), d = out.pointer(D.self)
            for i in 0..<count { d[i] = conv(s[i]) }
        }
        switch (dtype, target) {
        case (.float32, .float64): copy(Float.self, Double.self) { Double($0) }
        case (.float64, .float32): copy(Double.self, Float.self) { Float($0) }
        case (.uint8, .float32): copy(UInt8.self, Float.self) { Float($0) }
        case (.int32, .float32): copy(Int32.self, Float.self) { Float($0) }
        case (.float32, .int32): copy(Float.self, Int32.self) { Int32(convertingFrom: Double($0)) }
        case (.float32, .uint8): copy(Float.self, UInt8.self) { UInt8(convertingFrom: Double($0)) }
        default:
            let n = count
            out.fillEach { i in _ = n; return self.element(at: i) }
        }
        if dtype.isFloatingPoint && target.isFloatingPoint {
            let source = dtype
            return Tensor.record(.converted, out, [self]) { g, _ in [g.converted(to: source)] }
        }
        return out
    }
}

// MARK: - Description

extension Tensor: CustomStringConvertible {
    /// `Tensor<dtype>[shape][values]`, with at most the first 64 elements (floats to
    /// 5 significant digits) and `…` when there are more.
    public var description: String {
        let limit = 64
        let vals = (0..<min(count, limit)).map { i -> String in
            let v = element(at: i)
            return dtype.isFloatingPoint ? String(format: "%.5g", v) : String(Int(v))
        }
        let more = count > limit ? ", …" : ""
        return "Tensor<\(dtype)>\(shape)[\(vals.joined(separator: ", "))\(more)]"
    }
}

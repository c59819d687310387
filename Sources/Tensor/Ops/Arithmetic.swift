import RealModule

/// The broadcasting binary primitives.
enum BinaryOp: String {
    case add, subtract, multiply, divide, pow, maximum, minimum
}

extension Tensor {
    /// Forward of a binary primitive with broadcasting (no recording).
    static func binaryForward(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) -> Tensor {
        requireSameDType(op.rawValue, a, b)
        a.requireFloat(op.rawValue)
        let outShape = Broadcast.shape([a.shape, b.shape], op: op.rawValue)
        let out = Tensor(uninitializedShape: outShape, dtype: a.dtype)
        func run<T: KernelFloat>(_: T.Type) {
            let pa = UnsafePointer(a.pointer(T.self)), pb = UnsafePointer(b.pointer(T.self)), po = out.pointer(T.self)
            switch op {
            case .add: ElementwiseKernel.broadcast(pa, a.shape, pb, b.shape, po, outShape, AddFunction<T>())
            case .subtract: ElementwiseKernel.broadcast(pa, a.shape, pb, b.shape, po, outShape, SubtractFunction<T>())
            case .multiply: ElementwiseKernel.broadcast(pa, a.shape, pb, b.shape, po, outShape, MultiplyFunction<T>())
            case .divide: ElementwiseKernel.broadcast(pa, a.shape, pb, b.shape, po, outShape, DivideFunction<T>())
            case .pow: ElementwiseKernel.broadcast(pa, a.shape, pb, b.shape, po, outShape, PowFunction<T>())
            case .maximum: ElementwiseKernel.broadcast(pa, a.shape, pb, b.shape, po, outShape, MaximumFunction<T>())
            case .minimum: ElementwiseKernel.broadcast(pa, a.shape, pb, b.shape, po, outShape, MinimumFunction<T>())
            }
        }
        if a.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// The gradient of a broadcast operand: `self` summed over the axes that
    /// broadcasting stretched, so it has `shape` again.
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        precondition(lead >= 0, "sumToShape: cannot reduce \(shape) to the larger shape \(target)")
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[i + lead] != 1 { axes.append(i + lead) }
        return sum(axes: axes, keepDims: true).reshaped(to: target)
    }
}

// MARK: - Public arithmetic

extension Tensor {
    /// Elementwise sum with broadcasting (float dtypes, both the same); the gradient of
    /// each operand is summed back to its own shape.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let y = binaryForward(.add, a, b)
        let sa = a.shape, sb = b.shape
        return record(.add, y, [a, b]) { g, needs in
            [needs[0] ? g.sumToShape(sa) : nil, needs[1] ? g.sumToShape(sb) : nil]
        }
    }

    /// Elementwise difference `a − b` with broadcasting (float dtypes, both the same).
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let y = binaryForward(.subtract, a, b)
        let sa = a.shape, sb = b.shape
        return record(.subtract, y, [a, b]) { g, needs in
            // Reduce before negating: the negation then runs on b's (smaller) shape.
            [needs[0] ? g.sumToShape(sa) : nil, needs[1] ? -g.sumToShape(sb) : nil]
        }
    }

    /// Elementwise (Hadamard) product with broadcasting (float dtypes, both the same);
    /// not a matrix product.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        let y = binaryForward(.multiply, a, b)
        let a0 = a.detached(), b0 = b.detached()
        return record(.multiply, y, [a, b]) { g, needs in
            [needs[0] ? (g * b0).sumToShape(a0.shape) : nil,
             needs[1] ? (g * a0).sumToShape(b0.shape) : nil]
        }
    }

    /// Elementwise quotient `a / b` with broadcasting (float dtypes, both the same).
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let y = binaryForward(.divide, a, b)
        let a0 = a.detached(), b0 = b.detached()
        return record(.divide, y, [a, b]) { g, needs in
            [needs[0] ? (g / b0).sumToShape(a0.shape) : nil,
             needs[1] ? (-g * a0 / (b0 * b0)).sumToShape(b0.shape) : nil]
        }
    }

    /// Negation.
    public static prefix func - (a: Tensor) -> Tensor { a.unary(.negate) }

    /// Adds the scalar `s` (in the dtype of `a`) to every element.
    public static func + (a: Tensor, s: Double) -> Tensor { a + a.scalarLike(s) }
    /// Adds the scalar `s` (in the dtype of `a`) to every element.
    public static func + (s: Double, a: Tensor) -> Tensor { a.scalarLike(s) + a }
    /// Subtracts the scalar `s` (in the dtype of `a`) from every element.
    public static func - (a: Tensor, s: Double) -> Tensor { a - a.scalarLike(s) }
    /// `s − a` elementwise, with `s` in the dtype of `a`.
    public static func - (s: Double, a: Tensor) -> Tensor { a.scalarLike(s) - a }
    /// Multiplies every element by the scalar `s` (in the dtype of `a`).
    public static func * (a: Tensor, s: Double) -> Tensor { a * a.scalarLike(s) }
    /// Multiplies every element by the scalar `s` (in the dtype of `a`).
    public static func * (s: Double, a: Tensor) -> Tensor { a.scalarLike(s) * a }
    /// Divides every element by the scalar `s`, as a multiplication by 1 / `s`.
    public static func / (a: Tensor, s: Double) -> Tensor { a * a.scalarLike(1 / s) }
    /// `s / a` elementwise, with `s` in the dtype of `a`.
    public static func / (s: Double, a: Tensor) -> Tensor { a.scalarLike(s) / a }

    /// Replaces `a` with `a + b` (a new tensor; the result may broadcast to a larger shape).
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    /// Replaces `a` with `a − b` (a new tensor; the result may broadcast to a larger shape).
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    /// Replaces `a` with `a * b` (a new tensor; the result may broadcast to a larger shape).
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    /// Replaces `a` with `a / b` (a new tensor; the result may broadcast to a larger shape).
    public static func /= (a: inout Tensor, b: Tensor) { a = a / b }
}

/// aᵇ elementwise with broadcasting. The gradient with respect to b uses
/// log a and is taken as 0 where a ≤ 0.
public func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
    let y = Tensor.binaryForward(.pow, a, b)
    let a0 = a.detached(), b0 = b.detached(), y0 = y
    return Tensor.record(.pow, y, [a, b]) { g, needs in
        [needs[0] ? (g * b0 * pow(a0, b0 - 1)).sumToShape(a0.shape) : nil,
         needs[1] ? (g * y0 * a0.logOfPositive()).sumToShape(b0.shape) : nil]
    }
}

/// aᵖ for a constant exponent.
public func pow(_ a: Tensor, _ p: Double) -> Tensor { a.unary(.power(p)) }

/// Elementwise maximum with broadcasting; at ties the gradient goes to `a`.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let y = Tensor.binaryForward(.maximum, a, b)
    let a0 = a.detached(), b0 = b.detached()
    return Tensor.record(.maximum, y, [a, b]) { g, needs in
        let takeA = a0 .>= b0, zero = Tensor.zeros([], dtype: g.dtype)
        return [needs[0] ? Tensor.`where`(takeA, g, zero).sumToShape(a0.shape) : nil,
                needs[1] ? Tensor.`where`(takeA, zero, g).sumToShape(b0.shape) : nil]
    }
}

/// Elementwise minimum with broadcasting; at ties the gradient goes to `a`.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    let y = Tensor.binaryForward(.minimum, a, b)
    let a0 = a.detached(), b0 = b.detached()
    return Tensor.record(.minimum, y, [a, b]) { g, needs in
        let takeA = a0 .<= b0, zero = Tensor.zeros([], dtype: g.dtype)
        return [needs[0] ? Tensor.`where`(takeA, g, zero).sumToShape(a0.shape) : nil,
                needs[1] ? Tensor.`where`(takeA, zero, g).sumToShape(b0.shape) : nil]
    }
}

/// Elementwise maximum of `a` and the scalar `s` (`maximum(a, 0)` is ReLU); at ties
/// the gradient goes to `a`.
public func maximum(_ a: Tensor, _ s: Double) -> Tensor { maximum(a, a.scalarLike(s)) }
/// Elementwise minimum of `a` and the scalar `s`; at ties the gradient goes to `a`.
public func minimum(_ a: Tensor, _ s: Double) -> Tensor { minimum(a, a.scalarLike(s)) }

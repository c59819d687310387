/// Comparisons produce uint8 masks (1 true, 0 false) with broadcasting;
/// masks select with ``Tensor/where(_:_:_:)`` and are not differentiable.
extension Tensor {
    static func compare(_ op: String, _ a: Tensor, _ b: Tensor,
                        _ f32: @escaping (Float, Float) -> Bool, _ f64: @escaping (Double, Double) -> Bool) -> Tensor {
        requireSameDType(op, a, b)
        let outShape = Broadcast.shape([a.shape, b.shape], op: op)
        let out = Tensor(uninitializedShape: outShape, dtype: .uint8)
        let po = out.pointer(UInt8.self)
        switch a.dtype {
        case .float32: ElementwiseKernel.broadcast(a.pointer(Float.self), a.shape, b.pointer(Float.self), b.shape, po, outShape, ComparisonFunction(compare: f32))
        case .float64: ElementwiseKernel.broadcast(a.pointer(Double.self), a.shape, b.pointer(Double.self), b.shape, po, outShape, ComparisonFunction(compare: f64))
        case .int32: ElementwiseKernel.broadcast(a.pointer(Int32.self), a.shape, b.pointer(Int32.self), b.shape, po, outShape, ComparisonFunction<Int32>(compare: { f64(Double($0), Double($1)) }))
        case .uint8: ElementwiseKernel.broadcast(a.pointer(UInt8.self), a.shape, b.pointer(UInt8.self), b.shape, po, outShape, ComparisonFunction<UInt8>(compare: { f64(Double($0), Double($1)) }))
        }
        return out
    }

    /// Elementwise `a > b` as a uint8 mask (1 where it holds, 0 elsewhere); `a` and `b`
    /// broadcast together and must have the same dtype.
    public static func .> (a: Tensor, b: Tensor) -> Tensor { compare("greater", a, b, { $0 > $1 }, { $0 > $1 }) }
    /// Elementwise `a < b` as a uint8 mask (1 where it holds, 0 elsewhere); `a` and `b`
    /// broadcast together and must have the same dtype.
    public static func .< (a: Tensor, b: Tensor) -> Tensor { compare("less", a, b, { $0 < $1 }, { $0 < $1 }) }
    /// Elementwise `a >= b` as a uint8 mask (1 where it holds, 0 elsewhere); `a` and `b`
    /// broadcast together and must have the same dtype.
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { compare("greaterEqual", a, b, { $0 >= $1 }, { $0 >= $1 }) }
    /// Elementwise `a <= b` as a uint8 mask (1 where it holds, 0 elsewhere); `a` and `b`
    /// broadcast together and must have the same dtype.
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { compare("lessEqual", a, b, { $0 <= $1 }, { $0 <= $1 }) }
    /// Elementwise `a == b` as a uint8 mask (1 where it holds, 0 elsewhere); `a` and `b`
    /// broadcast together and must have the same dtype.
    public static func .== (a: Tensor, b: Tensor) -> Tensor { compare("equal", a, b, { $0 == $1 }, { $0 == $1 }) }
    /// Elementwise `a != b` as a uint8 mask (1 where it holds, 0 elsewhere); `a` and `b`
    /// broadcast together and must have the same dtype.
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { compare("notEqual", a, b, { $0 != $1 }, { $0 != $1 }) }

    /// Elementwise `a > s` as a uint8 mask, with `s` converted to the dtype of `a`
    /// (truncated toward zero for an integer dtype).
    public static func .> (a: Tensor, s: Double) -> Tensor { a .> a.scalarLike(s) }
    /// Elementwise `a < s` as a uint8 mask, with `s` converted to the dtype of `a`
    /// (truncated toward zero for an integer dtype).
    public static func .< (a: Tensor, s: Double) -> Tensor { a .< a.scalarLike(s) }
    /// Elementwise `a >= s` as a uint8 mask, with `s` converted to the dtype of `a`
    /// (truncated toward zero for an integer dtype).
    public static func .>= (a: Tensor, s: Double) -> Tensor { a .>= a.scalarLike(s) }
    /// Elementwise `a <= s` as a uint8 mask, with `s` converted to the dtype of `a`
    /// (truncated toward zero for an integer dtype).
    public static func .<= (a: Tensor, s: Double) -> Tensor { a .<= a.scalarLike(s) }
    /// Elementwise `a == s` as a uint8 mask, with `s` converted to the dtype of `a`
    /// (truncated toward zero for an integer dtype).
    public static func .== (a: Tensor, s: Double) -> Tensor { a .== a.scalarLike(s) }

    /// `a` where `mask` is non-zero, `b` elsewhere; all three broadcast
    /// together. Differentiable in `a` and `b`.
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(mask.dtype == .uint8, "where: mask must be uint8 (from a comparison), got \(mask.dtype)")
        requireSameDType("where", a, b)
        a.requireFloat("where")
        let outShape = Broadcast.shape([mask.shape, a.shape, b.shape], op: "where")
        let m = mask.broadcastValues(to: outShape), av = a.broadcastValues(to: outShape), bv = b.broadcastValues(to: outShape)
        let out = Tensor(uninitializedShape: outShape, dtype: a.dtype)
        let pm = m.pointer(UInt8.self), n = out.count
        func run<T: KernelFloat>(_: T.Type) {
            let pa = av.pointer(T.self), pb = bv.pointer(T.self), po = out.pointer(T.self)
            Parallel.forEachChunk(n) { r in for i in r { po[i] = pm[i] != 0 ? pa[i] : pb[i] } }
        }
        if a.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        let sa = a.shape, sb = b.shape
        return record(.`where`, out, [a, b]) { g, needs in
            let zero = Tensor.zeros([], dtype: g.dtype)
            return [needs[0] ? Tensor.`where`(m, g, zero).sumToShape(sa) : nil,
                    needs[1] ? Tensor.`where`(m, zero, g).sumToShape(sb) : nil]
        }
    }
}

infix operator .> : ComparisonPrecedence
infix operator .< : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence

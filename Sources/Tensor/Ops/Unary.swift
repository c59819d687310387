import RealModule

/// The elementwise unary primitives: each is a forward function f(x) and a
/// derivative written in terms of x and y = f(x). One generic kernel runs
/// every forward, one fused kernel every backward (g · f'(x)), so adding a
/// function is one case here and one gradient check.
enum UnaryOp {
    case negate, exp, log, log1p, sqrt, rsqrt, abs, sign
    case relu, leakyRelu(slope: Double), elu(alpha: Double), sigmoid, tanh, softplus, gelu
    case power(Double)
    case clamp(Double, Double)
    /// log x where x > 0, else 0 (used by pow's exponent gradient; not differentiable).
    case logOfPositive

    var name: String {
        switch self {
        case .negate: return "negate"
        case .exp: return "exp"
        case .log: return "log"
        case .log1p: return "log1p"
        case .sqrt: return "sqrt"
        case .rsqrt: return "rsqrt"
        case .abs: return "abs"
        case .sign: return "sign"
        case .relu: return "relu"
        case .leakyRelu: return "leakyRelu"
        case .elu: return "elu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .softplus: return "softplus"
        case .gelu: return "gelu"
        case .power: return "power"
        case .clamp: return "clamp"
        case .logOfPositive: return "logOfPositive"
        }
    }

    /// xᵏ for an integer k by repeated squaring (exact for small k, no libm
    /// pow, and defined for negative x).
    @inline(__always)
    static func integerPower<T: FloatingElement>(_ x: T, _ k: Int) -> T {
        var base = k < 0 ? 1 / x : x, e = Swift.abs(k), result: T = 1
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }

    @inline(__always)
    static func sigmoid<T: FloatingElement>(_ x: T) -> T {
        x >= 0 ? 1 / (1 + T.exp(-x)) : { let e = T.exp(x); return e / (1 + e) }()
    }

    /// float32 forward of the transcendental functions on SIMD lanes with the
    /// kernels of `isa` (a parameter so tests run every path); false when
    /// the op has no vectorised form.
    func vectorForward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                       isa: VectorMath.ISA = VectorMath.isa) -> Bool {
        let f: VectorMath.Function
        switch self {
        case .exp: f = .exp
        case .tanh: f = .tanh
        case .sigmoid: f = .sigmoid
        default: return false
        }
        Parallel.forEachChunk(n) { r in VectorMath.apply(f, x + r.lowerBound, y + r.lowerBound, r.count, isa: isa) }
        return true
    }

    func forward<T: KernelFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
        typealias K = ElementwiseKernel
        if T.self == Float.self,
           vectorForward(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self),
                         UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), n) { return }
        switch self {
        case .negate: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = -v } }
        case .exp: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = T.exp(v) } }
        case .log: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = T.log(v) } }
        case .log1p: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = T.log(onePlus: v) } }
        case .sqrt: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = v.squareRoot() } }
        case .rsqrt: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = 1 / v.squareRoot() } }
        case .abs: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = Swift.abs(v) } }
        case .sign: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = v > 0 ? 1 : (v < 0 ? -1 : 0) } }
        case .relu: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = v > 0 ? v : 0 } }
        case .leakyRelu(let s): let s = T(s); Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = v > 0 ? v : s * v } }
        case .elu(let a): let a = T(a); Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = v > 0 ? v : a * T.expMinusOne(v) } }
        case .sigmoid: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = UnaryOp.sigmoid(v) } }
        case .tanh: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = T.tanh(v) } }
        case .softplus: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = Swift.max(v, 0) + T.log(onePlus: T.exp(-Swift.abs(v))) } }
        case .gelu: let c = 1 / T(2).squareRoot(); Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = v * (1 + T.erf(v * c)) / 2 } }
        case .power(let p):
            // Integral exponents use repeated multiplication so negative bases work.
            if p == 2 { Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = v * v } } }
            else if p == p.rounded(), Swift.abs(p) < 64 { let k = Int(p); Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = UnaryOp.integerPower(v, k) } } }
            else { let p = T(p); Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = T.pow(v, p) } } }
        case .clamp(let lo, let hi): let lo = T(lo), hi = T(hi); Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = Swift.min(Swift.max(v, lo), hi) } }
        case .logOfPositive: Parallel.forEachChunk(n) { r in for i in r { let v = x[i]; y[i] = v > 0 ? T.log(v) : 0 } }
        }
    }

    /// gx[i] = g[i] · f'(x[i]) with y = f(x) available.
    func backward<T: KernelFloat>(_ g: UnsafePointer<T>, _ xs: UnsafePointer<T>, _ ys: UnsafePointer<T>,
                                  _ gx: UnsafeMutablePointer<T>, _ n: Int) {
        // Each case writes its loop out (no closure passed down), so the loop
        // every thread runs has f' inlined and vectorised.
        switch self {
        case .negate: Parallel.forEachChunk(n) { r in for i in r { gx[i] = g[i] * (-1) } }
        case .exp: Parallel.forEachChunk(n) { r in for i in r { let y = ys[i]; gx[i] = g[i] * (y) } }
        case .log: Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (1 / x) } }
        case .log1p: Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (1 / (1 + x)) } }
        case .sqrt: Parallel.forEachChunk(n) { r in for i in r { let y = ys[i]; gx[i] = g[i] * (1 / (2 * y)) } }
        case .rsqrt: Parallel.forEachChunk(n) { r in for i in r { let y = ys[i]; gx[i] = g[i] * (-y * y * y / 2) } }
        case .abs: Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (x > 0 ? 1 : (x < 0 ? -1 : 0)) } }
        case .sign, .logOfPositive: Parallel.forEachChunk(n) { r in for i in r { gx[i] = g[i] * (0) } }
        case .relu: Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (x > 0 ? 1 : 0) } }
        case .leakyRelu(let s): let s = T(s); Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (x > 0 ? 1 : s) } }
        case .elu(let a): let a = T(a); Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; let y = ys[i]; gx[i] = g[i] * (x > 0 ? 1 : y + a) } }
        case .sigmoid: Parallel.forEachChunk(n) { r in for i in r { let y = ys[i]; gx[i] = g[i] * (y * (1 - y)) } }
        case .tanh: Parallel.forEachChunk(n) { r in for i in r { let y = ys[i]; gx[i] = g[i] * (1 - y * y) } }
        case .softplus: Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (UnaryOp.sigmoid(x)) } }
        case .gelu:
            let s = 1 / T(2).squareRoot(), c = 1 / (2 * T.pi).squareRoot()
            Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * ((1 + T.erf(x * s)) / 2 + x * c * T.exp(-x * x / 2)) } }
        case .power(let p):
            if p == p.rounded(), Swift.abs(p) < 64 { let k = Int(p), c = T(p); Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (c * UnaryOp.integerPower(x, k - 1)) } } }
            else { let p = T(p); Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (p * T.pow(x, p - 1)) } } }
        case .clamp(let lo, let hi): let lo = T(lo), hi = T(hi); Parallel.forEachChunk(n) { r in for i in r { let x = xs[i]; gx[i] = g[i] * (x >= lo && x <= hi ? 1 : 0) } }
        }
    }
}

extension Tensor {
    /// Applies a unary primitive and records its pullback.
    func unary(_ op: UnaryOp) -> Tensor {
        requireFloat(op.name)
        let y = Tensor(uninitializedShape: shape, dtype: dtype)
        if dtype == .float32 { op.forward(pointer(Float.self), y.pointer(Float.self), count) }
        else { op.forward(pointer(Double.self), y.pointer(Double.self), count) }
        guard let recorded = DifferentiableOp(rawValue: op.name) else { return y }
        let x0 = detached(), y0 = y
        return Tensor.record(recorded, y, [self]) { g, _ in
            let gx = Tensor(uninitializedShape: x0.shape, dtype: x0.dtype)
            if x0.dtype == .float32 {
                op.backward(g.pointer(Float.self), x0.pointer(Float.self), y0.pointer(Float.self), gx.pointer(Float.self), x0.count)
            } else {
                op.backward(g.pointer(Double.self), x0.pointer(Double.self), y0.pointer(Double.self), gx.pointer(Double.self), x0.count)
            }
            return [gx]
        }
    }

    func logOfPositive() -> Tensor { unary(.logOfPositive) }
}

/// eˣ
public func exp(_ x: Tensor) -> Tensor { x.unary(.exp) }
/// Natural logarithm.
public func log(_ x: Tensor) -> Tensor { x.unary(.log) }
/// log(1 + x), accurate for small x.
public func log1p(_ x: Tensor) -> Tensor { x.unary(.log1p) }
/// √x
public func sqrt(_ x: Tensor) -> Tensor { x.unary(.sqrt) }
/// 1/√x
public func rsqrt(_ x: Tensor) -> Tensor { x.unary(.rsqrt) }
/// |x| (gradient 0 at 0).
public func abs(_ x: Tensor) -> Tensor { x.unary(.abs) }
/// −1, 0 or 1 (gradient 0).
public func sign(_ x: Tensor) -> Tensor { x.unary(.sign) }
/// x clamped to [lo, hi] (gradient 1 inside, boundaries included).
public func clamp(_ x: Tensor, min lo: Double, max hi: Double) -> Tensor {
    precondition(lo <= hi, "clamp: min \(lo) > max \(hi)")
    return x.unary(.clamp(lo, hi))
}
/// max(x, 0)
public func relu(_ x: Tensor) -> Tensor { x.unary(.relu) }
/// x for x > 0, slope·x otherwise.
public func leakyRelu(_ x: Tensor, slope: Double = 0.01) -> Tensor { x.unary(.leakyRelu(slope: slope)) }
/// x for x > 0, α(eˣ − 1) otherwise.
public func elu(_ x: Tensor, alpha: Double = 1) -> Tensor { x.unary(.elu(alpha: alpha)) }
/// 1 / (1 + e⁻ˣ), computed without overflow.
public func sigmoid(_ x: Tensor) -> Tensor { x.unary(.sigmoid) }
/// Hyperbolic tangent.
public func tanh(_ x: Tensor) -> Tensor { x.unary(.tanh) }
/// log(1 + eˣ), stable for large |x|.
public func softplus(_ x: Tensor) -> Tensor { x.unary(.softplus) }
/// GELU, exact form x·Φ(x) = x(1 + erf(x/√2))/2 (PyTorch's default).
public func gelu(_ x: Tensor) -> Tensor { x.unary(.gelu) }

/// A two-argument element function known at compile time. Kernels are
/// generic over it (not over a closure) so that the loop each thread runs
/// has the function inlined and vectorised: a closure captured by the chunk
/// closure handed to `concurrentPerform` is called indirectly per element
/// (measured: memory-bound kernels 4× slower on two threads than on one).
protocol BinaryFunction {
    associatedtype Input
    associatedtype Output
    func apply(_ a: Input, _ b: Input) -> Output
}

/// Contiguous elementwise loops with NumPy broadcasting; large sizes split
/// across threads.
enum ElementwiseKernel {
    /// out = f(a, b) with NumPy broadcasting of a (shape sa) and b (shape sb)
    /// into an output of shape `outShape`.
    @inline(__always)
    static func broadcast<F: BinaryFunction>(_ a: UnsafePointer<F.Input>, _ sa: [Int], _ b: UnsafePointer<F.Input>, _ sb: [Int],
                                             _ out: UnsafeMutablePointer<F.Output>, _ outShape: [Int], _ f: F) {
        let n = outShape.reduce(1, *)
        let na = sa.reduce(1, *), nb = sb.reduce(1, *)
        if sa == sb {
            Parallel.forEachChunk(n) { r in for i in r { out[i] = f.apply(a[i], b[i]) } }
            return
        }
        if nb == 1 && na == n {
            let s = b[0]
            Parallel.forEachChunk(n) { r in for i in r { out[i] = f.apply(a[i], s) } }
            return
        }
        if na == 1 && nb == n {
            let s = a[0]
            Parallel.forEachChunk(n) { r in for i in r { out[i] = f.apply(s, b[i]) } }
            return
        }
        let plan = BroadcastRows(outShape: outShape, operandShapes: [sa, sb])
        let inner = plan.inner, ia = plan.innerStrides[0], ib = plan.innerStrides[1]
        Parallel.forEachChunk(plan.rows, costPerItem: inner) { rows in
            var offs = [0, 0]
            for r in rows {
                plan.offsets(row: r, into: &offs)
                let pa = a + offs[0], pb = b + offs[1], po = out + r * inner
                if ia == 1 && ib == 1 {
                    for i in 0..<inner { po[i] = f.apply(pa[i], pb[i]) }
                } else if ia == 1 {
                    let s = pb[0]; for i in 0..<inner { po[i] = f.apply(pa[i], s) }
                } else if ib == 1 {
                    let s = pa[0]; for i in 0..<inner { po[i] = f.apply(s, pb[i]) }
                } else {
                    let v = f.apply(pa[0], pb[0]); for i in 0..<inner { po[i] = v }
                }
            }
        }
    }
}

/// The arithmetic element functions.
struct AddFunction<T: KernelFloat>: BinaryFunction { @inline(__always) func apply(_ a: T, _ b: T) -> T { a + b } }
struct SubtractFunction<T: KernelFloat>: BinaryFunction { @inline(__always) func apply(_ a: T, _ b: T) -> T { a - b } }
struct MultiplyFunction<T: KernelFloat>: BinaryFunction { @inline(__always) func apply(_ a: T, _ b: T) -> T { a * b } }
struct DivideFunction<T: KernelFloat>: BinaryFunction { @inline(__always) func apply(_ a: T, _ b: T) -> T { a / b } }
struct PowFunction<T: KernelFloat>: BinaryFunction { @inline(__always) func apply(_ a: T, _ b: T) -> T { T.pow(a, b) } }
/// NaN-propagating maximum (a NaN in b wins, as in NumPy).
struct MaximumFunction<T: KernelFloat>: BinaryFunction { @inline(__always) func apply(_ a: T, _ b: T) -> T { a >= b || b.isNaN ? a : b } }
struct MinimumFunction<T: KernelFloat>: BinaryFunction { @inline(__always) func apply(_ a: T, _ b: T) -> T { a <= b || b.isNaN ? a : b } }

/// A comparison as an element function producing a uint8 mask. It wraps a
/// closure, so it runs through an indirect call: comparisons build masks,
/// not hot loops.
struct ComparisonFunction<T>: BinaryFunction {
    let compare: (T, T) -> Bool
    @inline(__always) func apply(_ a: T, _ b: T) -> UInt8 { compare(a, b) ? 1 : 0 }
}

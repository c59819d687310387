/// Matrix products: 2-D, batched (leading axes broadcast NumPy-style), with
/// transposes of either operand folded into the GEMM call.
extension Tensor {
    /// Forward only: op(a) · op(b) where op transposes the last two axes.
    static func matmulForward(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        requireSameDType("matmul", a, b)
        a.requireFloat("matmul")
        precondition(a.rank >= 2 && b.rank >= 2,
                     "matmul: operands need at least 2 axes, got \(a.shape) × \(b.shape)")
        let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let ka = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
        let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        precondition(ka == kb, "matmul: \(a.shape)\(transposeA ? "ᵀ" : "") × \(b.shape)\(transposeB ? "ᵀ" : "") — inner dimensions \(ka) ≠ \(kb)")
        let k = ka
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let lda = a.shape[a.rank - 1], ldb = b.shape[b.rank - 1]

        // [..., m, k] × [k, n]: one GEMM over all rows of a.
        if b.rank == 2 && !transposeA {
            let rows = batchA.reduce(1, *) * m
            let out = Tensor(uninitializedShape: batchA + [m, n], dtype: a.dtype)
            func run<T: FloatingElement>(_: T.Type) {
                Gemm.run(T.self, transA: false, transB: transposeB, m: rows, n: n, k: k,
                         a: a.pointer(T.self), lda: lda, b: b.pointer(T.self), ldb: ldb, c: out.pointer(T.self), ldc: n)
            }
            if a.dtype == .float32 { run(Float.self) } else { run(Double.self) }
            return out
        }

        let batch = Broadcast.shape([batchA, batchB], op: "matmul")
        let batchCount = batch.reduce(1, *)
        let stridesA = Broadcast.strides(of: batchA, in: batch), stridesB = Broadcast.strides(of: batchB, in: batch)
        let out = Tensor(uninitializedShape: batch + [m, n], dtype: a.dtype)
        let sizeA = a.shape.suffix(2).reduce(1, *), sizeB = b.shape.suffix(2).reduce(1, *)
        func run<T: FloatingElement>(_: T.Type) {
            let pa = a.pointer(T.self), pb = b.pointer(T.self), pc = out.pointer(T.self)
            for i in 0..<batchCount {
                var rem = i, offA = 0, offB = 0
                for ax in stride(from: batch.count - 1, through: 0, by: -1) {
                    let idx = rem % batch[ax]; rem /= batch[ax]
                    offA += idx * stridesA[ax]; offB += idx * stridesB[ax]
                }
                Gemm.run(T.self, transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                         a: pa + offA * sizeA, lda: lda, b: pb + offB * sizeB, ldb: ldb, c: pc + i * m * n, ldc: n)
            }
        }
        if a.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }
}

/// op(a) · op(b), where op transposes the last two axes when asked. Leading
/// (batch) axes broadcast. Transposes are passed to BLAS, never copied.
///
/// `matmul(x, w, transposeB: true)` is a Linear layer with weights [out, in].
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let y = Tensor.matmulForward(a, b, transposeA: transposeA, transposeB: transposeB)
    let a0 = a.detached(), b0 = b.detached()
    return Tensor.record(.matmul, y, [a, b]) { g, needs in
        var ga: Tensor? = nil, gb: Tensor? = nil
        if needs[0] {
            // d op(A) = G · op(B)ᵀ; stored as its transpose when A was transposed.
            ga = transposeA
                ? Tensor.matmulForward(b0, g, transposeA: transposeB, transposeB: true)
                : Tensor.matmulForward(g, b0, transposeA: false, transposeB: !transposeB)
            ga = ga!.sumToShape(a0.shape)
        }
        if needs[1] {
            if b0.rank == 2 && a0.rank > 2 && !transposeA {
                // a's batch was folded into rows: one GEMM over all of them.
                let a2 = a0.reshaped(to: [-1, a0.shape[a0.rank - 1]]), g2 = g.reshaped(to: [-1, g.shape[g.rank - 1]])
                gb = transposeB
                    ? Tensor.matmulForward(g2, a2, transposeA: true, transposeB: false)
                    : Tensor.matmulForward(a2, g2, transposeA: true, transposeB: false)
            } else {
                // d op(B) = op(A)ᵀ · G; stored as its transpose when B was transposed.
                gb = transposeB
                    ? Tensor.matmulForward(g, a0, transposeA: true, transposeB: transposeA)
                    : Tensor.matmulForward(a0, g, transposeA: !transposeA, transposeB: false)
                gb = gb!.sumToShape(b0.shape)
            }
        }
        return [ga, gb]
    }
}

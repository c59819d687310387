/// NumPy broadcasting: shapes are aligned at the trailing axis; an axis of
/// extent 1 (or a missing leading axis) stretches to match the other.
enum Broadcast {
    /// The broadcast shape of `shapes`, or a stop naming the op and shapes.
    static func shape(_ shapes: [[Int]], op: String) -> [Int] {
        let rank = shapes.map(\.count).max() ?? 0
        var out = [Int](repeating: 1, count: rank)
        for s in shapes {
            let offset = rank - s.count
            for (i, d) in s.enumerated() {
                let j = i + offset
                if out[j] == 1 { out[j] = d }
                else if d != 1 && d != out[j] {
                    let list = shapes.map { "\($0)" }.joined(separator: ", ")
                    preconditionFailure("\(op): shapes \(list) cannot be broadcast together (axis \(j): \(out[j]) vs \(d))")
                }
            }
        }
        return out
    }

    /// Row-major strides of `shape` placed in an output of `outShape`, with
    /// stride 0 on broadcast axes.
    static func strides(of shape: [Int], in outShape: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: outShape.count)
        var step = 1
        let offset = outShape.count - shape.count
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i + offset] = shape[i] == 1 && outShape[i + offset] != 1 ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    /// Merges adjacent axes that every operand walks contiguously (or not at
    /// all), so kernels loop over as few, as long axes as possible.
    static func collapse(_ dims: [Int], _ strides: [[Int]]) -> (dims: [Int], strides: [[Int]]) {
        guard !dims.isEmpty else { return ([1], strides.map { _ in [0] }) }
        var d = [dims.last!]
        var s = strides.map { [$0.last!] }
        for i in stride(from: dims.count - 2, through: 0, by: -1) {
            if dims[i] == 1 { continue }
            let mergeable = strides.indices.allSatisfy { k in strides[k][i] == s[k][0] * d[0] }
            if mergeable {
                d[0] *= dims[i]
            } else {
                d.insert(dims[i], at: 0)
                for k in strides.indices { s[k].insert(strides[k][i], at: 0) }
            }
        }
        return (d, s)
    }
}

/// Iterates the rows of a collapsed broadcast: calls `row(outOffset, offsets)`
/// for each row of the last axis, in parallel chunks for large outputs.
struct BroadcastRows {
    let inner: Int
    let innerStrides: [Int]
    let outerDims: [Int]
    let outerStrides: [[Int]]
    let rows: Int

    init(outShape: [Int], operandShapes: [[Int]]) {
        let (dims, strides) = Broadcast.collapse(outShape, operandShapes.map { Broadcast.strides(of: $0, in: outShape) })
        inner = dims.last!
        innerStrides = strides.map { $0.last! }
        outerDims = Array(dims.dropLast())
        outerStrides = strides.map { Array($0.dropLast()) }
        rows = outerDims.reduce(1, *)
    }

    /// Offsets into each operand for output row `r`.
    @inline(__always)
    func offsets(row r: Int, into result: inout [Int]) {
        for k in result.indices { result[k] = 0 }
        var rem = r
        for i in stride(from: outerDims.count - 1, through: 0, by: -1) {
            let idx = rem % outerDims[i]
            rem /= outerDims[i]
            for k in result.indices { result[k] += idx * outerStrides[k][i] }
        }
    }
}

import Collectives
import NN
import Tensor

/// The layout of the gradient allreduce, as PyTorch DDP and Horovod have it:
/// the trainable parameters, in reverse order (about the order the backward
/// pass finishes them, so the first buckets can be reduced while the pass
/// goes on), packed into flat buckets of about `bucketBytes`, one allreduce
/// each (``DataParallel`` runs them).
///
/// A parameter without a gradient on this rank contributes zeros, so every
/// rank runs the same collectives with the same sizes whatever its batch
/// touched. Each bucket also carries one presence flag per parameter (1 when
/// the rank had a gradient), summed with the values: a parameter that no rank
/// gave a gradient stays without one, as it would in a single process, rather
/// than getting a zero gradient that would still move Adam's moments.
public struct GradientBuckets: Equatable, Sendable {
    /// Parameter indices of each bucket, in reduction order.
    public let buckets: [[Int]]
    /// Elements of each parameter, by parameter index.
    public let elementCounts: [Int]

    /// Buckets for parameters of `elementCounts` elements (float32, 4 bytes
    /// each) filled in reverse parameter order up to `bucketBytes`; a
    /// parameter larger than that gets a bucket of its own.
    public init(elementCounts: [Int], bucketBytes: Int = 25 << 20) {
        precondition(bucketBytes > 0, "GradientBuckets: bucketBytes must be positive")
        self.elementCounts = elementCounts
        var buckets: [[Int]] = [], current: [Int] = [], bytes = 0
        for i in elementCounts.indices.reversed() {
            let b = elementCounts[i] * 4
            if !current.isEmpty && bytes + b > bucketBytes {
                buckets.append(current)
                current = []
                bytes = 0
            }
            current.append(i)
            bytes += b
        }
        if !current.isEmpty { buckets.append(current) }
        self.buckets = buckets
    }

    /// Bucket `bucket`'s gradients end to end (zeros for a missing one), then
    /// one presence flag (1 or 0) per parameter of the bucket.
    public func flatten(_ bucket: Int, gradients: [Tensor?]) -> [Float] {
        let members = buckets[bucket]
        var flat: [Float] = []
        flat.reserveCapacity(members.reduce(members.count) { $0 + elementCounts[$1] })
        for i in members {
            if let g = gradients[i] {
                precondition(g.count == elementCounts[i], "GradientBuckets: gradient \(i) has \(g.count) elements, not \(elementCounts[i])")
                flat.append(contentsOf: g.floats)
            } else {
                flat.append(contentsOf: repeatElement(0, count: elementCounts[i]))
            }
        }
        for i in members { flat.append(gradients[i] == nil ? 0 : 1) }
        return flat
    }

    /// The gradients of bucket `bucket` from a flat buffer `flatten` wrote
    /// (or the sum of several), by parameter index: nil where every flag is 0.
    public func unflatten(_ bucket: Int, _ flat: [Float], shapes: [[Int]]) -> [Int: Tensor?] {
        let members = buckets[bucket]
        let valueCount = members.reduce(0) { $0 + elementCounts[$1] }
        precondition(flat.count == valueCount + members.count, "GradientBuckets: \(flat.count) values for bucket \(bucket)")
        var out: [Int: Tensor?] = [:], offset = 0
        for (k, i) in members.enumerated() {
            let n = elementCounts[i]
            out[i] = flat[valueCount + k] == 0 ? nil : Tensor(Array(flat[offset..<(offset + n)]), shape: shapes[i])
            offset += n
        }
        return out
    }
}

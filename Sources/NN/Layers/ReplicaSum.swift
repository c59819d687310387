import Tensor

/// The processes ("replicas") of a data-parallel job, as batch
/// normalisation sees them: something that sums values over all of them.
///
/// NN knows nothing of MPI; the Distributed module gives its communicator
/// this shape. Every replica runs the same graph, so the sums are called in
/// the same order everywhere (forward passes in layer order, backward passes
/// in reverse), which collective operations require.
public protocol ReplicaGroup: AnyObject {
    /// `values` replaced by their elementwise sum over every replica.
    func sum(_ values: inout [Double])
}

/// x summed elementwise over the replicas of `group`, differentiably: the
/// gradient of a replicated sum is the sum of the replicas' gradients, so
/// the backward pass sums again (what PyTorch's `SyncBatchNorm` does with its
/// `all_reduce` in backward). The sum runs in float64 whatever x's dtype.
public func replicaSum(_ x: Tensor, over group: any ReplicaGroup) -> Tensor {
    func summed(_ t: Tensor) -> Tensor {
        var values = t.dtype == .float64 ? t.scalars(as: Double.self) : t.floats.map(Double.init)
        group.sum(&values)
        return t.dtype == .float64 ? Tensor(values, shape: t.shape) : Tensor(values.map { Float($0) }, shape: t.shape)
    }
    let result = summed(x.detached())
    return Tensor.record(NNOp.replicaSum, result, [x]) { g, needs in [needs[0] ? summed(g) : nil] }
}

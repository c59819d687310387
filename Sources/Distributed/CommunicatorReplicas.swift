import Collectives
import NN

/// A communicator's ranks as the replica group synchronised batch
/// normalisation sums over (NN's ``NN/ReplicaGroup``).
///
/// The sum runs inside a forward or backward pass, which cannot throw: a
/// failed allreduce ends every rank through `Communicator.abort(_:code:)`
/// with a message naming this rank, as a failing rank does anywhere else.
public final class CommunicatorReplicas: ReplicaGroup {
    /// The ranks' collectives.
    public let communicator: any Communicator

    /// The ranks of `communicator` as a replica group.
    public init(_ communicator: any Communicator) { self.communicator = communicator }

    /// `values` replaced by their sum over every rank (an allreduce).
    public func sum(_ values: inout [Double]) {
        do {
            try communicator.allreduceSum(&values)
        } catch {
            communicator.abort("rank \(communicator.rank) of \(communicator.size): synchronised batch norm: \(error)")
        }
    }

    /// Makes every batch normalisation of `model` (``NN/BatchNorm`` and
    /// ``NN/FrameBatchNorm``) take its statistics over this group's global
    /// batch; returns how many layers it synchronised.
    @discardableResult
    public func synchronizeBatchNorms(of model: Module) -> Int {
        var count = 0
        for (_, module) in model.namedModules() {
            if let bn = module as? BatchNorm { bn.replicas = self; count += 1 }
            if let bn = module as? FrameBatchNorm { bn.replicas = self; count += 1 }
        }
        return count
    }
}

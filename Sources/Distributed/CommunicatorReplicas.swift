import Collectives
import NN

/// A communicator's ranks as the replica group synchronised batch
/// normalisation sums over (NN's `ReplicaGroup`).
///
/// The sum runs inside a forward or backward pass, which cannot throw: a
/// failed allreduce ends every rank through `Communicator.abort(_:code:)`
/// with a message naming this rank, as a failing rank does anywhere else.
public final class CommunicatorReplicas: ReplicaGroup {
    /// The ranks' collectives.
    public let communicator: any Communicator

    /// The gradient allreduce whose communication thread the sums go
    /// through, in order with its buckets.
    public let allreduce: GradientAllreduce

    /// The ranks of `communicator` as a replica group, its sums queued behind
    /// the buckets of `allreduce` (so collectives keep one order on every
    /// rank while buckets of the same backward pass are being reduced).
    public init(_ communicator: any Communicator, through allreduce: GradientAllreduce) {
        self.communicator = communicator
        self.allreduce = allreduce
    }

    /// `values` replaced by their sum over every rank (an allreduce).
    public func sum(_ values: inout [Double]) {
        do {
            let box = SumBox(values)
            let communicator = self.communicator
            try allreduce.runInOrder { try communicator.allreduceSum(&box.values) }
            values = box.values
        } catch {
            communicator.abort("rank \(communicator.rank) of \(communicator.size): synchronised batch norm: \(error)")
        }
    }

    /// Makes every batch normalisation of `model` (`BatchNorm` and
    /// `FrameBatchNorm`) take its statistics over this group's global
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

/// Values handed to the communication thread and back.
private final class SumBox: @unchecked Sendable {
    var values: [Double]
    init(_ values: [Double]) { self.values = values }
}

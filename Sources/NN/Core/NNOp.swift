import Tensor

/// NN's list of differentiable primitives: the ops NN defines on Tensor's
/// public extension point (`Tensor.Tensor.record(_:_:_:_:)`) and records
/// like built-ins, under these names in `recordedOps`. NN's test suite fails
/// when a case has no gradient check, as Tensor's does for
/// `DifferentiableOp`. Composite layers are built from these and the
/// built-ins and need no case of their own.
public enum NNOp: String, DifferentiablePrimitive {
    /// Fused recurrences over whole sequences (Layers/Recurrent/Recurrence.swift):
    /// ``lstmRecurrence(_:recurrentWeight:initialHidden:initialCell:inputBias:recurrentBias:lengths:reversed:)``,
    /// ``gruRecurrence(_:recurrentWeight:initialHidden:inputBias:recurrentBias:lengths:reversed:)``,
    /// ``qrnnPooling(_:initialCell:forgetMask:forgetScale:)``.
    case lstmRecurrence, gruRecurrence, qrnnPooling
    /// The sum over data-parallel replicas that synchronised batch
    /// normalisation uses (Layers/ReplicaSum.swift): ``replicaSum(_:over:)``.
    case replicaSum
}

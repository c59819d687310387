import Tensor

/// A trainable tensor held in a reference box, so modules, optimizers, EMA
/// and checkpoints all see and update the same value.
///
/// The value is a leaf that requires gradients unless the parameter is
/// frozen. Optimizers update it in place under `withoutGrad`.
public final class Parameter {
    /// The current value (a graph leaf while the parameter is trainable).
    public var value: Tensor

    /// Frozen parameters get no gradient and no optimizer update.
    public var isFrozen: Bool {
        didSet { value = isFrozen ? value.detached() : value.detached().requiringGrad() }
    }

    /// A parameter holding `value` (detached); a frozen one is not updated by optimizers.
    public init(_ value: Tensor, frozen: Bool = false) {
        precondition(value.dtype.isFloatingPoint, "Parameter: needs a float tensor, got \(value.dtype)")
        self.value = frozen ? value.detached() : value.detached().requiringGrad()
        isFrozen = frozen
    }

    /// The gradient accumulated by the last backward passes, if any; set by
    /// whatever rewrites gradients before an update (clipping, averaging
    /// across micro-batches or ranks).
    public var grad: Tensor? {
        get { value.grad }
        set { value.grad = newValue }
    }

    /// Drops the accumulated gradient.
    public func zeroGrad() { value.zeroGrad() }

    /// The shape of the value.
    public var shape: [Int] { value.shape }

    /// Replaces the value (keeping the parameter's trainable state), e.g. when
    /// loading a checkpoint or swapping in EMA weights.
    public func assign(_ newValue: Tensor) {
        precondition(newValue.shape == value.shape,
                     "Parameter.assign: shape \(newValue.shape) does not match \(value.shape)")
        let v = newValue.detached().converted(to: value.dtype)
        value = isFrozen ? v : v.requiringGrad()
    }
}

/// A non-trainable tensor that belongs to a module's state (batch-norm
/// running statistics): saved in checkpoints and averaged by EMA, never
/// given gradients.
public final class Buffer {
    /// The buffer's tensor.
    public var value: Tensor
    /// Whether the buffer is part of the module's ``Module/stateDict()``
    /// (PyTorch's `register_buffer(…, persistent=)`). A non-persistent
    /// buffer, such as a dropout layer's random state, is saved only in
    /// training checkpoints, so an exported state dict holds what PyTorch's
    /// twin module holds.
    public let isPersistent: Bool
    /// Whether a stored state must hold the buffer. BatchNorm's
    /// `num_batches_tracked` is not required, so state dicts from before it
    /// existed still load strictly, as PyTorch's BatchNorm allows.
    public let isRequired: Bool

    /// A buffer holding `value` (detached).
    public init(_ value: Tensor, persistent: Bool = true, required: Bool = true) {
        self.value = value.detached()
        isPersistent = persistent
        isRequired = required
    }
}

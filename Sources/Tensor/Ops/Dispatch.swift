extension Tensor {
    /// Stops unless the tensor is floating point; names the op.
    func requireFloat(_ op: String) {
        precondition(dtype.isFloatingPoint, "\(op): needs a float32 or float64 tensor, got \(dtype) of shape \(shape)")
    }

    /// Stops unless both tensors have the same dtype; names the op and shapes.
    static func requireSameDType(_ op: String, _ a: Tensor, _ b: Tensor) {
        precondition(a.dtype == b.dtype,
                     "\(op): dtypes differ: \(a.dtype)\(a.shape) vs \(b.dtype)\(b.shape); convert one with converted(to:)")
    }

    /// A scalar tensor of this tensor's dtype.
    func scalarLike(_ value: Double) -> Tensor { Tensor(value, dtype: dtype) }
}

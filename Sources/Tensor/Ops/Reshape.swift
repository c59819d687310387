extension Tensor {
    /// The same elements with a new shape (no copy). One axis may be -1 and
    /// is inferred.
    public func reshaped(to newShape: [Int]) -> Tensor {
        var target = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(newShape.filter({ $0 == -1 }).count == 1 && known > 0 && count % known == 0,
                         "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
            target[inferred] = count / known
        }
        Tensor.checkShape(target, op: "reshape")
        precondition(target.reduce(1, *) == count,
                     "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if target == shape { return self }
        let y = Tensor(storage: storage, shape: target)
        let original = shape
        return Tensor.record(.reshape, y, [self]) { g, _ in [g.reshaped(to: original)] }
    }

    /// Values broadcast to `target` (materialised, not recorded).
    func broadcastValues(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let out = Broadcast.shape([shape, target], op: "broadcast")
        precondition(out == target, "broadcast: cannot broadcast \(shape) to \(target)")
        let result = Tensor(uninitializedShape: target, dtype: dtype)
        StridedKernel.gather(storage.raw, offset: 0, strides: Broadcast.strides(of: shape, in: target), shape: target,
                             result.storage.raw, byteSize: dtype.byteSize)
        return result
    }

    /// The tensor stretched to `target` by NumPy broadcasting rules.
    public func broadcast(to target: [Int]) -> Tensor {
        let y = broadcastValues(to: target)
        let original = shape
        return Tensor.record(.broadcast, y, [self]) { g, _ in [g.sumToShape(original)] }
    }
}

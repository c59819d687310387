extension Tensor {
    /// The number of NaN and infinite elements (0 for integer tensors), read
    /// without copying: how the trainer, checkpoint loading and readers find
    /// values that went bad before they spread.
    public var nonFiniteCount: Int {
        func nonFinite<T: BinaryFloatingPoint>(_: T.Type) -> Int where T: TensorElement {
            let p = pointer(T.self)
            var n = 0
            for i in 0..<self.count where !p[i].isFinite { n += 1 }
            return n
        }
        switch dtype {
        case .float32: return nonFinite(Float.self)
        case .float64: return nonFinite(Double.self)
        case .int32, .uint8: return 0
        }
    }
}

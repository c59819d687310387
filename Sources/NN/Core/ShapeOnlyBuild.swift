import Tensor

extension Module {
    /// The scalar parameters of the module `build` makes, read from its
    /// parameters' shapes after building it with shape-only storage
    /// (`Tensor.withShapeOnlyStorage(_:)`, PyTorch's meta device): no weight
    /// is allocated, initialised or drawn, so the count of a model of hundreds
    /// of millions of parameters costs milliseconds, and it is the count of the
    /// very code that builds the model. `build` must only construct (its
    /// tensors hold unspecified values); the module is dropped afterwards.
    public static func parameterCount(building build: () throws -> Module) rethrows -> Int {
        try Tensor.withShapeOnlyStorage {
            try build().namedParameters().reduce(0) { $0 + $1.parameter.shape.reduce(1, *) }
        }
    }
}

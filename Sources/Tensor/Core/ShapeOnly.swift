import Foundation

/// Shape-only tensors, as PyTorch's meta device: inside
/// ``Tensor/withShapeOnlyStorage(_:)`` new tensors keep their shape, dtype
/// and count but get lazily mapped, never-filled storage, so building a
/// model of hundreds of millions of parameters to read its shapes costs
/// neither the memory nor the time of initialising it.
enum ShapeOnlyStorage {
    @TaskLocal static var isActive = false
}

extension Tensor {
    /// Runs `body` with shape-only storage: every tensor created meanwhile on
    /// this task or thread has its shape and dtype, but its storage is address
    /// space mapped on demand (pages cost memory only when an op writes
    /// them), and fills (`zeros`, `full`, random draws) do nothing: its values
    /// are unspecified and random generators are not advanced. For reading
    /// the shapes of what `body` builds (parameter counts), not for computing.
    public static func withShapeOnlyStorage<R>(_ body: () throws -> R) rethrows -> R {
        try ShapeOnlyStorage.$isActive.withValue(true, operation: body)
    }

    /// Whether tensors created now are shape-only (inside ``withShapeOnlyStorage(_:)``).
    public static var isShapeOnlyStorageActive: Bool { ShapeOnlyStorage.isActive }

    /// Whether this tensor was created with shape-only storage (its values are unspecified).
    public var isShapeOnly: Bool { storage.isShapeOnly }
}

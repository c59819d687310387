import Foundation

/// A closed list of differentiable primitives: an enum whose cases name the
/// ops one module records on the tape, with ``Tensor/record(_:_:_:_:)``.
///
/// Tensor's own list is ``DifferentiableOp``. A library outside Tensor
/// defines an op the same way (PyTorch's `autograd.Function`, candle's
/// `CustomOp`): it declares its list,
///
///     enum MyOps: String, DifferentiablePrimitive { case softplus }
///
/// computes the result with raw kernels or under ``withoutGrad(_:)``, and
/// records it with a pullback: `Tensor.record(MyOps.softplus, y, [x]) { g, needs in … }`.
/// Being `CaseIterable` lets the module's tests prove every case has a
/// gradient check; the raw value is the op's name in ``Tensor/recordedOps``
/// and in error messages, unique across every list (``OpRegistry``).
public protocol DifferentiablePrimitive: RawRepresentable, CaseIterable, Sendable where RawValue == String {}

extension DifferentiableOp: DifferentiablePrimitive {}

/// The names of every differentiable primitive of the process: the
/// built-in ``DifferentiableOp`` cases and the cases of every list
/// registered so far.
///
/// A list is registered by its first recorded op at the latest (there are
/// no module initialisers to do it earlier); a test suite that checks
/// coverage calls ``register(_:)`` first. Registering stops when a name is
/// already taken by another list, so two ops can never be confused in
/// ``Tensor/recordedOps``.
public enum OpRegistry {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var lists: Set<ObjectIdentifier> = [ObjectIdentifier(DifferentiableOp.self)]
    nonisolated(unsafe) private static var owners: [String: String] =
        Dictionary(uniqueKeysWithValues: DifferentiableOp.allCases.map { ($0.rawValue, "Tensor.DifferentiableOp") })

    /// Adds the cases of `list` to the registry (once; later calls return at
    /// once). Stops when one of its names belongs to another list.
    public static func register<Op: DifferentiablePrimitive>(_ list: Op.Type) {
        lock.lock()
        defer { lock.unlock() }
        guard lists.insert(ObjectIdentifier(list)).inserted else { return }
        let owner = String(reflecting: list)
        for op in list.allCases {
            if let other = owners[op.rawValue] {
                preconditionFailure("OpRegistry: the op name '\(op.rawValue)' of \(owner) is already taken by \(other); rename one of them")
            }
            owners[op.rawValue] = owner
        }
    }

    /// Every registered op name: the built-ins and every registered list's cases.
    public static var names: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return Set(owners.keys)
    }

    /// The registered names of the lists declared in module `module` (the
    /// part of their ``owner(of:)`` before the first dot: `"Tensor"` for the
    /// built-ins, `"NN"` for NN's ops). A module's coverage test registers
    /// its lists, then checks every one of these has a gradient check.
    public static func names(registeredBy module: String) -> Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return Set(owners.filter { $0.value.split(separator: ".").first.map(String.init) == module }.keys)
    }

    /// The list that registered `name` (`"Tensor.DifferentiableOp"` for a
    /// built-in), or nil for a name nobody registered.
    public static func owner(of name: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return owners[name]
    }
}

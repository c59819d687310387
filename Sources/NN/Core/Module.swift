import Foundation
import Tensor

/// The base class of every layer and model.
///
/// Parameters, buffers and sub-modules are found by reflection over stored
/// properties (including arrays and optionals of them) and named by path in
/// PyTorch's state-dict style: `blocks.0.fc.weight`, each property's name in
/// snake_case as PyTorch spells its attributes (`runningMean` is
/// `running_mean`; ``StateDictNames``). A leading underscore (from a
/// property wrapper or a private backing store) is dropped. The
/// structure is reflected once and cached (see ``structureDidChange()``).
open class Module {
    /// Training mode switches dropout on and makes batch norm use batch statistics.
    public private(set) var isTraining = true

    /// A module with no parameters yet; subclasses declare theirs as stored properties.
    public init() {}

    /// Every parameter with its dotted path, in declaration order.
    public func namedParameters() -> [(name: String, parameter: Parameter)] {
        var out: [(String, Parameter)] = []
        visit(prefix: "") { name, item in if case .parameter(let p) = item { out.append((name, p)) } }
        return out
    }

    /// Every parameter (in declaration order).
    public var parameters: [Parameter] { namedParameters().map(\.parameter) }

    /// Parameters that are not frozen.
    public var trainableParameters: [Parameter] { parameters.filter { !$0.isFrozen } }

    /// Every buffer (running statistics) with its dotted path.
    public func namedBuffers() -> [(name: String, buffer: Buffer)] {
        var out: [(String, Buffer)] = []
        visit(prefix: "") { name, item in if case .buffer(let b) = item { out.append((name, b)) } }
        return out
    }

    /// Every sub-module with its dotted path, this module first with name "".
    public func namedModules() -> [(name: String, module: Module)] {
        var out: [(String, Module)] = [("", self)]
        visit(prefix: "") { name, item in if case .module(let m) = item { out.append((name, m)) } }
        return out
    }

    /// Number of scalar parameters (trainable and frozen).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Switches this module and every sub-module to training mode.
    public func train() { namedModules().forEach { $0.module.isTraining = true } }

    /// Switches this module and every sub-module to evaluation mode.
    public func eval() { namedModules().forEach { $0.module.isTraining = false } }

    /// Freezes every parameter of this module: no gradient, no update.
    public func freeze() { parameters.forEach { $0.isFrozen = true } }

    /// Makes every parameter of this module trainable again.
    public func unfreeze() { parameters.forEach { $0.isFrozen = false } }

    /// Drops the gradients of every parameter.
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    // MARK: Reflection

    enum Item {
        case parameter(Parameter)
        case buffer(Buffer)
        case module(Module)
    }

    /// What this module's own stored properties hold, by path relative to it
    /// (arrays and optionals unfolded, sub-modules not entered), in
    /// declaration order; nil until first needed.
    private var directItems: [(path: String, item: Item)]?
    private static let directItemsLock = NSLock()

    /// Forgets the reflected structure of this module, so the next call reads
    /// its stored properties again.
    ///
    /// Structure is reflected once per module, on the first call that needs
    /// it (`namedParameters()` runs every training step, and walking `Mirror`
    /// each time was most of its cost): which `Parameter`, `Buffer` and
    /// `Module` objects the stored properties hold is then fixed, as it is
    /// after registration in PyTorch. New values of a parameter need nothing
    /// (the `Parameter` box stays); a module that replaces one of those
    /// objects after the first call (a new object in a `var`, an element
    /// appended to an array) calls this on itself. Sub-modules keep their
    /// own caches, so a parent never needs to be told about a child's change.
    public func structureDidChange() {
        Module.directItemsLock.lock()
        directItems = nil
        Module.directItemsLock.unlock()
    }

    /// Walks stored properties of this module (and its superclasses) in
    /// declaration order, recursing into sub-modules, arrays and optionals.
    func visit(prefix: String, _ body: (String, Item) -> Void) {
        for (path, item) in reflectedItems() {
            let full = prefix.isEmpty ? path : prefix + "." + path
            body(full, item)
            if case .module(let m) = item { m.visit(prefix: full, body) }
        }
    }

    /// The cached ``directItems``, reflected on first use.
    private func reflectedItems() -> [(path: String, item: Item)] {
        Module.directItemsLock.lock()
        let cached = directItems
        Module.directItemsLock.unlock()
        if let cached { return cached }
        var items: [(path: String, item: Item)] = []
        var mirrors: [Mirror] = []
        var m: Mirror? = Mirror(reflecting: self)
        while let current = m { mirrors.append(current); m = current.superclassMirror }
        for mirror in mirrors.reversed() {
            for child in mirror.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }
                if label == "isTraining" || label == "directItems" { continue }
                Module.collect(child.value, path: StateDictNames.pytorch(label), into: &items)
            }
        }
        Module.directItemsLock.lock()
        directItems = items
        Module.directItemsLock.unlock()
        return items
    }

    private static func collect(_ value: Any, path: String, into items: inout [(path: String, item: Item)]) {
        switch value {
        case let p as Parameter: items.append((path, .parameter(p)))
        case let b as Buffer: items.append((path, .buffer(b)))
        case let m as Module: items.append((path, .module(m)))
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                if let wrapped = mirror.children.first?.value { collect(wrapped, path: path, into: &items) }
            case .collection:
                for (i, element) in mirror.children.enumerated() { collect(element.value, path: "\(path).\(i)", into: &items) }
            default:
                break
            }
        }
    }
}

/// A module that maps one tensor to one tensor.
///
/// A layer implements `forward(_:)`; callers use `layer(x)`, which runs
/// `forward` and records the output shape while a ``Module/summary(_:)`` is
/// being taken (PyTorch's forward / `__call__` split). Layers with extra
/// inputs (lengths, masks) follow the same pattern: a `forward(_:…)` and a
/// `callAsFunction(_:…)` that returns `traced(forward(…))`.
public protocol Layer: Module {
    func forward(_ input: Tensor) -> Tensor
}

extension Layer {
    /// `forward(_:)` of `input`, traced when activation tracing is on.
    public func callAsFunction(_ input: Tensor) -> Tensor { traced(forward(input)) }
}

import Tensor

/// The base class of every layer and model.
///
/// Parameters, buffers and sub-modules are found by reflection over stored
/// properties (including arrays and optionals of them) and named by path in
/// PyTorch's state-dict style: `blocks.0.fc.weight`. A leading underscore
/// (from a property wrapper or a private backing store) is dropped.
open class Module {
    /// Training mode switches dropout on and makes batch norm use batch statistics.
    public private(set) var isTraining = true

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

    /// Walks stored properties of this module (and its superclasses) in
    /// declaration order, recursing into sub-modules, arrays and optionals.
    func visit(prefix: String, _ body: (String, Item) -> Void) {
        var mirrors: [Mirror] = []
        var m: Mirror? = Mirror(reflecting: self)
        while let current = m { mirrors.append(current); m = current.superclassMirror }
        for mirror in mirrors.reversed() {
            for child in mirror.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }
                if label == "isTraining" { continue }
                Module.visitValue(child.value, path: prefix.isEmpty ? label : prefix + "." + label, body)
            }
        }
    }

    private static func visitValue(_ value: Any, path: String, _ body: (String, Item) -> Void) {
        switch value {
        case let p as Parameter: body(path, .parameter(p))
        case let b as Buffer: body(path, .buffer(b))
        case let m as Module:
            body(path, .module(m))
            m.visit(prefix: path, body)
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                if let wrapped = mirror.children.first?.value { visitValue(wrapped, path: path, body) }
            case .collection:
                for (i, element) in mirror.children.enumerated() { visitValue(element.value, path: "\(path).\(i)", body) }
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
    public func callAsFunction(_ input: Tensor) -> Tensor { traced(forward(input)) }
}

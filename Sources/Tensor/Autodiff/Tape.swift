/// Reverse-mode automatic differentiation.
///
/// Each differentiable op computes its result and, when one of its inputs
/// requires gradients and recording is on, attaches a ``GradNode`` holding
/// the pullback (micrograd's design). ``Tensor/backward(_:retainGraph:)``
/// sorts the graph topologically and walks it in reverse with an explicit
/// stack (no recursion, so long recurrent graphs do not overflow the stack).
extension Tensor {
    /// Whether this tensor records the ops applied to it.
    public var requiresGrad: Bool { node != nil }

    /// The gradient accumulated by ``backward(_:retainGraph:)`` on a leaf.
    public var grad: Tensor? {
        get { node?.grad }
        nonmutating set { node?.grad = newValue }
    }

    /// A copy of this tensor that is a leaf of the graph and records ops.
    /// Only floating-point tensors can require gradients.
    public func requiringGrad() -> Tensor {
        precondition(dtype.isFloatingPoint, "requiringGrad: \(dtype) tensors cannot carry gradients")
        var t = self
        t.node = GradNode(op: "leaf", inputs: [], shape: shape, dtype: dtype, pullback: nil)
        return t
    }

    /// The same values, cut from the graph.
    public func detached() -> Tensor {
        var t = self
        t.node = nil
        return t
    }

    /// Sets the gradient of a leaf back to nil.
    public func zeroGrad() { node?.grad = nil }

    /// Records the differentiable primitive `op` on the tape: when recording
    /// is on and any input requires gradients, returns `result` attached to a
    /// node holding `pullback`; otherwise returns `result` unchanged. Every op
    /// is recorded here, Tensor's built-ins and ops defined outside Tensor
    /// alike (see ``DifferentiablePrimitive``).
    ///
    /// Compute `result` without recording (raw kernels, or inside
    /// ``withoutGrad(_:)``): its own graph, if any, is replaced by this node.
    ///
    /// The pullback receives the gradient of `result` and `needs`, one flag
    /// per input: true when that input requires gradients. It returns one
    /// gradient per input, of the input's shape and dtype, and nil where
    /// `needs` is false — skipping that work, as candle and tinygrad do, so
    /// a constant operand costs nothing in backward. It runs without
    /// recording and must capture `.detached()` values only (a captured
    /// tensor that requires gradients would keep the graph alive).
    public static func record<Op: DifferentiablePrimitive>(
        _ op: Op, _ result: Tensor, _ inputs: [Tensor],
        _ pullback: @escaping (_ gradient: Tensor, _ needs: [Bool]) -> [Tensor?]
    ) -> Tensor {
        OpRegistry.register(Op.self)
        return attach(op.rawValue, result, inputs, pullback)
    }

    /// ``record(_:_:_:_:)`` for a built-in, so Tensor's ops can write `.add`
    /// (a leading dot cannot pick the generic parameter).
    @inline(__always)
    static func record(_ op: DifferentiableOp, _ result: Tensor, _ inputs: [Tensor],
                       _ pullback: @escaping (_ gradient: Tensor, _ needs: [Bool]) -> [Tensor?]) -> Tensor {
        attach(op.rawValue, result, inputs, pullback)
    }

    /// The one body of both records: the node for the op called `name`.
    private static func attach(_ name: String, _ result: Tensor, _ inputs: [Tensor],
                               _ pullback: @escaping (Tensor, [Bool]) -> [Tensor?]) -> Tensor {
        guard !GradMode.isDisabled, inputs.contains(where: { $0.node != nil }) else { return result }
        let needs = inputs.map { $0.node != nil }
        var out = result
        out.node = GradNode(op: name, inputs: inputs.map { $0.node }, shape: result.shape,
                            dtype: result.dtype, pullback: { g in pullback(g, needs) })
        return out
    }

    /// Back-propagates from this tensor and accumulates into the `.grad` of
    /// every leaf that contributed. Without `seed` the tensor must be a scalar
    /// (the seed is 1). The graph is released afterwards unless `retainGraph`.
    ///
    /// Each leaf's `.grad` is written as soon as the walk reaches the leaf,
    /// which in reverse topological order is after every op that used it, so
    /// the gradient is final then; ``LeafGradientObserver`` hears of it at
    /// that moment (a data-parallel allreduce can start while the rest of
    /// the pass runs).
    public func backward(_ seed: Tensor? = nil, retainGraph: Bool = false) {
        let observer = LeafGradientObserver.current
        _ = Tensor.backpropagate(from: self, seed: seed, retainGraph: retainGraph) { leaf, g in
            leaf.grad = leaf.grad.map { $0 + g } ?? g
            observer?(ObjectIdentifier(leaf))
        }
    }

    /// The identity of this tensor's graph leaf (a trainable parameter's
    /// value), as ``LeafGradientObserver`` reports it; nil when the tensor
    /// records no ops.
    public var leafIdentity: ObjectIdentifier? { node.map(ObjectIdentifier.init) }

    /// Gradients for the leaves reached from `root`, keyed by leaf node;
    /// `onLeaf` (run without recording) gets each as soon as it is final.
    static func backpropagate(from root: Tensor, seed: Tensor?, retainGraph: Bool,
                              onLeaf: ((GradNode, Tensor) -> Void)? = nil) -> [(GradNode, Tensor)] {
        guard let rootNode = root.node else {
            preconditionFailure("backward: the tensor does not require gradients (no input was marked with requiringGrad(), or it was computed in withoutGrad)")
        }
        let seedGrad: Tensor
        if let seed {
            precondition(seed.shape == root.shape,
                         "backward: seed shape \(seed.shape) does not match tensor shape \(root.shape)")
            seedGrad = seed.converted(to: root.dtype).detached()
        } else {
            precondition(root.count == 1,
                         "backward: a tensor of shape \(root.shape) needs an explicit seed gradient; only scalars can be the root")
            seedGrad = Tensor.full(root.shape, value: 1, dtype: root.dtype)
        }

        // Topological order by iterative depth-first search.
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradNode, Bool)] = [(rootNode, false)]
        while let (n, expanded) = stack.popLast() {
            if expanded { order.append(n); continue }
            if visited.contains(ObjectIdentifier(n)) { continue }
            visited.insert(ObjectIdentifier(n))
            stack.append((n, true))
            for case let input? in n.inputs where !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }

        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(rootNode): seedGrad]
        var leaves: [(GradNode, Tensor)] = []
        withoutGrad {
            for n in order.reversed() {
                guard let g = pending.removeValue(forKey: ObjectIdentifier(n)) else { continue }
                if n.isLeaf {
                    leaves.append((n, g))
                    onLeaf?(n, g)
                    continue
                }
                guard let pullback = n.pullback else {
                    preconditionFailure("backward: the graph through '\(n.op)' was already freed by an earlier backward pass; pass retainGraph: true to the first one")
                }
                let inputGrads = pullback(g)
                precondition(inputGrads.count == n.inputs.count,
                             "backward: pullback of '\(n.op)' returned \(inputGrads.count) gradients for \(n.inputs.count) inputs")
                for (i, (input, ig)) in zip(n.inputs, inputGrads).enumerated() {
                    assert(input != nil || ig == nil,
                           "backward: pullback of '\(n.op)' computed a gradient for input \(i), which needs none (return nil where needs[\(i)] is false)")
                    guard let input, let ig else { continue }
                    precondition(ig.shape == input.shape,
                                 "backward: pullback of '\(n.op)' returned a gradient of shape \(ig.shape) for an input of shape \(input.shape)")
                    let key = ObjectIdentifier(input)
                    pending[key] = pending[key].map { $0 + ig } ?? ig
                }
                if !retainGraph { n.pullback = nil }
            }
        }
        return leaves
    }
}

/// Computes `f(x₁, …, xₙ)` and its gradient with respect to each input,
/// without touching any `.grad`. `f` must return a scalar.
public func valueWithGradient(of f: ([Tensor]) -> Tensor, wrt inputs: [Tensor]) -> (value: Tensor, gradients: [Tensor]) {
    let leaves = inputs.map { $0.requiringGrad() }
    let y = f(leaves)
    guard y.requiresGrad else {
        return (y, inputs.map { Tensor.zeros(like: $0) })
    }
    let grads = Tensor.backpropagate(from: y, seed: nil, retainGraph: false)
    var byNode: [ObjectIdentifier: Tensor] = [:]
    for (n, g) in grads { byNode[ObjectIdentifier(n)] = g }
    return (y.detached(), leaves.map { leaf in byNode[ObjectIdentifier(leaf.node!)] ?? Tensor.zeros(like: leaf) })
}

/// The gradient of the scalar `f(x)` with respect to each of `inputs`.
public func gradient(of f: ([Tensor]) -> Tensor, wrt inputs: [Tensor]) -> [Tensor] {
    valueWithGradient(of: f, wrt: inputs).gradients
}

/// The gradient of the scalar `f(x)` with respect to `x`.
public func gradient(of f: (Tensor) -> Tensor, wrt x: Tensor) -> Tensor {
    valueWithGradient(of: { f($0[0]) }, wrt: [x]).gradients[0]
}

extension Tensor {
    /// The names of the ops recorded in the graph that produced this tensor
    /// (used by the test suite to prove each op's gradient is checked).
    public var recordedOps: Set<String> {
        guard let root = node else { return [] }
        var seen = Set<ObjectIdentifier>(), ops = Set<String>(), stack = [root]
        while let n = stack.popLast() {
            guard seen.insert(ObjectIdentifier(n)).inserted else { continue }
            if !n.isLeaf { ops.insert(n.op) }
            stack.append(contentsOf: n.inputs.compactMap { $0 })
        }
        return ops
    }
}

/// Hears, during ``Tensor/backward(_:retainGraph:)``, of each graph leaf
/// whose gradient has just become final (by ``Tensor/leafIdentity``).
///
/// One observer at a time for the process, set around the backward passes
/// of a training step by whoever needs it (the Distributed module starts a
/// gradient bucket's allreduce as soon as its last parameter is done).
public enum LeafGradientObserver {
    /// The observer in force, or nil.
    public nonisolated(unsafe) static var current: ((ObjectIdentifier) -> Void)?
}

import Tensor

/// Layers applied in order; parameters are named `layers.0.weight`, ….
public final class Sequential: Module, Layer {
    /// The layers, applied in order.
    public let layers: [any Layer]

    /// The layers `layers` in order.
    public init(_ layers: [any Layer]) { self.layers = layers }
    /// The layers given, in order.
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    /// Each layer applied to the previous one's output.
    public func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }
}

/// A parameter-free function as a layer (activations inside a Sequential).
public final class Function: Module, Layer {
    let body: (Tensor) -> Tensor
    /// The function's name, shown where the module is printed (PyTorch's class names).
    public let name: String

    /// A layer named `name` that applies `body`.
    public init(_ name: String, _ body: @escaping (Tensor) -> Tensor) {
        self.name = name
        self.body = body
    }

    /// `body` applied to x.
    public func forward(_ x: Tensor) -> Tensor { body(x) }

    /// max(x, 0), elementwise.
    public static var relu: Function { Function("ReLU", reluFunction) }
    /// 1 / (1 + e⁻ˣ), elementwise.
    public static var sigmoid: Function { Function("Sigmoid", sigmoidFunction) }
    /// tanh x, elementwise.
    public static var tanh: Function { Function("Tanh", tanhFunction) }
    /// GELU, elementwise.
    public static var gelu: Function { Function("GELU", geluFunction) }
    /// x for x ≥ 0, `slope`·x below, elementwise (PyTorch's default slope 0.01).
    public static func leakyRelu(_ slope: Double = 0.01) -> Function { Function("LeakyReLU") { leakyReluFunction($0, slope) } }
    /// min(max(x, 0), 6), as in the WILLOW and miha models.
    public static var relu6: Function { Function("ReLU6") { clamp($0, min: 0, max: 6) } }
}

/// Applies a layer to every time step of a [batch, time, features] input by
/// folding time into the batch.
public final class TimeDistributed: Module, Layer {
    /// The layer whose output is added to its input.
    public let layer: any Layer
    /// A residual connection around `layer`.
    public init(_ layer: any Layer) { self.layer = layer }

    /// x + layer(x); the layer must keep the shape.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 3, "TimeDistributed: needs [batch, time, …], got \(x.shape)")
        let b = x.shape[0], t = x.shape[1]
        let y = layer(x.reshaped(to: [b * t] + Array(x.shape.dropFirst(2))))
        return y.reshaped(to: [b, t] + Array(y.shape.dropFirst()))
    }
}

// File-scope names for the Tensor module's activations: inside `Function`
// the static members of the same names would shadow them, and the module
// cannot be named because the type `Tensor` shares its name.
private func reluFunction(_ x: Tensor) -> Tensor { relu(x) }
private func sigmoidFunction(_ x: Tensor) -> Tensor { sigmoid(x) }
private func tanhFunction(_ x: Tensor) -> Tensor { tanh(x) }
private func geluFunction(_ x: Tensor) -> Tensor { gelu(x) }
private func leakyReluFunction(_ x: Tensor, _ slope: Double) -> Tensor { leakyRelu(x, slope: slope) }

import Tensor

/// Layers applied in order; parameters are named `layers.0.weight`, ….
public final class Sequential: Module, Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public func forward(_ x: Tensor) -> Tensor { layers.reduce(x) { $1($0) } }
}

/// A parameter-free function as a layer (activations inside a Sequential).
public final class Function: Module, Layer {
    let body: (Tensor) -> Tensor
    public let name: String

    public init(_ name: String, _ body: @escaping (Tensor) -> Tensor) {
        self.name = name
        self.body = body
    }

    public func forward(_ x: Tensor) -> Tensor { body(x) }

    public static var relu: Function { Function("ReLU", reluFunction) }
    public static var sigmoid: Function { Function("Sigmoid", sigmoidFunction) }
    public static var tanh: Function { Function("Tanh", tanhFunction) }
    public static var gelu: Function { Function("GELU", geluFunction) }
    public static func leakyRelu(_ slope: Double = 0.01) -> Function { Function("LeakyReLU") { leakyReluFunction($0, slope) } }
    /// min(max(x, 0), 6), as in the WILLOW and miha models.
    public static var relu6: Function { Function("ReLU6") { clamp($0, min: 0, max: 6) } }
}

/// Applies a layer to every time step of a [batch, time, features] input by
/// folding time into the batch.
public final class TimeDistributed: Module, Layer {
    public let layer: any Layer
    public init(_ layer: any Layer) { self.layer = layer }

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

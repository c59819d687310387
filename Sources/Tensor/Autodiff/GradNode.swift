/// One recorded operation of the autodiff tape (or a leaf).
///
/// A node keeps the nodes of its differentiable inputs and the pullback that
/// maps the gradient of its output to the gradients of its inputs. Leaves
/// (tensors made with ``Tensor/requiringGrad()``) accumulate into ``grad``.
final class GradNode {
    /// The op that produced the tensor (`"leaf"` for leaves); used in messages.
    let op: String
    let inputs: [GradNode?]
    /// Released after a backward pass so the graph's memory is freed.
    var pullback: ((Tensor) -> [Tensor?])?
    let shape: [Int]
    let dtype: DType
    /// Accumulated gradient of a leaf.
    var grad: Tensor?

    var isLeaf: Bool { inputs.isEmpty }

    init(op: String, inputs: [GradNode?], shape: [Int], dtype: DType, pullback: ((Tensor) -> [Tensor?])?) {
        self.op = op
        self.inputs = inputs
        self.shape = shape
        self.dtype = dtype
        self.pullback = pullback
    }
}

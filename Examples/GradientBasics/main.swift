import Tensor

// A logistic-regression loss and its gradient, checked against central differences.
var rng = RandomGenerator(seed: 0)
let x = Tensor.normal([8, 3], using: &rng)                    // 8 examples, 3 features
let y = Tensor([1, 0, 1, 1, 0, 0, 1, 0] as [Float], shape: [8, 1])
let w = Tensor.zeros([3, 1]).requiringGrad()
let p = sigmoid(matmul(x, w))
let loss = -(y * log(p) + (1 - y) * log(1 - p)).mean()
loss.backward()                                               // fills w.grad
print(loss.scalar, w.grad!.floats)
print(checkGradients(of: { w in let p = sigmoid(matmul(x.converted(to: .float64), w[0])); return -(y.converted(to: .float64) * log(p)).mean() }, at: [w]))

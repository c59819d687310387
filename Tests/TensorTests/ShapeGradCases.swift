import XCTest
@testable import Tensor

/// Gradient checks of the shape ops: permute, slice, concat, reverse, pad,
/// indexSelect, gather, maskedSelect (and what is composed from them:
/// transpose, squeeze, split, stack, maskedFill, sort, topK), with permuted
/// inputs, broadcasting, reused inputs, batched shapes and repeated indices.
let shapeGradCases: [GradCase] = [
    // Permute and what is built on it.
    GradCase("permute 3-D [2, 0, 1]", [input([2, 3, 4], 201)]) { $0[0].permuted([2, 0, 1]) },
    GradCase("transpose last two of a batch", [input([2, 3, 4], 202)]) { $0[0].transposed() },
    GradCase("permute of a permuted input", [input([2, 3, 4], 203)]) { $0[0].permuted([1, 0, 2]).transposed(0, 2) },
    GradCase("transpose plus broadcast row", [input([3, 4], 204), input([3], 205)]) { $0[0].transposed() + $0[1] },
    GradCase("transpose reused (x + xᵀ)", [input([4, 4], 206)]) { $0[0] + $0[0].transposed() },
    GradCase("unsqueeze, permute, squeeze", [input([3, 4], 207)]) {
        $0[0].unsqueezed(axis: 1).permuted([2, 1, 0]).squeezed(axis: 1) * input([4, 3], 208)
    },
    GradCase("permute moving only unit axes", [input([3, 1, 4], 209)]) { $0[0].permuted([1, 0, 2]) * $0[0].squeezed() },
    GradCase("permute 4-D batch of matrices", [input([2, 3, 2, 5], 210)]) { $0[0].permuted([0, 3, 1, 2]) },

    // Slice, split, reverse.
    GradCase("slice one axis with step 2", [input([3, 7], 211)]) { $0[0].sliced(axis: 1, range: 1..<6, step: 2) },
    GradCase("slice several axes", [input([4, 3, 5], 212)]) { $0[0][1..<3, nil, 0..<2] },
    GradCase("slice with partial range and steps", [input([5, 6], 213)]) {
        $0[0].sliced(axis: 0, range: 2...) .sliced([nil, 1..<6], steps: [1, 3])
    },
    GradCase("slice of a transposed input", [input([3, 5], 214)]) { $0[0].transposed().sliced(axis: 0, range: 1...3) },
    GradCase("overlapping slices of one input", [input([4, 3], 215)]) {
        $0[0].sliced(axis: 0, range: 0..<3) * $0[0].sliced(axis: 0, range: 1..<4)
    },
    GradCase("slice broadcast against the rest", [input([3, 4], 216)]) { $0[0].sliced(axis: 1, range: 0..<1) * $0[0] },
    GradCase("split by sizes", [input([2, 6, 3], 217)]) {
        let p = $0[0].split(sizes: [1, 3, 2], axis: 1)
        return p[1].sliced(axis: 1, range: 0..<2) * p[2] + p[0]
    },
    GradCase("split into equal parts", [input([4, 6], 218)]) {
        let p = $0[0].split(count: 3, axis: -1)
        return p[0] * p[1] - p[2]
    },
    GradCase("reverse middle axis of a batch", [input([2, 5, 3], 219)]) { $0[0].reversed(axis: 1) },
    GradCase("reverse last axis, reused", [input([3, 4], 220)]) { $0[0].reversed(axis: -1) * $0[0] },
    GradCase("reverse of a permuted input", [input([3, 4, 2], 221)]) { $0[0].transposed(0, 1).reversed(axis: 0) },

    // Concat and stack.
    GradCase("concat three along axis 1", [input([2, 1, 3], 222), input([2, 4, 3], 223), input([2, 2, 3], 224)]) {
        Tensor.concat([$0[0], $0[1], $0[2]], axis: 1)
    },
    GradCase("concat along the last axis of a batch", [input([2, 3, 4], 225), input([2, 3, 1], 226)]) {
        Tensor.concat([$0[0], $0[1]], axis: -1)
    },
    GradCase("concat reused input with a constant", [input([2, 3], 227)]) {
        Tensor.concat([$0[0], input([1, 3], 228), $0[0] * 2], axis: 0)
    },
    GradCase("concat of a transposed input and a broadcast sum", [input([3, 2], 229), input([2, 3], 230), input([3], 231)]) {
        Tensor.concat([$0[0].transposed(), $0[1] + $0[2]], axis: 0)
    },
    GradCase("stack along a new middle axis", [input([2, 3], 232), input([2, 3], 233), input([2, 3], 234)]) {
        Tensor.stack([$0[0], $0[1], $0[2]], axis: 1)
    },
    GradCase("stack a tensor with itself reversed", [input([4], 235)]) {
        Tensor.stack([$0[0], $0[0].reversed(axis: 0)], axis: -1)
    },

    // Pad.
    GradCase("pad two axes with a value", [input([3, 4], 236)]) { $0[0].padded([(1, 2), (0, 1)], value: 0.5) },
    GradCase("pad the time axis of a batch", [input([2, 3, 4], 237)]) { $0[0].padded(axis: 1, before: 2, after: 1) },
    GradCase("pad then slice back, reused", [input([3, 3], 238)]) {
        $0[0].padded([(1, 1), (1, 1)]).sliced([0..<3, 1..<4]) * $0[0]
    },

    // Index select, gather, masked select and fill.
    GradCase("indexSelect repeated rows", [input([3, 4], 239)]) { $0[0].indexSelect(axis: 0, indices: [2, 0, 2, 2]) },
    GradCase("indexSelect middle axis with an int32 tensor", [input([2, 5, 3], 240)]) {
        $0[0].indexSelect(axis: 1, indices: Tensor([4, 1, 1, 0, 4] as [Int32]))
    },
    GradCase("indexSelect of a transposed input, broadcast after", [input([4, 3], 241), input([3], 242)]) {
        $0[0].transposed().indexSelect(axis: 1, indices: [3, 3, 0]) * $0[1].reshaped(to: [3, 1])
    },
    GradCase("gather axis 1 with repeated indices", [input([3, 4, 2], 243)]) {
        $0[0].gather(axis: 1, indices: Tensor([0, 3, 3, 3, 1, 0, 2, 2, 1, 1, 0, 0, 3, 2, 2, 2, 0, 0] as [Int32], shape: [3, 3, 2]))
    },
    GradCase("gather axis 0 with smaller index extents", [input([3, 4], 244)]) {
        $0[0].gather(axis: 0, indices: Tensor([2, 0, 2, 1, 1, 1] as [Int32], shape: [2, 3]))
    },
    GradCase("gather last axis of a batch, reused input", [input([2, 3, 5], 245)]) {
        let idx = Tensor([4, 4, 0, 1, 2, 3, 0, 0, 1, 4, 4, 4] as [Int32], shape: [2, 3, 2])
        return $0[0].gather(axis: -1, indices: idx) * $0[0].sliced(axis: 2, range: 0..<2)
    },
    GradCase("maskedSelect with a broadcast mask", [input([3, 4], 246)]) {
        $0[0].maskedSelect(Tensor([1, 0, 1, 1] as [UInt8], shape: [1, 4]))
    },
    GradCase("maskedSelect of a batch, computed mask", [input([2, 3, 4], 247)]) { $0[0].maskedSelect($0[0] .> 0.3) },
    GradCase("maskedFill with a broadcast mask", [input([2, 3], 248)]) {
        $0[0].maskedFill(Tensor([0, 1, 0] as [UInt8]), value: -5) * $0[0]
    },

    // Sort and top-k: gradients go through gather (inputs have no ties).
    GradCase("sort ascending along the last axis", [input([3, 6], 249)]) { $0[0].sorted().values },
    GradCase("sort descending along axis 0 of a batch", [input([4, 2, 3], 250)]) { $0[0].sorted(axis: 0, descending: true).values },
    GradCase("topK largest, heap path (k·8 ≤ n)", [input([3, 20], 251)]) { $0[0].topK(2).values },
    GradCase("topK smallest along axis 0, sort path", [input([5, 3], 252)]) { $0[0].topK(3, axis: 0, largest: false).values },
    GradCase("topK of a sum with a broadcast row", [input([4, 10], 253), input([10], 254)]) { ($0[0] + $0[1]).topK(4).values },
]

final class ShapeGradientTests: XCTestCase {
    func testShapeGradients() { runGradCases(shapeGradCases) }
}

import XCTest
@testable import Tensor

/// Forward results of the shape ops against values worked out by hand,
/// including int32 and uint8 tensors, and large shapes against formulas.
final class ShapeForwardTests: XCTestCase {
    /// 0, 1, 2, … in the given shape and dtype.
    private func iota(_ shape: [Int], _ dtype: DType = .float32) -> Tensor {
        Tensor.arange(0, Double(shape.reduce(1, *)), dtype: dtype).reshaped(to: shape)
    }

    // MARK: Permute

    func testTransposeOfAMatrix() {
        let x = iota([2, 3])                        // [[0 1 2] [3 4 5]]
        XCTAssertEqual(x.transposed().shape, [3, 2])
        XCTAssertEqual(x.transposed().floats, [0, 3, 1, 4, 2, 5])
    }

    func testPermuteThreeAxes() {
        // x[i, j, k] = 12i + 4j + k; y = x.permuted([2, 0, 1]) has y[k, i, j] = x[i, j, k].
        let y = iota([2, 3, 4]).permuted([2, 0, 1])
        XCTAssertEqual(y.shape, [4, 2, 3])
        XCTAssertEqual(y.floats, [0, 4, 8, 12, 16, 20,
                                  1, 5, 9, 13, 17, 21,
                                  2, 6, 10, 14, 18, 22,
                                  3, 7, 11, 15, 19, 23])
        XCTAssertEqual(iota([2, 3, 4]).permuted([-2, 0, -1]).floats,       // [1, 0, 2]
                       [0, 1, 2, 3, 12, 13, 14, 15, 4, 5, 6, 7, 16, 17, 18, 19, 8, 9, 10, 11, 20, 21, 22, 23])
    }

    func testPermuteOfIntegerAndByteTensors() {
        let i = Tensor([1, 2, 3, 4, 5, 6] as [Int32], shape: [3, 2])
        XCTAssertEqual(i.transposed().scalars(as: Int32.self), [1, 3, 5, 2, 4, 6])
        XCTAssertEqual(i.transposed().dtype, .int32)
        let b = Tensor([1, 2, 3, 4, 5, 6, 7, 8] as [UInt8], shape: [2, 2, 2])
        XCTAssertEqual(b.permuted([2, 1, 0]).scalars(as: UInt8.self), [1, 5, 3, 7, 2, 6, 4, 8])
        let d = Tensor([1, 2, 3, 4] as [Double], shape: [2, 2])
        XCTAssertEqual(d.transposed().doubles, [1, 3, 2, 4])
    }

    func testLargeTransposeUsesTilesAndMatchesTheDefinition() {
        // Extents not multiples of the tile, a batch axis, and all three widths.
        let (b, m, n) = (3, 70, 45)
        for dtype in [DType.float32, .float64, .uint8] {
            let x = iota([b, m, n], .int32).converted(to: .float64).converted(to: dtype == .uint8 ? .float32 : dtype)
            let src = dtype == .uint8 ? (x - (x / 256).converted(to: .int32).converted(to: .float32) * 256).converted(to: .uint8) : x
            let y = src.transposed(1, 2)
            XCTAssertEqual(y.shape, [b, n, m])
            for bi in 0..<b { for i in 0..<m { for j in 0..<n {
                let want = Double((bi * m * n + i * n + j) % (dtype == .uint8 ? 256 : Int.max))
                if y[bi, j, i] != want { XCTFail("\(dtype) y[\(bi), \(j), \(i)] = \(y[bi, j, i]), want \(want)"); return }
            } } }
        }
        // The middle axis moved last: y[k, j, i] = x[i, j, k].
        let x = iota([40, 3, 50])
        let y = x.permuted([2, 1, 0])
        XCTAssertEqual(y[49, 2, 39], Double(39 * 150 + 2 * 50 + 49))
        XCTAssertEqual(y[7, 1, 33], Double(33 * 150 + 1 * 50 + 7))
    }

    func testSqueezeAndUnsqueeze() {
        let x = iota([2, 1, 3, 1])
        XCTAssertEqual(x.squeezed().shape, [2, 3])
        XCTAssertEqual(x.squeezed(axis: 1).shape, [2, 3, 1])
        XCTAssertEqual(x.squeezed(axis: -1).shape, [2, 1, 3])
        XCTAssertEqual(iota([2, 3]).unsqueezed(axis: 1).shape, [2, 1, 3])
        XCTAssertEqual(iota([2, 3]).unsqueezed(axis: -1).shape, [2, 3, 1])
        XCTAssertEqual(iota([2, 3]).unsqueezed(axis: 0).shape, [1, 2, 3])
        XCTAssertEqual(iota([2, 3]).unsqueezed(axis: 1).floats, [0, 1, 2, 3, 4, 5])
    }

    // MARK: Slice, split, reverse

    func testSliceRangesAndSteps() {
        let x = iota([3, 4])                        // [[0 1 2 3] [4 5 6 7] [8 9 10 11]]
        XCTAssertEqual(x[1..<3, 1..<3].floats, [5, 6, 9, 10])
        XCTAssertEqual(x[1..<3, 1..<3].shape, [2, 2])
        XCTAssertEqual(x[nil, 3..<4].floats, [3, 7, 11])
        XCTAssertEqual(x[2..<3].floats, [8, 9, 10, 11])
        XCTAssertEqual(x.sliced(axis: 1, range: 0..<4, step: 2).floats, [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(x.sliced(axis: 1, range: 1..<4, step: 2).floats, [1, 3, 5, 7, 9, 11])
        XCTAssertEqual(x.sliced(axis: 0, range: 1...).floats, [4, 5, 6, 7, 8, 9, 10, 11])
        XCTAssertEqual(x.sliced(axis: -1, range: ...1).floats, [0, 1, 4, 5, 8, 9])
        XCTAssertEqual(x.sliced([0..<3, 0..<4], steps: [2, 3]).floats, [0, 3, 8, 11])
        XCTAssertEqual(x.sliced(axis: 0, range: 2..<2).shape, [0, 4])
    }

    func testSliceOfIntegerAndByteTensors() {
        let i = Tensor([10, 11, 12, 13, 14, 15] as [Int32], shape: [2, 3])
        XCTAssertEqual(i[nil, 1..<3].scalars(as: Int32.self), [11, 12, 14, 15])
        let b = Tensor([1, 2, 3, 4, 5] as [UInt8])
        XCTAssertEqual(b.sliced(axis: 0, range: 0..<5, step: 2).scalars(as: UInt8.self), [1, 3, 5])
        XCTAssertEqual(b.reversed(axis: 0).scalars(as: UInt8.self), [5, 4, 3, 2, 1])
    }

    func testSplitBySizesAndCount() {
        let x = iota([3, 2])                        // [[0 1] [2 3] [4 5]]
        let p = x.split(sizes: [1, 2], axis: 0)
        XCTAssertEqual(p.map(\.shape), [[1, 2], [2, 2]])
        XCTAssertEqual(p[0].floats, [0, 1])
        XCTAssertEqual(p[1].floats, [2, 3, 4, 5])
        let q = x.split(count: 2, axis: 1)
        XCTAssertEqual(q[0].floats, [0, 2, 4])
        XCTAssertEqual(q[1].floats, [1, 3, 5])
    }

    func testReverseAlongEachAxis() {
        let x = iota([2, 3])
        XCTAssertEqual(x.reversed(axis: 1).floats, [2, 1, 0, 5, 4, 3])
        XCTAssertEqual(x.reversed(axis: 0).floats, [3, 4, 5, 0, 1, 2])
        // Time axis of [batch 2, time 3, features 2].
        let s = Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as [Int32], shape: [2, 3, 2])
        XCTAssertEqual(s.reversed(axis: 1).scalars(as: Int32.self), [5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8])
    }

    // MARK: Concat, stack, pad

    func testConcatAlongEachAxis() {
        let a = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]), b = Tensor([5, 6] as [Float], shape: [2, 1])
        XCTAssertEqual(Tensor.concat([a, b], axis: 1).floats, [1, 2, 5, 3, 4, 6])
        XCTAssertEqual(Tensor.concat([a, b], axis: 1).shape, [2, 3])
        XCTAssertEqual(Tensor.concat([a, b.transposed()], axis: 0).floats, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(Tensor.concat([a, a, b], axis: -1).floats, [1, 2, 1, 2, 5, 3, 4, 3, 4, 6])
    }

    func testConcatOfIntegerAndByteTensors() {
        let a = Tensor([1, 2] as [Int32], shape: [1, 2]), b = Tensor([3, 4, 5, 6] as [Int32], shape: [2, 2])
        XCTAssertEqual(Tensor.concat([a, b]).scalars(as: Int32.self), [1, 2, 3, 4, 5, 6])
        let u = Tensor([7] as [UInt8]), v = Tensor([8, 9] as [UInt8])
        XCTAssertEqual(Tensor.concat([u, v, u]).scalars(as: UInt8.self), [7, 8, 9, 7])
    }

    func testStackOnANewAxis() {
        let a = Tensor([1, 2] as [Float]), b = Tensor([3, 4] as [Float])
        XCTAssertEqual(Tensor.stack([a, b]).shape, [2, 2])
        XCTAssertEqual(Tensor.stack([a, b]).floats, [1, 2, 3, 4])
        XCTAssertEqual(Tensor.stack([a, b], axis: 1).floats, [1, 3, 2, 4])
        XCTAssertEqual(Tensor.stack([a, b], axis: -1).shape, [2, 2])
        XCTAssertEqual(Tensor.stack([Tensor([1] as [UInt8], shape: [1, 1])], axis: 2).shape, [1, 1, 1])
    }

    func testPadWithAValue() {
        let x = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        let y = x.padded([(1, 0), (0, 1)], value: 9)
        XCTAssertEqual(y.shape, [3, 3])
        XCTAssertEqual(y.floats, [9, 9, 9, 1, 2, 9, 3, 4, 9])
        XCTAssertEqual(x.padded(axis: 1, before: 1, after: 1).floats, [0, 1, 2, 0, 0, 3, 4, 0])
        XCTAssertEqual(x.padded([(1, 1)]).floats, [0, 0, 1, 2, 3, 4, 0, 0])
        let b = Tensor([5, 6] as [UInt8])
        XCTAssertEqual(b.padded([(2, 1)], value: 255).scalars(as: UInt8.self), [255, 255, 5, 6, 255])
    }

    // MARK: Indexing

    func testIndexSelectWithRepeats() {
        let x = iota([2, 3])                        // [[0 1 2] [3 4 5]]
        XCTAssertEqual(x.indexSelect(axis: 1, indices: [2, 0, 2]).floats, [2, 0, 2, 5, 3, 5])
        XCTAssertEqual(x.indexSelect(axis: 0, indices: Tensor([1, 1] as [Int32])).floats, [3, 4, 5, 3, 4, 5])
        let labels = Tensor([7, 8, 9] as [Int32])
        XCTAssertEqual(labels.indexSelect(axis: 0, indices: [2, 0]).scalars(as: Int32.self), [9, 7])
    }

    func testIndexSelectGradientAccumulatesRepeatedIndices() {
        let x = Tensor([1, 2, 3] as [Double]).requiringGrad()
        x.indexSelect(axis: 0, indices: [2, 0, 2, 2]).sum().backward()
        XCTAssertEqual(x.grad?.doubles, [1, 0, 3])
    }

    func testGatherFollowsTorchSemantics() {
        // torch.gather(t, 1, [[0, 0], [1, 0]]) with t = [[1, 2], [3, 4]] is [[1, 1], [4, 3]].
        let t = Tensor([1, 2, 3, 4] as [Float], shape: [2, 2])
        XCTAssertEqual(t.gather(axis: 1, indices: Tensor([0, 0, 1, 0] as [Int32], shape: [2, 2])).floats, [1, 1, 4, 3])
        // On axis 0: out[i][j] = t[idx[i][j]][j]; [[0, 1], [1, 0]] gives [[1, 4], [3, 2]].
        XCTAssertEqual(t.gather(axis: 0, indices: Tensor([0, 1, 1, 0] as [Int32], shape: [2, 2])).floats, [1, 4, 3, 2])
        // A smaller index on the other axis: only row 0 of t is read.
        XCTAssertEqual(t.gather(axis: 1, indices: Tensor([1, 1, 0] as [Int32], shape: [1, 3])).floats, [2, 2, 1])
        let u = Tensor([10, 20, 30, 40] as [UInt8], shape: [2, 2])
        XCTAssertEqual(u.gather(axis: 1, indices: Tensor([1, 0] as [Int32], shape: [2, 1])).scalars(as: UInt8.self), [20, 30])
    }

    func testGatherGradientScatterAdds() {
        let x = Tensor([1, 2, 3, 4] as [Double], shape: [2, 2]).requiringGrad()
        let idx = Tensor([1, 1, 1, 0, 0, 0] as [Int32], shape: [2, 3])
        x.gather(axis: 1, indices: idx).sum().backward()
        XCTAssertEqual(x.grad?.doubles, [0, 3, 3, 0])
    }

    func testLargeIndexGradientsMatchHandCounts() {
        // One outer row and many columns: the backward splits columns across threads.
        let n = 50_000
        let x = Tensor.zeros([3, n], dtype: .float64).requiringGrad()
        x.indexSelect(axis: 0, indices: [1, 1, 2]).sum().backward()
        let g = x.grad!
        XCTAssertEqual(g[0, 0], 0); XCTAssertEqual(g[1, n - 1], 2); XCTAssertEqual(g[2, 17], 1)
        XCTAssertEqual(g.sum().scalar, Double(3 * n))

        let y = Tensor.zeros([4, n], dtype: .float64).requiringGrad()
        var idx = Tensor.zeros([6, n], dtype: .int32)              // every column picks rows 0, 0, 3, 3, 3, 1
        for (r, v) in [0, 0, 3, 3, 3, 1].enumerated() { for c in stride(from: 0, to: n, by: 997) { idx[r, c] = Double(v) } }
        for (r, v) in [0, 0, 3, 3, 3, 1].enumerated() where v != 0 { for c in 0..<n { idx[r, c] = Double(v) } }
        y.gather(axis: 0, indices: idx).sum().backward()
        let h = y.grad!
        XCTAssertEqual(h[0, 5], 2); XCTAssertEqual(h[3, n - 1], 3); XCTAssertEqual(h[1, 12_345], 1); XCTAssertEqual(h[2, 9], 0)
    }

    func testMaskedSelectAndFill() {
        let x = iota([2, 3])
        let mask = Tensor([1, 0, 1] as [UInt8])
        XCTAssertEqual(x.maskedSelect(mask).floats, [0, 2, 3, 5])
        XCTAssertEqual(x.maskedSelect(x .> 3.5).floats, [4, 5])
        XCTAssertEqual(x.maskedSelect(Tensor.zeros([2, 3], dtype: .uint8)).shape, [0])
        let ints = Tensor([5, 6, 7] as [Int32])
        XCTAssertEqual(ints.maskedSelect(Tensor([0, 1, 1] as [UInt8])).scalars(as: Int32.self), [6, 7])
        XCTAssertEqual(Tensor([1, 2, 3] as [Float]).maskedFill(Tensor([0, 1, 0] as [UInt8]), value: -1).floats, [1, -1, 3])
        XCTAssertEqual(x.maskedFill(Tensor([1, 0] as [UInt8], shape: [2, 1]), value: 9).floats, [9, 9, 9, 3, 4, 5])
    }

    // MARK: Sort and top-k

    func testSortIsStableInBothDirections() {
        let x = Tensor([2, 5, 2, 5, 1] as [Float])
        let up = x.sorted()
        XCTAssertEqual(up.values.floats, [1, 2, 2, 5, 5])
        XCTAssertEqual(up.indices.scalars(as: Int32.self), [4, 0, 2, 1, 3])
        let down = x.sorted(descending: true)
        XCTAssertEqual(down.values.floats, [5, 5, 2, 2, 1])
        XCTAssertEqual(down.indices.scalars(as: Int32.self), [1, 3, 0, 2, 4])
        XCTAssertEqual(down.indices.dtype, .int32)
    }

    func testSortAlongAxisZeroAndNaNLast() {
        let x = Tensor([3, 1, 1, 2, 2, 3] as [Double], shape: [3, 2])   // columns [3, 1, 2] and [1, 2, 3]
        let s = x.sorted(axis: 0)
        XCTAssertEqual(s.values.doubles, [1, 1, 2, 2, 3, 3])
        XCTAssertEqual(s.indices.scalars(as: Int32.self), [1, 0, 2, 1, 0, 2])
        let n = Tensor([1, .nan, 0] as [Float]).sorted()
        XCTAssertEqual(n.indices.scalars(as: Int32.self), [2, 0, 1])
        XCTAssertEqual(Tensor([7, 3, 9] as [Int32]).sorted().values.scalars(as: Int32.self), [3, 7, 9])
        XCTAssertEqual(Tensor([7, 3, 9] as [UInt8]).sorted(descending: true).indices.scalars(as: Int32.self), [2, 0, 1])
    }

    func testSortOrdersNegativesInfinitiesAndSignedZeros() {
        let v: [Double] = [-1.5, 3, -.infinity, 0, -0.0, .infinity, -7, 2]
        // −0 and +0 are equal, so they keep index order (3 before 4) both ways.
        for x in [Tensor(v), Tensor(v.map { Float($0) })] {
            XCTAssertEqual(x.sorted().indices.scalars(as: Int32.self), [2, 6, 0, 3, 4, 7, 1, 5], "\(x.dtype)")
            XCTAssertEqual(x.sorted(descending: true).indices.scalars(as: Int32.self), [5, 1, 7, 3, 4, 0, 6, 2], "\(x.dtype)")
            XCTAssertEqual(x.sorted().values.doubles, [-.infinity, -7, -1.5, 0, 0, 2, 3, .infinity])
        }
        let i = Tensor([-5, 3, Int32.min, Int32.max, 0] as [Int32])
        XCTAssertEqual(i.sorted().indices.scalars(as: Int32.self), [2, 0, 4, 1, 3])
        XCTAssertEqual(i.topK(2).values.scalars(as: Int32.self), [Int32.max, 3])
    }

    func testSortOfManyColumnsIsOrderedAndPointsAtItsValues() {
        var rng = RandomGenerator(seed: 9)
        let x = Tensor.uniform([1000, 3], low: -1, high: 1, dtype: .float64, using: &rng)
        let (values, indices) = x.sorted(axis: 0, descending: true)
        let v = values.doubles, idx = indices.scalars(as: Int32.self)
        for c in 0..<3 {
            var seen = Set<Int32>()
            for r in 0..<1000 {
                XCTAssertEqual(v[r * 3 + c], x[Int(idx[r * 3 + c]), c])
                if r > 0 { XCTAssertGreaterThanOrEqual(v[(r - 1) * 3 + c], v[r * 3 + c]) }
                seen.insert(idx[r * 3 + c])
            }
            XCTAssertEqual(seen.count, 1000)
        }
    }

    func testTopKLargestAndSmallest() {
        let x = Tensor([1, 9, 3, 7, 5] as [Float])
        XCTAssertEqual(x.topK(2).values.floats, [9, 7])
        XCTAssertEqual(x.topK(2).indices.scalars(as: Int32.self), [1, 3])
        XCTAssertEqual(x.topK(2, largest: false).values.floats, [1, 3])
        XCTAssertEqual(x.topK(2, largest: false).indices.scalars(as: Int32.self), [0, 2])
        XCTAssertEqual(x.topK(0).values.shape, [0])
        let m = Tensor([1, 6, 5, 2, 3, 4] as [Float], shape: [3, 2])     // columns [1, 5, 3] and [6, 2, 4]
        let t = m.topK(2, axis: 0)
        XCTAssertEqual(t.values.shape, [2, 2])
        XCTAssertEqual(t.values.floats, [5, 6, 3, 4])
        XCTAssertEqual(t.indices.scalars(as: Int32.self), [1, 0, 2, 2])
    }

    func testTopKHeapPathKeepsTiesInIndexOrder() {
        var v = [Float](repeating: 0, count: 100)
        v[40] = 1; v[70] = 1
        let t = Tensor(v).topK(5)
        XCTAssertEqual(t.indices.scalars(as: Int32.self), [40, 70, 0, 1, 2])
        let s = Tensor(v).topK(3, largest: false)
        XCTAssertEqual(s.indices.scalars(as: Int32.self), [0, 1, 2])
    }

    func testTopTwentyOfYouTube8MClasses() {
        // Row r holds a permutation of 0..<3862: x[r][i] = (7919·i + r) mod 3862,
        // so its top 20 are 3861, 3860, …, 3842 at the i with 7919·i ≡ v − r.
        let rows = 64, n = 3862, k = 20
        var values = [Float](repeating: 0, count: rows * n)
        for r in 0..<rows { for i in 0..<n { values[r * n + i] = Float((7919 * i + r) % n) } }
        let t = Tensor(values, shape: [rows, n]).topK(k)
        XCTAssertEqual(t.values.shape, [rows, k])
        let got = t.values.floats, idx = t.indices.scalars(as: Int32.self)
        for r in 0..<rows {
            for j in 0..<k {
                XCTAssertEqual(got[r * k + j], Float(n - 1 - j))
                XCTAssertEqual((7919 * Int(idx[r * k + j]) + r) % n, n - 1 - j)
            }
        }
    }
}

import XCTest
@testable import Tensor

/// Forward values of max/min, softmax, statistics, frame statistics and
/// conv1d, worked out by hand or computed once with NumPy 2.4 / SciPy 1.17
/// (`scipy.special.softmax`, `log_softmax`, `logsumexp`, `np.var`,
/// `np.sort`, `np.unique`) and pasted here; never this library's own output.
final class ReductionForwardTests: XCTestCase {
    func assertClose(_ a: [Double], _ b: [Double], _ tol: Double = 1e-12, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "counts differ: \(a) vs \(b)", file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: tol, "\(a) vs \(b)", file: file, line: line) }
    }

    // MARK: max, min, argmax, argmin

    func testMaxMinOverAxesWithKeepDims() {
        let x = Tensor((0..<24).map { Double(($0 * 7) % 24) }, shape: [2, 3, 4])
        // x[a][b][c] = (7·(12a + 4b + c)) mod 24, worked out by hand:
        // a = 0: [0 7 14 21 | 4 11 18 1 | 8 15 22 5], a = 1: [12 19 2 9 | 16 23 6 13 | 20 3 10 17]
        XCTAssertEqual(max(x, axis: 2).doubles, [21, 18, 22, 19, 23, 20])
        XCTAssertEqual(min(x, axis: 1).doubles, [0, 7, 14, 1, 12, 3, 2, 9])
        XCTAssertEqual(max(x, axes: [0, 2]).doubles, [21, 23, 22])
        XCTAssertEqual(max(x, axes: [0, 2], keepDims: true).shape, [1, 3, 1])
        XCTAssertEqual(min(x).scalar, 0)
        XCTAssertEqual(max(x, axes: [1, 2]).doubles, [22, 23])
        XCTAssertEqual(x.argmax(axis: 2).scalars(as: Int32.self), [3, 2, 2, 1, 1, 0])
        XCTAssertEqual(x.argmin(axis: 0, keepDims: true).shape, [1, 3, 4])
    }

    func testArgmaxAndArgminPickTheFirstOfTies() {
        let x = Tensor([1, 3, 3, 2, 2, 1] as [Float], shape: [2, 3])
        XCTAssertEqual(x.argmax(axis: 1).scalars(as: Int32.self), [1, 0])
        XCTAssertEqual(x.argmin(axis: 1).scalars(as: Int32.self), [0, 2])
        XCTAssertEqual(x.argmax(axis: 0).scalars(as: Int32.self), [1, 0, 0])
        // A long row takes the SIMD path; the tie sits in two different lanes.
        var long = [Float](repeating: 0, count: 40)
        long[13] = 5; long[29] = 5
        XCTAssertEqual(Tensor(long).argmax(axis: 0).scalar, 13)
        XCTAssertEqual(max(Tensor(long), axis: 0).scalar, 5)
    }

    func testMaxGradientGoesToTheFirstMaximalElement() {
        let x = Tensor([1, 3, 3, 2, 2, 1] as [Double], shape: [2, 3])
        XCTAssertEqual(gradient(of: { max($0, axis: 1).sum() }, wrt: x).doubles, [0, 1, 0, 1, 0, 0])
        XCTAssertEqual(gradient(of: { min($0, axis: 1).sum() }, wrt: x).doubles, [1, 0, 0, 0, 0, 1])
        // All equal: the whole gradient goes to element [0, 0].
        XCTAssertEqual(gradient(of: { max($0).sum() }, wrt: Tensor.ones([2, 2], dtype: .float64)).doubles, [1, 0, 0, 0])
        // Non-adjacent axes [0, 2] of [2, 1, 2]: the first in row-major order over (a, c) wins.
        let y = Tensor([5, 1, 5, 5] as [Double], shape: [2, 1, 2])
        XCTAssertEqual(gradient(of: { max($0, axes: [0, 2]).sum() }, wrt: y).doubles, [1, 0, 0, 0])
        let z = Tensor([1, 5, 5, 5] as [Double], shape: [2, 1, 2])
        XCTAssertEqual(gradient(of: { max($0, axes: [0, 2]).sum() }, wrt: z).doubles, [0, 1, 0, 0])
    }

    func testMaxPropagatesNaN() {
        let x = Tensor([1, .nan, 3, 4, 5, 6] as [Float], shape: [2, 3])
        let m = max(x, axis: 1).floats
        XCTAssertTrue(m[0].isNaN)
        XCTAssertEqual(m[1], 6)
        XCTAssertEqual(x.argmax(axis: 1).scalars(as: Int32.self), [1, 2])
        XCTAssertTrue(max(x, axis: 0).floats[1].isNaN)
        var long = [Float](repeating: 1, count: 33)
        long[20] = .nan
        XCTAssertTrue(max(Tensor(long)).scalar.isNaN)
        XCTAssertEqual(Tensor(long).argmax(axis: 0).scalar, 20)
    }

    func testLargeMaxSplitsAcrossThreadsCorrectly() {
        // One outer row, many columns: the inner axis is split between threads.
        let n = 300, d = 1152
        let x = Tensor((0..<(n * d)).map { Float(($0 / d) * 3 % n) - Float($0 % d) * 0.001 }, shape: [1, n, d])
        // Row r, column c holds (3r mod 300) − c/1000. 3r mod 300 takes the multiples of 3,
        // so its maximum is 297, reached at r = 99, 199 and 299: ties, the first is 99.
        XCTAssertEqual(Set(x.argmax(axis: 1).scalars(as: Int32.self)), [99])
        XCTAssertEqual(max(x, axis: 1).floats[0], 297)
    }

    // MARK: softmax, log-softmax, logsumexp

    func testSoftmaxOfLargeLogitsDoesNotOverflow() {
        // scipy.special.softmax([1000, 1001, 1002])
        let reference = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218]
        assertClose(softmax(Tensor([1000, 1001, 1002] as [Double])).doubles, reference, 1e-15)
        assertClose(softmax(Tensor([1000, 1001, 1002] as [Float])).doubles, reference, 1e-6)
        XCTAssertEqual(softmax(Tensor([-1000, 0, 1000] as [Float])).floats, [0, 0, 1])
        // A long row of equal huge logits (SIMD max path): uniform.
        assertClose(softmax(Tensor([Float](repeating: 3e38, count: 20))).doubles, [Double](repeating: 0.05, count: 20), 1e-7)
    }

    func testLogSoftmaxOfLargeLogits() {
        // scipy.special.log_softmax([1000, 1001, 1002])
        assertClose(logSoftmax(Tensor([1000, 1001, 1002] as [Double])).doubles,
                    [-2.4076059644443806, -1.4076059644443804, -0.4076059644443804], 1e-13)
        XCTAssertEqual(logSoftmax(Tensor([-1000, 0, 1000] as [Float])).floats, [-2000, -1000, 0])
    }

    func testSoftmaxAlongAxisZeroAndAMiddleAxis() {
        let x = Tensor([1, 2, 0.5, 3, -1, 2] as [Double], shape: [2, 3])
        // scipy.special.softmax(x, axis=0) and log_softmax(x, axis=0)
        assertClose(softmax(x, axis: 0).doubles, [0.11920292202211755, 0.9525741268224334, 0.18242552380635632,
                                                  0.8807970779778823, 0.04742587317756679, 0.8175744761936437])
        assertClose(logSoftmax(x, axis: 0).doubles, [-2.1269280110429727, -0.04858735157374196, -1.7014132779827524,
                                                     -0.1269280110429726, -3.048587351573742, -0.20141327798275246])
        // x3 = arange(24).reshape(2, 3, 4) / 4: along axis 1 every column is (0, 1, 2) + const.
        let x3 = Tensor((0..<24).map { Double($0) * 0.25 }, shape: [2, 3, 4])
        let s = softmax(x3, axis: 1).doubles
        for (i, v) in s.enumerated() {
            let expected = [0.09003057317038046, 0.24472847105479764, 0.6652409557748218][(i / 4) % 3]
            XCTAssertEqual(v, expected, accuracy: 1e-15)
        }
    }

    func testSoftmaxRowsSumToOneOnLargeTensors() {
        var g = RandomGenerator(seed: 3)
        let x = Tensor.normal([64, 500], std: 10, using: &g)
        for axis in [0, 1] {
            let sums = softmax(x, axis: axis).sum(axis: axis).floats
            for v in sums { XCTAssertEqual(v, 1, accuracy: 1e-5) }
        }
    }

    func testLogsumexpIsStable() {
        XCTAssertEqual(Tensor([1000, 1000] as [Double]).logsumexp().scalar, 1000 + log(2.0), accuracy: 1e-12)
        XCTAssertEqual(Tensor([1000, 1000] as [Float]).logsumexp().scalar, 1000 + log(2.0), accuracy: 1e-4)
        XCTAssertEqual(Tensor([-1000, -1000] as [Double]).logsumexp().scalar, -1000 + log(2.0), accuracy: 1e-12)
        XCTAssertEqual(Tensor([-Double.infinity, -.infinity]).logsumexp().scalar, -.infinity)
        XCTAssertEqual(Tensor([1, Double.infinity]).logsumexp().scalar, .infinity)
        // scipy.special.logsumexp(arange(24).reshape(2, 3, 4) / 4, axis=(0, 2))
        let x3 = Tensor((0..<24).map { Double($0) * 0.25 }, shape: [2, 3, 4])
        assertClose(x3.logsumexp(axes: [0, 2]).doubles, [4.848603755632692, 5.848603755632692, 6.848603755632692])
        XCTAssertEqual(x3.logsumexp(axes: [0, 2], keepDims: true).shape, [1, 3, 1])
    }

    // MARK: variance, std, norm, l2Normalize

    func testVarianceAndStd() {
        let x = Tensor([2, 4, 4, 4, 5, 5, 7, 9] as [Double])
        // np.var(x, ddof=1) = 32/7, np.var(x) = 4
        XCTAssertEqual(x.variance().scalar, 32.0 / 7, accuracy: 1e-14)
        XCTAssertEqual(x.variance(unbiased: false).scalar, 4, accuracy: 1e-14)
        XCTAssertEqual(x.std(unbiased: false).scalar, 2, accuracy: 1e-14)
        let m = Tensor([1, 2, 3, 4, 6, 8] as [Double], shape: [2, 3])
        XCTAssertEqual(m.variance(axis: 1).doubles, [1, 4])
        XCTAssertEqual(m.std(axis: 0, unbiased: false).doubles, [1.5, 2, 2.5])
        XCTAssertEqual(m.variance(axis: 0, keepDims: true).shape, [1, 3])
    }

    func testNormAndL2Normalize() {
        let x = Tensor([3, 4, 0, 0, 1e-7, 0] as [Double], shape: [3, 2])
        XCTAssertEqual(x.norm(axis: 1).doubles[0], 5)
        XCTAssertEqual(Tensor([1, 2, 2, 4] as [Float], shape: [2, 2]).norm().scalar, 5)
        // tf.nn.l2_normalize: x · rsqrt(max(Σx², 1e-12)); the third row has Σx² = 1e-14 < ε, so it is scaled by 10⁶.
        assertClose(l2Normalize(x).doubles, [0.6, 0.8, 0, 0, 0.1, 0], 1e-15)
        // Along axis 0 the columns are (3, 0, 1e-7) with norm ≈ 3 and (4, 0, 0) with norm 4.
        assertClose(l2Normalize(x, axis: 0).doubles, [1, 1, 0, 0, 1e-7 / 3, 0], 1e-15)
    }

    // MARK: median, mode, neighbour cosine similarity

    func testMedianIsTheLowerMedianAsInTorch() {
        XCTAssertEqual(Tensor([4, 1, 3, 2] as [Float]).median(axis: 0).scalar, 2)      // NumPy would give 2.5
        XCTAssertEqual(Tensor([3, 1, 2, 2] as [Float]).median(axis: 0).scalar, 2)
        XCTAssertEqual(Tensor([5, 3, 9] as [Double]).median(axis: 0).scalar, 5)
        let m = Tensor([5, 1, 2, 7, 3, 3, 0, 9, 4] as [Float], shape: [3, 3])
        XCTAssertEqual(m.median(axis: 1).floats, [2, 3, 4])
        XCTAssertEqual(m.median(axis: 0, keepDims: true).floats, [5, 3, 3])   // columns (5 7 0), (1 3 9), (2 3 4)
        XCTAssertEqual(m.median(axis: 0, keepDims: true).shape, [1, 3])
        XCTAssertTrue(Tensor([1, .nan, 2] as [Float]).median(axis: 0).scalar.isNaN)
        // 40 values from numpy.random.default_rng(7).integers(0, 100, 40);
        // np.sort(v)[19] = 57 (np.median would give 57.5). Long enough for quickselect.
        let v: [Int32] = [94, 62, 68, 89, 57, 77, 83, 22, 5, 30, 28, 87, 91, 0, 49, 82, 13, 79, 11, 46,
                          81, 30, 34, 27, 71, 25, 99, 44, 47, 50, 58, 55, 50, 99, 80, 79, 70, 62, 34, 98]
        XCTAssertEqual(Tensor(v).median(axis: 0).scalar, 57)
        XCTAssertEqual(Tensor(v.map(Float.init)).median(axis: 0).scalar, 57)
        XCTAssertEqual(Tensor(v.map(Float.init), shape: [40, 1]).median(axis: 0).scalar, 57)
        // Sorted and reverse-sorted inputs (quickselect's worst cases without a good pivot).
        XCTAssertEqual(Tensor((0..<101).map(Double.init)).median(axis: 0).scalar, 50)
        XCTAssertEqual(Tensor((0..<100).reversed().map(Double.init)).median(axis: 0).scalar, 49)
        XCTAssertEqual(Tensor([Double](repeating: 7, count: 50)).median(axis: 0).scalar, 7)
    }

    func testModeIsTheSmallestOfTheMostFrequentValues() {
        XCTAssertEqual(Tensor([1, 2, 2, 3, 3] as [Float]).mode(axis: 0).scalar, 2)
        XCTAssertEqual(Tensor([7, 7, 1, 1, 5] as [Double]).mode(axis: 0).scalar, 1)
        XCTAssertEqual(Tensor([4, 9, 6] as [Float]).mode(axis: 0).scalar, 4)
        XCTAssertEqual(Tensor([3, 200, 200, 3, 3] as [UInt8]).mode(axis: 0).scalars(as: UInt8.self), [3])
        let m = Tensor([1, 5, 1, 5, 2, 5] as [Float], shape: [3, 2])
        XCTAssertEqual(m.mode(axis: 0).floats, [1, 5])
        XCTAssertEqual(Tensor([.nan, 4, .nan, 4, 2] as [Float]).mode(axis: 0).scalar, 4)
        // The 40 values above: np.unique gives count 2 for 30, 34, 50, 62, 79, 99, 1 for the rest.
        let v: [Int32] = [94, 62, 68, 89, 57, 77, 83, 22, 5, 30, 28, 87, 91, 0, 49, 82, 13, 79, 11, 46,
                          81, 30, 34, 27, 71, 25, 99, 44, 47, 50, 58, 55, 50, 99, 80, 79, 70, 62, 34, 98]
        XCTAssertEqual(Tensor(v).mode(axis: 0).scalars(as: Int32.self), [30])
    }

    // MARK: conv1d

    func testConv1dAgainstAHandWorkedExample() {
        // x [1, 5, 2]: channel 0 = 1 2 3 4 5, channel 1 = 1 0 1 0 1.
        let x = Tensor([1, 1, 2, 0, 3, 1, 4, 0, 5, 1] as [Double], shape: [1, 5, 2])
        // out 0 = x0[t] − x0[t + 2·dilation]; out 1 = sum of channel 1 over the three taps.
        var w = Tensor.zeros([2, 2, 3], dtype: .float64)
        w[0, 0, 0] = 1; w[0, 0, 2] = -1
        w[1, 1, 0] = 1; w[1, 1, 1] = 1; w[1, 1, 2] = 1
        let bias = Tensor([10, 20] as [Double])
        // Tout = 3: out 0 = 1−3, 2−4, 3−5 = −2; out 1 = 1+0+1, 0+1+0, 1+0+1 = 2, 1, 2; plus bias.
        let y = conv1d(x, weight: w, bias: bias)
        XCTAssertEqual(y.shape, [1, 3, 2])
        XCTAssertEqual(y.doubles, [8, 22, 8, 21, 8, 22])
        // Stride 2, padding 1, dilation 2: Tout = (5 + 2 − 4 − 1)/2 + 1 = 2; taps at steps
        // (−1, 1, 3) and (1, 3, 5), steps −1 and 5 are padding: out 0 = 0 − 4, 2 − 0; out 1 = 0, 0.
        let z = conv1d(x, weight: w, bias: bias, stride: 2, padding: 1, dilation: 2)
        XCTAssertEqual(z.shape, [1, 2, 2])
        XCTAssertEqual(z.doubles, [6, 20, 12, 20])
        // Same values in float32, and both checked with an explicit NumPy loop over np.pad(x).
        XCTAssertEqual(conv1d(x.converted(to: .float32), weight: w.converted(to: .float32), bias: bias.converted(to: .float32),
                              stride: 2, padding: 1, dilation: 2).floats, [6, 20, 12, 20])
    }

    func testIm2colLayoutMatchesTheWeightFlattening() {
        // x [1, 3, 2] = steps (a0 a1), (b0 b1), (c0 c1) with values 1…6; width 2, padding 1.
        let x = Tensor([1, 2, 3, 4, 5, 6] as [Float], shape: [1, 3, 2])
        let cols = im2col(x, width: 2, padding: 1)
        // Tout = 4; row t holds [x(t−1, c=0), x(t, c=0), x(t−1, c=1), x(t, c=1)] (index c·width + k).
        XCTAssertEqual(cols.shape, [4, 4])
        XCTAssertEqual(cols.floats, [0, 1, 0, 2,
                                     1, 3, 2, 4,
                                     3, 5, 4, 6,
                                     5, 0, 6, 0])
    }
}

import XCTest
import Tensor
@testable import NN

/// Layers over time: sequence masks and masked pooling, Conv1d, linear
/// combinations of frames, order-statistics pooling.
final class TemporalLayerTests: XCTestCase {
    var rng = RandomGenerator(seed: 41)

    // MARK: SequenceMask and masked pooling

    func testSequenceMaskFromLengthsAndFromATensor() {
        let m = SequenceMask(lengths: [3, 1, 0], time: 3)
        XCTAssertEqual(m.valid.scalars(as: UInt8.self), [1, 1, 1, 1, 0, 0, 0, 0, 0])
        XCTAssertEqual(m.counts, [3, 1, 0])
        XCTAssertTrue(m.hasEmptySequences)
        XCTAssertFalse(m.isFull)
        assertValues(m.meanWeights(dtype: .float64), [1.0 / 3, 1.0 / 3, 1.0 / 3, 1, 0, 0, 0, 0, 0], tolerance: 1e-15)
        assertValues(m.additiveBias(dtype: .float64), [0, 0, 0, 0, -1e9, -1e9, -1e9, -1e9, -1e9])
        let fromTensor = SequenceMask(Tensor([1, 1, 0, 0, 1, 1] as [UInt8], shape: [2, 3]))
        XCTAssertEqual(fromTensor.counts, [2, 2])
        XCTAssertNil(fromTensor.lengths)                              // video 1's real frames do not come first
        XCTAssertEqual(SequenceMask(Tensor([1, 0, 7, 7] as [UInt8], shape: [2, 2])).lengths, [1, 2])
        XCTAssertTrue(SequenceMask(lengths: [2, 2], time: 2).isFull)
    }

    func testMaskedMeanAndMaxOverRealFramesWorkedByHand() {
        // x[b, t, f] = 10·b + 3·t + f − 4 (b < 2, t < 3, f < 2); lengths [2, 1].
        let values: [Double] = (0..<12).map { (i: Int) -> Double in
            let b = i / 6, t = (i / 2) % 3, f = i % 2
            return Double(10 * b + 3 * t + f - 4)
        }
        let x = Tensor(values, shape: [2, 3, 2])
        let mask = SequenceMask(lengths: [2, 1], time: 3)
        // video 0: frames (−4, −3), (−1, 0) → mean (−2.5, −1.5), max (−1, 0); video 1: frame (6, 7).
        assertValues(maskedMean(x, mask: mask), [-2.5, -1.5, 6, 7])
        assertValues(maskedMax(x, mask: mask), [-1, 0, 6, 7])
        assertValues(maskedMean(x, mask: nil), [-1, 0, 9, 10])
        assertValues(maskedMax(x, mask: nil), [2, 3, 12, 13])
        let empty = SequenceMask(lengths: [0, 3], time: 3)
        assertValues(maskedMean(x, mask: empty), [0, 0, 9, 10])
        assertValues(maskedMax(x, mask: empty), [0, 0, 12, 13])
        // Extra feature axes are kept: [B, T, 2, 1] → [B, 2, 1].
        XCTAssertEqual(maskedMean(x.reshaped(to: [2, 3, 2, 1]), mask: mask).shape, [2, 2, 1])
        assertValues(maskedMax(x.reshaped(to: [2, 3, 2, 1]), mask: mask), [-1, 0, 6, 7])
    }

    func testMaskedPoolingGradients() {
        let mask = SequenceMask(lengths: [4, 2, 0], time: 4)
        let mean = TemporalMeanPooling(), maxPool = TemporalMaxPooling()
        checkSequenceLayerGradients(mean, input: doubleInput([3, 4, 5], seed: 100)) { mean($0, mask: mask) }
        checkSequenceLayerGradients(maxPool, input: doubleInput([3, 4, 5], seed: 101)) { maxPool($0, mask: mask) }
        checkLayerGradients(mean, input: doubleInput([2, 3, 2], seed: 102))
        checkLayerGradients(maxPool, input: doubleInput([2, 3, 2], seed: 103))
        // Padding frames get exactly zero gradient.
        let x = doubleInput([3, 4, 5], seed: 104)
        for pool in [{ maskedMean($0, mask: mask) }, { maskedMax($0, mask: mask) }] as [(Tensor) -> Tensor] {
            let g = gradient(of: { pool($0).sum() }, wrt: x)
            XCTAssertEqual(g.sliced([1..<2, 2..<4]).doubles, [Double](repeating: 0, count: 10))
            XCTAssertEqual(g.sliced([2..<3]).doubles, [Double](repeating: 0, count: 20))
        }
    }

    // MARK: Conv1d

    func testConv1dMatchesNumpyOnZeroedPadding() {
        // numpy: x̃ = x·valid zero-padded by 1 on each side of time; y[b, t, o] = Σ_{c,k} W[o, c, k]·x̃[b, t+k, c] + bias[o];
        // x = sinePattern([2, 4, 3], 4.0), W = sinePattern([2, 3, 3], 4.1, 0.5), bias = sinePattern([2], 4.2, 0.1), lengths [4, 2].
        let expected = [0.814758308423, -0.745994002656, 1.41652202892, -1.48216843018, 0.406770028015, -0.802218934257,
                        -0.729011595754, 0.320863702164, -0.757262168541, 0.610325967194, -0.613316514172, 0.510856995125,
                        0.158729596428, -0.254764481073, -0.0871575772414, -0.0989879805074]
        let conv = Conv1d(3, 2, kernelSize: 3, padding: 1, dtype: .float64, rng: &rng)
        setParameter(conv.weight, sinePattern([2, 3, 3], phase: 4.1, scale: 0.5))
        setParameter(conv.bias, sinePattern([2], phase: 4.2, scale: 0.1))
        let x = sinePattern([2, 4, 3], phase: 4.0), mask = SequenceMask(lengths: [4, 2], time: 4)
        let y = conv(x, mask: mask)
        assertValues(y, expected)
        assertValues(conv(withGarbagePadding(x, mask, seed: 110), mask: mask), y.doubles, tolerance: 1e-12)
        XCTAssertEqual(conv.namedParameters().map(\.name), ["weight", "bias"])
        XCTAssertEqual(conv.weight.shape, [2, 3, 3])
        XCTAssertEqual(conv.outputMask(mask).lengths, [4, 2])
    }

    func testConv1dGradientsAndOutputLengths() {
        let conv = Conv1d(3, 4, kernelSize: 3, stride: 2, padding: 1, dilation: 2, dtype: .float64, rng: &rng)
        let mask = SequenceMask(lengths: [7, 4], time: 7)
        checkLayerGradients(conv, input: doubleInput([2, 7, 3], seed: 111))
        checkSequenceLayerGradients(conv, input: doubleInput([2, 7, 3], seed: 112)) { conv($0, mask: mask) }
        // ⌊(n + 2 − 4 − 1)/2⌋ + 1: 7 → 3, 4 → 1, 2 → 0 (shorter than the dilated kernel).
        XCTAssertEqual(conv(doubleInput([2, 7, 3], seed: 113)).shape, [2, 3, 4])
        XCTAssertEqual(conv.outputMask(SequenceMask(lengths: [7, 4, 2], time: 7)).lengths, [3, 1, 0])
        let pointwise = Conv1d(3, 2, kernelSize: 1, bias: false, dtype: .float64, rng: &rng)
        checkLayerGradients(pointwise, input: doubleInput([2, 3, 3], seed: 114))
    }

    // MARK: LinearCombinationsOfFrames

    func testLinearCombinationsOfFramesMatchesNumpy() {
        // numpy: x̃ = x·valid zero-padded to 5 frames; y = einsum("ht,btf->bhf", W, x̃) + c[None, :, None];
        // x = sinePattern([2, 4, 3], 4.0), W = sinePattern([2, 5], 4.3, 0.5), c = sinePattern([2], 4.4, 0.1), lengths [4, 2].
        let expected = [0.410212348655, 0.17416034666, -0.0983429288849, 0.183024447055, 0.373871379719, 0.500604498712,
                        -0.414420294291, -0.121971926912, 0.174105280925, -0.169802489166, -0.193875656347, -0.205220739291]
        let layer = LinearCombinationsOfFrames(frames: 5, heads: 2, dtype: .float64, rng: &rng)
        setParameter(layer.combination.weight, sinePattern([2, 5], phase: 4.3, scale: 0.5))
        setParameter(layer.combination.bias, sinePattern([2], phase: 4.4, scale: 0.1))
        let x = sinePattern([2, 4, 3], phase: 4.0), mask = SequenceMask(lengths: [4, 2], time: 4)
        let y = layer(x, mask: mask)
        XCTAssertEqual(y.shape, [2, 2, 3])
        assertValues(y, expected)
        assertValues(layer(withGarbagePadding(x, mask, seed: 120), mask: mask), y.doubles, tolerance: 1e-12)
        // Longer inputs are cut to the first 5 frames.
        let long = doubleInput([2, 8, 3], seed: 121)
        assertValues(layer(long), layer(long.sliced(axis: 1, range: 0..<5)).doubles, tolerance: 1e-12)
        XCTAssertEqual(LinearCombinationsOfFrames(rng: &rng).combination.weight.shape, [3, 303])
    }

    func testLinearCombinationsOfFramesGradients() {
        let layer = LinearCombinationsOfFrames(frames: 5, heads: 3, dtype: .float64, rng: &rng)
        checkLayerGradients(layer, input: doubleInput([2, 5, 2], seed: 122))
        checkLayerGradients(layer, input: doubleInput([2, 7, 2], seed: 123))
        checkSequenceLayerGradients(layer, input: doubleInput([2, 4, 2], seed: 124)) {
            layer($0, mask: SequenceMask(lengths: [3, 0], time: 4))
        }
    }

    // MARK: OrderStatisticsPooling

    func testOrderStatisticsPoolingMatchesNumpy() {
        // numpy: s[b, :n] = −np.sort(−x[b, :n], axis=0) (descending per class), 0 after, 5 ranks;
        // h = leaky_relu(einsum("rt,btc->brc", W1, s) + b1, 0.01); y = einsum("or,brc->boc", W2, h) + b2;
        // x = sinePattern([2, 4, 3], 4.0), W1 = sinePattern([3, 5], 4.5, 0.5), b1 = (…, 4.6, 0.1),
        // W2 = sinePattern([1, 3], 4.7, 0.5), b2 = (…, 4.8, 0.1), lengths [4, 2].
        let sorted = [0.86583391113, 0.988168233877, 0.976758621876, -0.0631432722466, 0.302023619027, 0.626313030322,
                      -0.756802495308, -0.719571672821, -0.41976401784, -0.921988677548, -0.941955281908, -0.999618840014,
                      0, 0, 0, 0.833149312585, 0.576777152317, 0.242340910266, -0.124895037117, -0.475227027135,
                      -0.761239268421, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let expected = [-0.184842790168, -0.19884956684, -0.26674202979, -0.195454981819, -0.102191128287, -0.17653491986]
        let layer = OrderStatisticsPooling(frames: 5, hiddenSize: 3, dropout: 0, dtype: .float64, rng: &rng)
        setParameter(layer.hidden?.weight, sinePattern([3, 5], phase: 4.5, scale: 0.5))
        setParameter(layer.hidden?.bias, sinePattern([3], phase: 4.6, scale: 0.1))
        setParameter(layer.output.weight, sinePattern([1, 3], phase: 4.7, scale: 0.5))
        setParameter(layer.output.bias, sinePattern([1], phase: 4.8, scale: 0.1))
        let x = sinePattern([2, 4, 3], phase: 4.0), mask = SequenceMask(lengths: [4, 2], time: 4)
        assertValues(layer.sortedScores(x, mask: mask), sorted)
        let y = layer(x, mask: mask)
        assertValues(y, expected)
        assertValues(layer(withGarbagePadding(x, mask, seed: 130), mask: mask), y.doubles, tolerance: 1e-12)
        XCTAssertEqual(layer.namedParameters().map(\.name), ["hidden.weight", "hidden.bias", "output.weight", "output.bias"])
    }

    func testOrderStatisticsPoolingKeepsTheLargestScoresOfLongVideos() {
        let layer = OrderStatisticsPooling(frames: 3, hiddenSize: nil, dropout: 0, dtype: .float64, rng: &rng)
        // Class 0 over 5 frames: 0.5, 3, −1, 2, 7 → the 3 largest, best first: 7, 3, 2; frame 4 is padding.
        let x = Tensor([0.5, 3, -1, 2, 7], shape: [1, 5, 1])
        assertValues(layer.sortedScores(x, mask: nil), [7, 3, 2])
        assertValues(layer.sortedScores(x, mask: SequenceMask(lengths: [4], time: 5)), [3, 2, 0.5])
        assertValues(layer.sortedScores(x, mask: SequenceMask(lengths: [2], time: 5)), [3, 0.5, 0])
        // Without a hidden layer: y = w·s + b.
        let w = layer.output.weight.value.doubles, b = layer.output.bias!.value.doubles[0]
        assertValues(layer(x), [7 * w[0] + 3 * w[1] + 2 * w[2] + b], tolerance: 1e-12)
    }

    func testOrderStatisticsPoolingGradients() {
        let layer = OrderStatisticsPooling(frames: 5, hiddenSize: 4, dropout: 0, dtype: .float64, rng: &rng)
        checkLayerGradients(layer, input: doubleInput([2, 5, 3], seed: 131))
        checkLayerGradients(layer, input: doubleInput([2, 7, 3], seed: 132))          // top-5 of 7
        checkSequenceLayerGradients(layer, input: doubleInput([3, 4, 3], seed: 133)) {
            layer($0, mask: SequenceMask(lengths: [4, 2, 0], time: 4))
        }
        let linear = OrderStatisticsPooling(frames: 4, hiddenSize: nil, dtype: .float64, rng: &rng)
        checkSequenceLayerGradients(linear, input: doubleInput([2, 4, 3], seed: 134)) {
            linear($0, mask: SequenceMask(lengths: [3, 1], time: 4))
        }
    }
}

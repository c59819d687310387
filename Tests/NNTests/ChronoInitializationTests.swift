import Foundation
import XCTest
import Tensor
@testable import NN

/// Chrono initialisation (Tallec & Ollivier 2018): the gate that keeps the
/// state starts at σ(log u) = u/(1 + u), u ~ U(1, T_max − 1), a memory of
/// 1/(1 − gate) = 1 + u steps; checked on the biases and on the states a
/// network with zero weights computes, against the closed form of an
/// exponential moving average.
final class ChronoInitializationTests: XCTestCase {
    func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    func testLSTMForgetBiasesSpreadOverTheTimescalesAndTheInputGateIsTheirNegation() {
        var rng = RandomGenerator(seed: 3)
        let lstm = LSTM(inputSize: 3, hiddenSize: 120, layers: 2, bidirectional: true, dtype: .float64, rng: &rng)
        let before = lstm.weights.joined().map { ($0.biasIH!.value.doubles, $0.biasHH!.value.doubles) }
        lstm.initializeChrono(maxTimescale: 100, rng: &rng)
        let h = 120
        for (w, (oldIH, oldHH)) in zip(lstm.weights.joined(), before) {
            let ih = w.biasIH!.value.doubles, hh = w.biasHH!.value.doubles
            let memory = (0..<h).map { 1 / (1 - sigmoid(ih[h + $0])) }      // 1 + u
            XCTAssertTrue(memory.allSatisfy { $0 >= 2 - 1e-9 && $0 <= 100 + 1e-9 }, "memories \(memory.min()!)…\(memory.max()!)")
            XCTAssertLessThan(memory.min()!, 12, "some units forget fast")
            XCTAssertGreaterThan(memory.max()!, 90, "some units remember about T_max steps")
            for j in 0..<h {
                XCTAssertEqual(ih[j], -ih[h + j], "input gate bias is the negated forget bias")
                XCTAssertEqual(hh[j], 0)
                XCTAssertEqual(hh[h + j], 0)
            }
            XCTAssertEqual(Array(ih[(2 * h)...]), Array(oldIH[(2 * h)...]), "cell and output gates untouched")
            XCTAssertEqual(Array(hh[(2 * h)...]), Array(oldHH[(2 * h)...]))
        }
    }

    /// With zero weights every step sees the same gates, and since chrono makes
    /// i = 1 − f the cell is a moving average of g: c_T = g·(1 − f^T). The
    /// constant forget bias counts in f's total, so it must not break i = 1 − f.
    func testAChronoLSTMCellIsAMovingAverageWithItsForgetGate() {
        var rng = RandomGenerator(seed: 5)
        let lstm = LSTM(inputSize: 2, hiddenSize: 6, forgetBias: 1, inputInit: .zeros, recurrentInit: .zeros,
                        dtype: .float64, rng: &rng)
        lstm.initializeChrono(maxTimescale: 40, rng: &rng)
        let steps = 7
        let cell = lstm(Tensor.normal([1, steps, 2], std: 1, dtype: .float64, using: &rng), lengths: nil).cell!.doubles
        let ih = lstm.weights[0][0].biasIH!.value.doubles, hh = lstm.weights[0][0].biasHH!.value.doubles
        for j in 0..<6 {
            let f = sigmoid(ih[6 + j] + 1), g = tanh(ih[12 + j] + hh[12 + j])
            XCTAssertTrue((2...40).contains(1 / (1 - f)), "unit \(j): memory \(1 / (1 - f))")
            XCTAssertEqual(cell[j], g * (1 - pow(f, Double(steps))), accuracy: 1e-12, "unit \(j)")
        }
    }

    /// The GRU's update gate z keeps h: with zero weights h_T = n·(1 − z^T).
    func testAChronoGRUStateIsAMovingAverageWithItsUpdateGate() {
        var rng = RandomGenerator(seed: 8)
        let gru = GRU(inputSize: 2, hiddenSize: 5, layers: 2, inputInit: .zeros, recurrentInit: .zeros, dtype: .float64, rng: &rng)
        let before = gru.weights.joined().map { $0.biasIH!.value.doubles }
        gru.initializeChrono(maxTimescale: 30, rng: &rng)
        for (w, old) in zip(gru.weights.joined(), before) {
            let ih = w.biasIH!.value.doubles
            XCTAssertEqual(Array(ih[0..<5]), Array(old[0..<5]), "reset gate untouched")
            XCTAssertEqual(Array(ih[10...]), Array(old[10...]), "candidate untouched")
            XCTAssertTrue((5..<10).allSatisfy { (2...30).contains(1 / (1 - sigmoid(ih[$0]))) })
        }
        let steps = 9
        let hidden = gru(Tensor.normal([1, steps, 2], std: 1, dtype: .float64, using: &rng), lengths: nil).hidden.doubles
        // Layer 0 reads the input through zero weights, so its gates are its biases.
        let ih = gru.weights[0][0].biasIH!.value.doubles, hh = gru.weights[0][0].biasHH!.value.doubles
        for j in 0..<5 {
            let r = sigmoid(ih[j] + hh[j]), z = sigmoid(ih[5 + j] + hh[5 + j])
            let n = tanh(ih[10 + j] + r * hh[10 + j])
            XCTAssertEqual(hidden[j], n * (1 - pow(z, Double(steps))), accuracy: 1e-12, "unit \(j)")
        }
    }

    /// The QRNN's F is the share of the new value: with zero weights
    /// c_T = z·(1 − (1 − f)^T), 1/f = 1 + u, and the output gate untouched.
    func testAChronoQRNNMemoryIsAMovingAverageWithOneMinusItsForgetGate() {
        var rng = RandomGenerator(seed: 11)
        let qrnn = QRNN(inputSize: 3, hiddenSize: 4, layers: 2, window: 2, dtype: .float64, rng: &rng)
        let before = qrnn.layers.map { $0.linear.bias!.value.doubles }
        qrnn.initializeChrono(maxTimescale: 25, rng: &rng)
        for (layer, old) in zip(qrnn.layers, before) {
            let b = layer.linear.bias!.value.doubles
            XCTAssertEqual(Array(b[0..<4]), Array(old[0..<4]), "Z untouched")
            XCTAssertEqual(Array(b[8...]), Array(old[8...]), "O untouched")
            XCTAssertTrue((4..<8).allSatisfy { (2...25).contains(1 / sigmoid(b[$0])) })
        }
        let first = qrnn.layers[0]
        first.linear.weight.assign(Tensor.zeros(first.linear.weight.shape, dtype: .float64))
        let steps = 6
        let (_, cell) = first(Tensor.normal([1, steps, 3], std: 1, dtype: .float64, using: &rng))
        let b = first.linear.bias!.value.doubles
        for j in 0..<4 {
            let z = tanh(b[j]), f = sigmoid(b[4 + j])
            XCTAssertEqual(cell.doubles[j], z * (1 - pow(1 - f, Double(steps))), accuracy: 1e-12, "unit \(j)")
        }
    }
}

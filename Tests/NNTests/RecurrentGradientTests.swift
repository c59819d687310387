import Foundation
import XCTest
import Tensor
@testable import NN

/// A recurrent network seen as one Layer whose output is everything it
/// returns (outputs, last hidden states, last cell states) flattened, so
/// `checkLayerGradients` covers every path and every parameter.
final class RecurrentProbe: Module, Layer {
    let network: Module
    let run: (Tensor) -> RecurrentOutput

    init(_ network: Module, _ run: @escaping (Tensor) -> RecurrentOutput) {
        self.network = network
        self.run = run
    }

    func forward(_ x: Tensor) -> Tensor {
        let r = run(x)
        return Tensor.concat([r.output, r.hidden, r.cell].compactMap { $0?.reshaped(to: [-1]) })
    }
}

final class RecurrentGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 21)

    func testLSTMGradientsUnidirectional() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, dtype: .float64, rng: &rng)
        checkLayerGradients(RecurrentProbe(lstm) { lstm($0, lengths: nil) }, input: doubleInput([2, 4, 3], seed: 1))
    }

    func testLSTMGradientsBidirectionalWithForgetBias() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, bidirectional: true, forgetBias: 1, dtype: .float64, rng: &rng)
        checkLayerGradients(RecurrentProbe(lstm) { lstm($0, lengths: nil) }, input: doubleInput([2, 4, 3], seed: 2))
    }

    func testLSTMGradientsStackedBidirectionalWithLengths() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, layers: 2, bidirectional: true, dtype: .float64, rng: &rng)
        checkLayerGradients(RecurrentProbe(lstm) { lstm($0, lengths: [4, 1, 3]) }, input: doubleInput([3, 4, 3], seed: 3))
    }

    func testLSTMGradientsStackedWithoutBiasWithLengthsInEvaluation() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, layers: 2, bias: false, dropout: 0.3, dtype: .float64, rng: &rng)
        lstm.eval()
        checkLayerGradients(RecurrentProbe(lstm) { lstm($0, lengths: [2, 4]) }, input: doubleInput([2, 4, 3], seed: 4))
    }

    func testLSTMGradientsWrtInitialStates() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, bidirectional: true, dtype: .float64, rng: &rng)
        let x = doubleInput([2, 3, 3], seed: 5)
        let result = checkGradients(of: { args in
            let r = lstm(x, lengths: [3, 2], initialHidden: args[0], initialCell: args[1])
            return Tensor.concat([r.output.reshaped(to: [-1]), r.hidden.reshaped(to: [-1]), r.cell!.reshaped(to: [-1])])
        }, at: [doubleInput([2, 2, 2], seed: 6), doubleInput([2, 2, 2], seed: 7)])
        XCTAssertTrue(result.passed, "LSTM initial states: \(result)")
    }

    func testGRUGradientsUnidirectional() {
        let gru = GRU(inputSize: 3, hiddenSize: 2, dtype: .float64, rng: &rng)
        checkLayerGradients(RecurrentProbe(gru) { gru($0, lengths: nil) }, input: doubleInput([2, 4, 3], seed: 11))
    }

    func testGRUGradientsBidirectional() {
        let gru = GRU(inputSize: 3, hiddenSize: 2, bidirectional: true, dtype: .float64, rng: &rng)
        checkLayerGradients(RecurrentProbe(gru) { gru($0, lengths: nil) }, input: doubleInput([2, 4, 3], seed: 12))
    }

    func testGRUGradientsStackedBidirectionalWithLengths() {
        let gru = GRU(inputSize: 3, hiddenSize: 2, layers: 2, bidirectional: true, dtype: .float64, rng: &rng)
        checkLayerGradients(RecurrentProbe(gru) { gru($0, lengths: [1, 4, 2]) }, input: doubleInput([3, 4, 3], seed: 13))
    }

    func testGRUGradientsWrtInitialState() {
        let gru = GRU(inputSize: 3, hiddenSize: 2, layers: 2, dtype: .float64, rng: &rng)
        let x = doubleInput([2, 3, 3], seed: 14)
        let result = checkGradients(of: { args in
            let r = gru(x, lengths: [1, 3], initialHidden: args[0])
            return Tensor.concat([r.output.reshaped(to: [-1]), r.hidden.reshaped(to: [-1])])
        }, at: [doubleInput([2, 2, 2], seed: 15)])
        XCTAssertTrue(result.passed, "GRU initial state: \(result)")
    }

    func testQRNNGradientsWindowOne() {
        let qrnn = QRNN(inputSize: 3, hiddenSize: 2, dtype: .float64, rng: &rng)
        checkLayerGradients(RecurrentProbe(qrnn) { qrnn($0, lengths: nil) }, input: doubleInput([2, 4, 3], seed: 21))
    }

    func testQRNNGradientsStackedWindowTwoWithLengthsAndZoneoutInEvaluation() {
        let qrnn = QRNN(inputSize: 3, hiddenSize: 2, layers: 2, window: 2, zoneout: 0.2, dropout: 0.3, dtype: .float64, rng: &rng)
        qrnn.eval()
        checkLayerGradients(RecurrentProbe(qrnn) { qrnn($0, lengths: [4, 2, 1]) }, input: doubleInput([3, 4, 3], seed: 22))
    }

    func testQRNNGradientsWindowThreeWithLengths() {
        let qrnn = QRNN(inputSize: 3, hiddenSize: 2, window: 3, dtype: .float64, rng: &rng)
        checkLayerGradients(RecurrentProbe(qrnn) { qrnn($0, lengths: [5, 2]) }, input: doubleInput([2, 5, 3], seed: 26))
    }

    func testQRNNWindowThreeReadsTheTwoPreviousFrames() {
        // Width 3 over one feature: the gate input at t is [x_t, x_{t−1}, x_{t−2}] (zeros before the start).
        let layer = QRNNLayer(inputSize: 1, hiddenSize: 1, window: 3, outputGate: false, dtype: .float64, rng: &rng)
        // Z = tanh(x_t + 10·x_{t−1} + 100·x_{t−2}); F = σ(big) ≈ 1, so c_t ≈ z_t.
        layer.linear.weight.value = Tensor([1, 10, 100, 0, 0, 0] as [Double], shape: [2, 3]).requiringGrad()
        layer.linear.bias!.value = Tensor([0, 40] as [Double]).requiringGrad()
        let x = Tensor([0.001, 0.002, 0.003] as [Double], shape: [1, 3, 1])
        let c = layer(x).output.doubles
        XCTAssertEqual(c[0], Foundation.tanh(0.001), accuracy: 1e-12)
        XCTAssertEqual(c[1], Foundation.tanh(0.002 + 0.01), accuracy: 1e-12)
        XCTAssertEqual(c[2], Foundation.tanh(0.003 + 0.02 + 0.1), accuracy: 1e-12)
    }

    func testQRNNGradientsWithoutOutputGateAndInitialCell() {
        let qrnn = QRNN(inputSize: 3, hiddenSize: 2, window: 2, outputGate: false, dtype: .float64, rng: &rng)
        let c0 = doubleInput([1, 2, 2], seed: 23)
        checkLayerGradients(RecurrentProbe(qrnn) { qrnn($0, lengths: [3, 4], initialCell: c0) }, input: doubleInput([2, 4, 3], seed: 24))
        let x = doubleInput([2, 4, 3], seed: 25)
        let result = checkGradients(of: { qrnn(x, lengths: [3, 4], initialCell: $0[0]).hidden }, at: [c0])
        XCTAssertTrue(result.passed, "QRNN initial cell: \(result)")
    }
}

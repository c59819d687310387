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

    func testQRNNGradientsWithoutOutputGateAndInitialCell() {
        let qrnn = QRNN(inputSize: 3, hiddenSize: 2, window: 2, outputGate: false, dtype: .float64, rng: &rng)
        let c0 = doubleInput([1, 2, 2], seed: 23)
        checkLayerGradients(RecurrentProbe(qrnn) { qrnn($0, lengths: [3, 4], initialCell: c0) }, input: doubleInput([2, 4, 3], seed: 24))
        let x = doubleInput([2, 4, 3], seed: 25)
        let result = checkGradients(of: { qrnn(x, lengths: [3, 4], initialCell: $0[0]).hidden }, at: [c0])
        XCTAssertTrue(result.passed, "QRNN initial cell: \(result)")
    }
}

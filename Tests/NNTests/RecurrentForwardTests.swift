import Foundation
import XCTest
import Tensor
@testable import NN

/// Deterministic parameter values shared with the numpy reference:
/// parameter number p (in `namedParameters()` order), element j ↦ 0.5·sin(1.3·j + 0.7·p + 0.1).
func referenceParameters(_ module: Module) {
    for (p, (_, parameter)) in module.namedParameters().enumerated() {
        let values = (0..<parameter.value.count).map { 0.5 * sin(1.3 * Double($0) + 0.7 * Double(p) + 0.1) }
        parameter.assign(Tensor(values, shape: parameter.shape))
    }
}

/// x[b, t, i] = cos(0.9·j + 0.3) with j the flat index.
func referenceInput(_ shape: [Int]) -> Tensor {
    Tensor((0..<shape.reduce(1, *)).map { cos(0.9 * Double($0) + 0.3) }, shape: shape)
}

final class RecurrentForwardTests: XCTestCase {
    var rng = RandomGenerator(seed: 31)

    // The expected values below were produced once by an independent numpy
    // program (float64) that writes the PyTorch LSTM/GRU and pytorch-qrnn
    // formulas step by step and runs each sequence alone over its own
    // length (no padding, backward direction over the reversed slice),
    // zero-filling outputs past the length. Configuration: x [2, 4, 3] and
    // parameters from referenceInput/referenceParameters, lengths [4, 2],
    // hidden 2, two layers; LSTM and GRU bidirectional (LSTM forget bias
    // 0.5 added to the forget pre-activation), QRNN window 2 with zoneout
    // 0.25 in evaluation mode (F·0.75).

    func testLSTMMatchesNumpyReferenceBidirectionalTwoLayersWithLengths() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, layers: 2, bidirectional: true, forgetBias: 0.5, dtype: .float64, rng: &rng)
        referenceParameters(lstm)
        let r = lstm(referenceInput([2, 4, 3]).converted(to: .float64), lengths: [4, 2])
        XCTAssertEqual(r.output.shape, [2, 4, 4])
        XCTAssertEqual(r.hidden.shape, [4, 2, 2])
        assertClose(r.output, [0.150529005236, 0.111204681433, -0.071220852990, -0.423891529992, 0.178658338251, 0.151963597213, -0.045210513464, -0.376230831547, 0.161503367182, 0.180786185048, -0.012556238294, -0.289279879717, 0.133217434270, 0.198073905605, 0.004082768481, -0.160090615001, 0.124317261293, 0.124538628941, -0.010757606962, -0.288524559228, 0.133831056695, 0.170062344840, 0.001052989059, -0.166843467430, 0, 0, 0, 0, 0, 0, 0, 0], accuracy: 1e-11, "LSTM output")
        assertClose(r.hidden, [0.243691147598, 0.142454940173, 0.152536228936, 0.187634039253, -0.267143228387, -0.382596858204, -0.101379218719, -0.429012179300, 0.133217434270, 0.198073905605, 0.133831056695, 0.170062344840, -0.071220852990, -0.423891529992, -0.010757606962, -0.288524559228], accuracy: 1e-11, "LSTM h_n")
        assertClose(r.cell!, [0.591686170885, 0.399939727501, 0.506647129564, 0.438414998991, -0.480356219909, -0.785250305621, -0.224441336347, -0.603294025831, 0.245504529927, 0.836700137274, 0.241760576743, 0.690626403620, -0.200874063940, -0.703737101693, -0.030702105898, -0.454961959849], accuracy: 1e-11, "LSTM c_n")
    }

    func testGRUMatchesNumpyReferenceBidirectionalTwoLayersWithLengths() {
        let gru = GRU(inputSize: 3, hiddenSize: 2, layers: 2, bidirectional: true, dtype: .float64, rng: &rng)
        referenceParameters(gru)
        let r = gru(referenceInput([2, 4, 3]).converted(to: .float64), lengths: [4, 2])
        XCTAssertNil(r.cell)
        assertClose(r.output, [0.316429808077, 0.573841878501, -0.209653728443, -0.460708101121, 0.230416120669, 0.736303835594, -0.149829905766, -0.395011699353, 0.094851656799, 0.833528450045, -0.089636893147, -0.320979117773, 0.162405037298, 0.810566513764, -0.055486265918, -0.187940265687, 0.167421302760, 0.571509151087, -0.067307550645, -0.314677764804, 0.234869064083, 0.731167100933, -0.071811951238, -0.203092423960, 0, 0, 0, 0, 0, 0, 0, 0], accuracy: 1e-11, "GRU output")
        assertClose(r.hidden, [0.567422822207, 0.354971039338, 0.397565478677, 0.523216391790, -0.187861826418, -0.278296271752, -0.021484513755, -0.383472071793, 0.162405037298, 0.810566513764, 0.234869064083, 0.731167100933, -0.209653728443, -0.460708101121, -0.067307550645, -0.314677764804], accuracy: 1e-11, "GRU h_n")
    }

    func testQRNNMatchesNumpyReferenceWindowTwoZoneoutInEvaluation() {
        let qrnn = QRNN(inputSize: 3, hiddenSize: 2, layers: 2, window: 2, zoneout: 0.25, dtype: .float64, rng: &rng)
        referenceParameters(qrnn)
        qrnn.eval()
        let r = qrnn(referenceInput([2, 4, 3]).converted(to: .float64), lengths: [4, 2])
        assertClose(r.output, [0.072549826025, -0.021958997965, 0.106437474325, -0.069646693729, 0.144465744604, -0.081884365867, 0.167140202108, -0.081348123964, 0.073020923874, -0.028052416071, 0.112117403409, -0.041531099798, 0, 0, 0, 0], accuracy: 1e-11, "QRNN output")
        assertClose(r.hidden, [-0.442875759323, 0.100728360170, -0.077190034590, 0.162185883664, 0.277021764541, -0.141687710038, 0.188244939786, -0.074281636120], accuracy: 1e-11, "QRNN last valid c")
    }

    func testFloat32AgreesWithFloat64() {
        var r1 = RandomGenerator(seed: 5), r2 = RandomGenerator(seed: 5)
        let l32 = LSTM(inputSize: 5, hiddenSize: 8, bidirectional: true, rng: &r1)
        let l64 = LSTM(inputSize: 5, hiddenSize: 8, bidirectional: true, dtype: .float64, rng: &r2)
        let x = doubleInput([3, 6, 5], seed: 40)
        let a = l32(x.converted(to: .float32), lengths: [6, 3, 1]), b = l64(x, lengths: [6, 3, 1])
        assertClose(a.output, b.output.doubles, accuracy: 1e-5, "LSTM float32 vs float64")
        var r3 = RandomGenerator(seed: 6), r4 = RandomGenerator(seed: 6)
        let g32 = GRU(inputSize: 5, hiddenSize: 8, rng: &r3), g64 = GRU(inputSize: 5, hiddenSize: 8, dtype: .float64, rng: &r4)
        assertClose(g32(x.converted(to: .float32), lengths: nil).hidden, g64(x, lengths: nil).hidden.doubles, accuracy: 1e-5, "GRU float32 vs float64")
    }

    /// LSTM and GRU split large batches into one slice per thread for the
    /// whole sequence; values and gradients must not depend on that split.
    func testBatchSlicesPerThreadMatchOneThread() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        let lstm = LSTM(inputSize: 5, hiddenSize: 24, bidirectional: true, dtype: .float64, rng: &rng)
        let gru = GRU(inputSize: 5, hiddenSize: 24, bidirectional: true, dtype: .float64, rng: &rng)
        let x = doubleInput([4, 8, 5], seed: 45)
        func run(_ network: Module, _ body: (Tensor) -> RecurrentOutput) -> [Double] {
            let leaf = x.requiringGrad()
            network.zeroGrad()
            let r = body(leaf)
            (r.output.sum() + r.hidden.sum() + (r.cell?.sum() ?? Tensor(0, dtype: .float64))).backward()
            return r.output.doubles + r.hidden.doubles + leaf.grad!.doubles + network.parameters.flatMap { $0.grad!.doubles }
        }
        for (name, network, body) in [("LSTM", lstm as Module, { lstm($0, lengths: [8, 3, 5, 1]) }),
                                      ("GRU", gru as Module, { gru($0, lengths: [2, 8, 7, 4]) })] as [(String, Module, (Tensor) -> RecurrentOutput)] {
            Parallel.threads = 2
            let sliced = run(network, body)
            Parallel.threads = 1
            assertClose(Tensor(run(network, body)), sliced, accuracy: 1e-12, "\(name) one thread vs two slices")
        }
    }

    // MARK: Padding

    /// Sequence A (3 frames) alone, and padded to 6 frames with non-zero
    /// garbage in a batch after a full-length sequence B: A's outputs and
    /// last states must not change, its padded outputs must be zero, and its
    /// padded frames must get no gradient.
    func checkPaddingInvariance(_ run: (Tensor, [Int]?) -> RecurrentOutput, features: Int, name: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        let a = doubleInput([1, 3, features], seed: 50)
        let alone = run(a, nil)
        let padded = Tensor.concat([a, doubleInput([1, 3, features], seed: 51)], axis: 1)
        let batch = Tensor.concat([doubleInput([1, 6, features], seed: 52), padded], axis: 0).requiringGrad()
        let together = run(batch, [6, 3])
        let width = alone.output.shape[2]
        assertClose(together.output[1..<2, 0..<3], alone.output.doubles, accuracy: 1e-12, "\(name) outputs of the padded sequence", file: file, line: line)
        assertClose(together.output[1..<2, 3..<6], [Double](repeating: 0, count: 3 * width), accuracy: 0, "\(name) outputs at padded frames", file: file, line: line)
        assertClose(together.hidden[nil, 1..<2], alone.hidden.doubles, accuracy: 1e-12, "\(name) last valid hidden", file: file, line: line)
        if let cell = together.cell {
            assertClose(cell[nil, 1..<2], alone.cell!.doubles, accuracy: 1e-12, "\(name) last valid cell", file: file, line: line)
        }
        let loss = together.output.sum() + together.hidden.sum() + (together.cell?.sum() ?? Tensor(0, dtype: .float64))
        loss.backward()
        assertClose(batch.grad![1..<2, 3..<6], [Double](repeating: 0, count: 3 * features), accuracy: 0, "\(name) gradient at padded frames", file: file, line: line)
    }

    func testPaddingDoesNotChangeLSTMResults() {
        let lstm = LSTM(inputSize: 4, hiddenSize: 3, layers: 2, bidirectional: true, forgetBias: 1, dtype: .float64, rng: &rng)
        checkPaddingInvariance({ lstm($0, lengths: $1) }, features: 4, name: "bidirectional 2-layer LSTM")
        let uni = LSTM(inputSize: 4, hiddenSize: 3, dtype: .float64, rng: &rng)
        checkPaddingInvariance({ uni($0, lengths: $1) }, features: 4, name: "LSTM")
    }

    func testPaddingDoesNotChangeGRUResults() {
        let gru = GRU(inputSize: 4, hiddenSize: 3, layers: 2, bidirectional: true, dtype: .float64, rng: &rng)
        checkPaddingInvariance({ gru($0, lengths: $1) }, features: 4, name: "bidirectional 2-layer GRU")
    }

    func testPaddingDoesNotChangeQRNNResults() {
        let qrnn = QRNN(inputSize: 4, hiddenSize: 3, layers: 2, window: 2, dtype: .float64, rng: &rng)
        checkPaddingInvariance({ qrnn($0, lengths: $1) }, features: 4, name: "2-layer QRNN window 2")
    }

    func testBackwardDirectionStartsAtEachSequencesLastValidFrame() {
        // The reverse direction's output at frame 0 of a length-2 sequence
        // equals a reverse LSTM run over exactly those two frames reversed
        // by hand through the forward direction with the reverse weights.
        let bi = LSTM(inputSize: 2, hiddenSize: 3, bidirectional: true, dtype: .float64, rng: &rng)
        let fw = LSTM(inputSize: 2, hiddenSize: 3, dtype: .float64, rng: &rng)
        let w = bi.weights[0][1], v = fw.weights[0][0]
        v.weightIH.assign(w.weightIH.value); v.weightHH.assign(w.weightHH.value)
        v.biasIH!.assign(w.biasIH!.value); v.biasHH!.assign(w.biasHH!.value)
        let x = doubleInput([1, 5, 2], seed: 60)
        let r = bi(x, lengths: [2])
        let byHand = fw(x[nil, 0..<2].reversed(axis: 1), lengths: nil)
        assertClose(r.output[nil, 0..<1, 3..<6], byHand.output[nil, 1..<2].doubles, accuracy: 1e-12, "reverse output at frame 0")
        assertClose(r.output[nil, 1..<2, 3..<6], byHand.output[nil, 0..<1].doubles, accuracy: 1e-12, "reverse output at frame 1")
        assertClose(r.hidden[1..<2], byHand.hidden.doubles, accuracy: 1e-12, "reverse h_n")
    }

    func testLastValidFrameGathersEachSequencesLastStep() {
        let x = Tensor((0..<24).map(Double.init), shape: [2, 4, 3])
        XCTAssertEqual(lastValidFrame(x, lengths: [2, 4]).doubles, [3, 4, 5, 21, 22, 23])
        XCTAssertEqual(lastValidFrame(x, lengths: nil).doubles, [9, 10, 11, 21, 22, 23])
    }

    // MARK: Modes

    func testDropoutBetweenLayersOnlyInTraining() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, layers: 2, dropout: 0.5, dtype: .float64, rng: &rng)
        let x = doubleInput([2, 5, 3], seed: 70)
        let trainingA = lstm(x).doubles, trainingB = lstm(x).doubles
        XCTAssertNotEqual(trainingA, trainingB, "fresh dropout masks each call")
        lstm.eval()
        XCTAssertEqual(lstm(x).doubles, lstm(x).doubles)
        let single = LSTM(inputSize: 3, hiddenSize: 4, dropout: 0.5, dtype: .float64, rng: &rng)
        XCTAssertEqual(single(x).doubles, single(x).doubles, "no dropout after the last layer")
    }

    func testQRNNZoneoutDropsForgetGatesInTrainingAndScalesInEvaluation() {
        let q = QRNN(inputSize: 3, hiddenSize: 4, zoneout: 0.999, dtype: .float64, rng: &rng)
        let x = doubleInput([2, 5, 3], seed: 71)
        // With almost every f zeroed, c stays at c₋₁ = 0.
        XCTAssertLessThan(q(x).doubles.map(Swift.abs).max()!, 1e-9 + 0.05)
        q.eval()
        let evalOut = q(x)
        let plain = QRNN(inputSize: 3, hiddenSize: 4, dtype: .float64, rng: &rng)
        plain.layers[0].linear.weight.assign(q.layers[0].linear.weight.value)
        plain.layers[0].linear.bias!.assign(q.layers[0].linear.bias!.value)
        XCTAssertNotEqual(evalOut.doubles, plain(x).doubles, "evaluation scales F by 1 − p")
    }

    func testQRNNWithoutOutputGateReturnsTheMemory() {
        let q = QRNN(inputSize: 3, hiddenSize: 2, outputGate: false, dtype: .float64, rng: &rng)
        XCTAssertEqual(q.layers[0].linear.weight.shape, [4, 3])
        let r = q(doubleInput([2, 4, 3], seed: 72), lengths: nil)
        assertClose(r.output[nil, 3..<4].reshaped(to: [2, 2]), r.hidden.doubles, accuracy: 0, "h = c")
    }

    func testForgetBiasShiftsTheForgetGate() {
        // With W = 0 and b = 0 only the forget bias acts: f = σ(1), i = o = ½, g = 0, so c and h stay 0
        // from zero states but keep a non-zero initial cell scaled by σ(1) each step.
        let lstm = LSTM(inputSize: 1, hiddenSize: 1, forgetBias: 1, inputInit: .zeros, recurrentInit: .zeros,
                        dtype: .float64, rng: &rng)
        lstm.weights[0][0].biasIH!.assign(Tensor.zeros([4], dtype: .float64))
        lstm.weights[0][0].biasHH!.assign(Tensor.zeros([4], dtype: .float64))
        let r = lstm(Tensor.zeros([1, 2, 1], dtype: .float64), lengths: nil,
                     initialCell: Tensor([1.0], shape: [1, 1, 1]))
        let f = 1 / (1 + exp(-1.0))
        assertClose(r.cell!, [f * f], accuracy: 1e-15, "c after two steps")
    }

    // MARK: Names and sizes

    func testParametersCarryPyTorchStateDictNames() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, layers: 2, bidirectional: true, rng: &rng)
        var expected: [String] = []
        for k in 0..<2 {
            for suffix in ["", "_reverse"] {
                expected += ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map { "\($0)_l\(k)\(suffix)" }
            }
        }
        XCTAssertEqual(lstm.namedParameters().map(\.name), expected)
        XCTAssertEqual(lstm.namedParameters().map(\.parameter.shape)[0..<4], [[8, 3], [8, 2], [8], [8]])
        XCTAssertEqual(lstm.namedParameters()[4 * 2].parameter.shape, [8, 4], "layer 1 reads both directions")
        let gru = GRU(inputSize: 3, hiddenSize: 2, bias: false, rng: &rng)
        XCTAssertEqual(gru.namedParameters().map(\.name), ["weight_ih_l0", "weight_hh_l0"])
        let qrnn = QRNN(inputSize: 3, hiddenSize: 2, layers: 2, window: 2, rng: &rng)
        XCTAssertEqual(qrnn.namedParameters().map(\.name),
                       ["layers.0.linear.weight", "layers.0.linear.bias", "layers.1.linear.weight", "layers.1.linear.bias"])
    }

    func testStateDictRoundTripKeepsOutputs() throws {
        let a = LSTM(inputSize: 3, hiddenSize: 2, bidirectional: true, dtype: .float64, rng: &rng)
        let b = LSTM(inputSize: 3, hiddenSize: 2, bidirectional: true, dtype: .float64, rng: &rng)
        try b.loadStateDict(a.stateDict())
        let x = doubleInput([2, 3, 3], seed: 80)
        XCTAssertEqual(a(x).doubles, b(x).doubles)
    }

    func testRecurrentWeightsStartOrthogonalPerGate() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, dtype: .float64, rng: &rng)
        let w = lstm.weights[0][0].weightHH.value
        for g in 0..<4 {
            let block = w[(4 * g)..<(4 * g + 4)]
            assertClose(matmul(block, block, transposeB: true), Tensor.identity(4, dtype: .float64).doubles,
                        accuracy: 1e-12, "gate \(g) block · blockᵀ")
        }
        let bound = 1 / 2.0    // 1/√H
        XCTAssertTrue(lstm.weights[0][0].weightIH.value.doubles.allSatisfy { Swift.abs($0) <= bound })
    }

    /// Parameter counts (PyTorch convention, two bias vectors) against the
    /// model totals of docs/zoo.md, adding the heads' counts by formula.
    func testParameterCountsMatchZooModels() {
        func lstm(_ i: Int, _ h: Int, layers: Int = 1, bi: Bool = false) -> Int {
            var r = RandomGenerator(seed: 0)
            return LSTM(inputSize: i, hiddenSize: h, layers: layers, bidirectional: bi, inputInit: .zeros,
                        recurrentInit: .zeros, rng: &r).parameterCount
        }
        func gru(_ i: Int, _ h: Int, layers: Int = 1, bi: Bool = false) -> Int {
            var r = RandomGenerator(seed: 0)
            return GRU(inputSize: i, hiddenSize: h, layers: layers, bidirectional: bi, inputInit: .zeros,
                       recurrentInit: .zeros, rng: &r).parameterCount
        }
        let classes = 3862
        func moe(_ d: Int, mixtures: Int = 2) -> Int { (d + 1) * classes * (2 * mixtures + 1) }
        func logistic(_ d: Int) -> Int { (d + 1) * classes }
        func millions(_ n: Int) -> Double { (Double(n) / 1e5).rounded() / 10 }

        let starter = lstm(1152, 1024, layers: 2)
        XCTAssertEqual(starter, 4 * 1024 * (1152 + 1024) + 4 * 1024 * 2048 + 2 * 2 * 4 * 1024)
        XCTAssertEqual(starter, 17_317_888)
        XCTAssertEqual(millions(starter + moe(1024)), 37.1, "starter LstmModel")
        XCTAssertEqual(millions(starter + moe(4096)), 96.4, "WILLOW LstmModel (MoE on concat(c, h) of both layers)")
        XCTAssertEqual(millions(gru(1152, 1200, layers: 2) + moe(2400)), 63.5, "WILLOW GruModel")
        XCTAssertEqual(millions(lstm(1152, 512, bi: true) + lstm(1024, 1024) + logistic(1024)), 19.2, "miha Lstmbidirect")
        XCTAssertEqual(millions(gru(1152, 512, bi: true) + gru(1024, 1024) + logistic(1024)), 15.4, "miha GRUbidirect")
        let samsungHead = 4097 * 2048 + 2049 * classes
        XCTAssertEqual(millions(starter + samsungHead), 33.6, "Samsung EarlyConcatLSTM")
        var r = RandomGenerator(seed: 0)
        XCTAssertEqual(QRNN(inputSize: 1152, hiddenSize: 512, window: 2, rng: &r).parameterCount, 2 * 1152 * 3 * 512 + 3 * 512)
    }
}

import XCTest
import Tensor
@testable import NN

// Helpers shared by the Attention*Tests and Temporal*Tests files.

/// scale·sin(0.37·i + phase) over the flat index i, float64: inputs and
/// weights that numpy rebuilds exactly (`scale*np.sin(0.37*np.arange(n)+phase).reshape(shape)`).
func sinePattern(_ shape: [Int], phase: Double, scale: Double = 1) -> Tensor {
    let n = shape.reduce(1, *)
    return Tensor((0..<n).map { scale * Foundation.sin(0.37 * Double($0) + phase) }, shape: shape)
}

/// Sets a parameter to a new float64 value (keeps it trainable).
func setParameter(_ p: Parameter?, _ value: Tensor) {
    guard let p else { return XCTFail("missing parameter") }
    p.assign(value)
}

/// Every element of `actual` within `tolerance` of `expected`.
func assertValues(_ actual: Tensor, _ expected: [Double], tolerance: Double = 1e-9,
                  file: StaticString = #filePath, line: UInt = #line) {
    let a = actual.doubles
    XCTAssertEqual(a.count, expected.count, "element count", file: file, line: line)
    for (i, (x, y)) in zip(a, expected).enumerated() where !(Swift.abs(x - y) <= tolerance) {
        return XCTFail("element \(i): \(x) vs expected \(y) (shape \(actual.shape))", file: file, line: line)
    }
}

/// float64 gradient check of `body(x)` with respect to x and every
/// parameter of `module` (layers that take a mask or lengths besides x).
func checkSequenceLayerGradients(_ module: Module, input x: Tensor, file: StaticString = #filePath, line: UInt = #line,
                                 _ body: @escaping (Tensor) -> Tensor) {
    let params = module.parameters
    let originals = params.map(\.value)
    defer { zip(params, originals).forEach { $0.value = $1 } }
    let result = checkGradients(of: { args in
        for (p, v) in zip(params, args.dropFirst()) { p.value = v }
        return body(args[0])
    }, at: [x] + originals.map { $0.detached() })
    let names = ["input"] + module.namedParameters().map(\.name)
    XCTAssertTrue(result.passed, "\(type(of: module)) gradient wrt \(names[result.worstInput]): \(result)", file: file, line: line)
}

/// x with the padding frames of `mask` replaced by large random values.
func withGarbagePadding(_ x: Tensor, _ mask: SequenceMask, seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let garbage = Tensor.normal(x.shape, std: 50, dtype: x.dtype, using: &rng)
    let ones = [Int](repeating: 1, count: x.rank - 2)
    return Tensor.where(mask.valid.reshaped(to: [mask.batch, mask.time] + ones), x, garbage)
}

/// The rows [b, 0..<n] of a [B, T, …] tensor.
func realFrames(_ y: Tensor, video b: Int, count n: Int) -> Tensor {
    y.sliced([b..<(b + 1), 0..<n])
}

final class AttentionLayerTests: XCTestCase {
    var rng = RandomGenerator(seed: 21)
    let lengths = [3, 2]

    /// D = 4, H = 2 with every parameter set to a sine pattern.
    func patternedAttention() -> MultiHeadSelfAttention {
        let mha = MultiHeadSelfAttention(embedDim: 4, numHeads: 2, dtype: .float64, rng: &rng)
        setParameter(mha.inProjWeight, sinePattern([12, 4], phase: 0.1, scale: 0.5))
        setParameter(mha.inProjBias, sinePattern([12], phase: 0.2, scale: 0.1))
        setParameter(mha.outProj.weight, sinePattern([4, 4], phase: 0.3, scale: 0.5))
        setParameter(mha.outProj.bias, sinePattern([4], phase: 0.4, scale: 0.1))
        return mha
    }

    func testMultiHeadSelfAttentionParameterNamesFollowPyTorch() {
        let mha = MultiHeadSelfAttention(embedDim: 8, numHeads: 2, rng: &rng)
        XCTAssertEqual(mha.namedParameters().map(\.name), ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"])
        XCTAssertEqual(mha.inProjWeight.shape, [24, 8])
        XCTAssertEqual(mha.inProjBias!.value.doubles, [Double](repeating: 0, count: 24))
        XCTAssertEqual(mha.outProj.bias!.value.doubles, [Double](repeating: 0, count: 8))
        let layer = TransformerEncoderLayer(dModel: 8, numHeads: 2, feedForward: 16, rng: &rng)
        XCTAssertEqual(layer.namedParameters().map(\.name), [
            "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
            "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
            "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"])
        // PyTorch's count for d_model 8, 2 heads, feed-forward 16: 4·8·8 + 4·8 + 2·8·16 + 16 + 8 + 4·8.
        XCTAssertEqual(layer.parameterCount, 4 * 64 + 32 + 256 + 16 + 8 + 32)
    }

    func testMultiHeadSelfAttentionMatchesNumpyWithLengths() {
        // numpy (float64): q,k,v = x@W[0:4].T+b[0:4], x@W[4:8].T+b[4:8], x@W[8:].T+b[8:];
        // heads = reshape(2,3,2,2).transpose(0,2,1,3); p = softmax(q@kᵀ/√2 with −inf on padding keys);
        // y = (p@v).transpose(0,2,1,3).reshape(2,3,4)@Wo.T+bo; x = sinePattern([2,3,4], 0.5), lengths [3, 2].
        let expected = [-0.106815074164, 0.44050400065, 0.303878742064, -0.232446326198, -0.0734742017463,
                        0.394759164984, 0.262242352525, -0.194251968685, 0.1065781924, -0.290603121747,
                        -0.0420958653902, 0.435920636836, -0.0602180175361, -0.22943882198, 0.135792077384,
                        0.407015114557, -0.14831810984, 0.325984412477, 0.324614423554, -0.114166462176,
                        -0.170758358902, 0.377918097691, 0.356472495822, -0.16032290106]
        let y = patternedAttention()(sinePattern([2, 3, 4], phase: 0.5), mask: SequenceMask(lengths: lengths, time: 3))
        XCTAssertEqual(y.shape, [2, 3, 4])
        assertValues(y, expected)
    }

    func testMultiHeadSelfAttentionGradients() {
        let mha = MultiHeadSelfAttention(embedDim: 4, numHeads: 2, dtype: .float64, rng: &rng)
        setParameter(mha.inProjBias, doubleInput([12], seed: 30))
        setParameter(mha.outProj.bias, doubleInput([4], seed: 31))
        checkLayerGradients(mha, input: doubleInput([2, 3, 4], seed: 32))
        let mask = SequenceMask(lengths: lengths, time: 3)
        checkSequenceLayerGradients(mha, input: doubleInput([2, 3, 4], seed: 33)) { mha($0, mask: mask) }
        let withEmpty = SequenceMask(lengths: [2, 0], time: 3)
        checkSequenceLayerGradients(mha, input: doubleInput([2, 3, 4], seed: 34)) { mha($0, mask: withEmpty) }
        let noBias = MultiHeadSelfAttention(embedDim: 6, numHeads: 3, bias: false, dtype: .float64, rng: &rng)
        checkSequenceLayerGradients(noBias, input: doubleInput([2, 4, 6], seed: 35)) {
            noBias($0, mask: SequenceMask(Tensor([1, 0, 1, 1, 1, 1, 0, 0] as [UInt8], shape: [2, 4])))
        }
    }

    func testPaddingDoesNotChangeRealFramesAndEqualsTheUnpaddedVideo() {
        let mha = MultiHeadSelfAttention(embedDim: 8, numHeads: 2, dtype: .float64, rng: &rng)
        let x = doubleInput([3, 5, 8], seed: 40)
        let mask = SequenceMask(lengths: [5, 3, 1], time: 5)
        let y = mha(x, mask: mask)
        let yGarbage = mha(withGarbagePadding(x, mask, seed: 41), mask: mask)
        for (b, n) in [5, 3, 1].enumerated() {
            let alone = mha(realFrames(x, video: b, count: n))
            assertValues(realFrames(y, video: b, count: n), alone.doubles, tolerance: 1e-12)
            assertValues(realFrames(yGarbage, video: b, count: n), alone.doubles, tolerance: 1e-12)
        }
        let (_, weights) = mha.attend(x, mask: mask)
        XCTAssertEqual(weights.shape, [3, 2, 5, 5])
        // Video 1 has 3 real frames: keys 3 and 4 get exactly zero weight from every query of every head.
        for h in 0..<2 { for q in 0..<5 { for k in 3..<5 { XCTAssertEqual(weights[1, h, q, k], 0) } } }
    }

    func testFullyPaddedVideoGivesNoNaNAndZeroWeights() {
        let mha = MultiHeadSelfAttention(embedDim: 4, numHeads: 2, rng: &rng)
        let layer = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 8, dropout: 0, rng: &rng)
        let x = Tensor.normal([2, 3, 4], using: &rng).requiringGrad()
        let mask = SequenceMask(lengths: [3, 0], time: 3)
        let (y, weights) = mha.attend(x, mask: mask)
        XCTAssertTrue(y.floats.allSatisfy(\.isFinite))
        XCTAssertEqual(weights.sliced([1..<2]).floats, [Float](repeating: 0, count: 2 * 9))
        // The empty video's output is the output bias alone.
        assertValues(y.sliced([1..<2]), [[Double]](repeating: mha.outProj.bias!.value.doubles, count: 3).flatMap { $0 },
                     tolerance: 1e-6)
        let z = maskedMean(layer(x, mask: mask), mask: mask)
        z.sum().backward()
        XCTAssertTrue(z.floats.allSatisfy(\.isFinite))
        XCTAssertTrue(x.grad!.floats.allSatisfy(\.isFinite))
        XCTAssertTrue(layer.parameters.allSatisfy { $0.grad!.floats.allSatisfy(\.isFinite) })
    }

    func patternedEncoderLayer(activation: TransformerEncoderLayer.Activation, normFirst: Bool) -> TransformerEncoderLayer {
        let layer = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 6, dropout: 0, activation: activation,
                                            normFirst: normFirst, dtype: .float64, rng: &rng)
        let mha = patternedAttention()
        zip(layer.selfAttn.parameters, mha.parameters).forEach { $0.assign($1.value) }
        setParameter(layer.linear1.weight, sinePattern([6, 4], phase: 0.6, scale: 0.5))
        setParameter(layer.linear1.bias, sinePattern([6], phase: 0.7, scale: 0.1))
        setParameter(layer.linear2.weight, sinePattern([4, 6], phase: 0.8, scale: 0.5))
        setParameter(layer.linear2.bias, sinePattern([4], phase: 0.9, scale: 0.1))
        setParameter(layer.norm1.weight, sinePattern([4], phase: 1.0, scale: 0.2) + 1)
        setParameter(layer.norm1.bias, sinePattern([4], phase: 1.1, scale: 0.1))
        setParameter(layer.norm2.weight, sinePattern([4], phase: 1.2, scale: 0.2) + 1)
        setParameter(layer.norm2.bias, sinePattern([4], phase: 1.3, scale: 0.1))
        return layer
    }

    func testTransformerEncoderLayerPostAndPreNormMatchNumpy() {
        // numpy, with mha(·) the reference of the attention test and LN(x) = (x−mean)/√(var+1e-5)·γ+β:
        // post-norm ReLU: a = LN₁(x + mha(x)); y = LN₂(a + relu(a@W1.T+b1)@W2.T+b2);
        // pre-norm GELU (0.5·h·(1+erf(h/√2))): a = x + mha(LN₁(x)); y = a + gelu(LN₂(a)@W1.T+b1)@W2.T+b2.
        let postRelu = [-1.73575228751, 0.831144273585, 1.39724320467, -0.125877582968, 1.44563831549, 0.725872112693,
                        -0.0323846245804, -1.7200777937, 1.78975128665, -1.13273327115, -0.911859024692, 0.575537678974,
                        -0.252931880205, -1.45293435495, 0.201387501592, 1.78110681754, -1.65947925878, -0.325514346588,
                        1.21656054809, 1.08146253964, 0.543116623471, 1.12603603178, 0.649217939373, -1.88904071504]
        let preGelu = [0.857170302631, 0.671484314293, 1.2822974879, 1.48460103141, 1.69339735453, 0.418308550506,
                       0.327430270974, 0.777837757832, 0.363570986503, -0.851971451239, -0.94829591086, -0.349018863861,
                       -0.907428240294, -0.765404559095, 0.104182498027, 0.161061967157, 0.178207625457, 0.569244479582,
                       1.43784021681, 1.32034985484, 0.898865334494, 1.13549758204, 1.35223932277, 0.66694803379]
        let x = sinePattern([2, 3, 4], phase: 0.5), mask = SequenceMask(lengths: lengths, time: 3)
        assertValues(patternedEncoderLayer(activation: .relu, normFirst: false)(x, mask: mask), postRelu)
        assertValues(patternedEncoderLayer(activation: .gelu, normFirst: true)(x, mask: mask), preGelu)
    }

    func testTransformerEncoderLayerGradientsForEveryConfiguration() {
        let mask = SequenceMask(lengths: [4, 2], time: 4)
        for (activation, normFirst) in [(TransformerEncoderLayer.Activation.relu, false), (.gelu, true)] {
            let layer = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 6, dropout: 0.1, activation: activation,
                                                normFirst: normFirst, dtype: .float64, rng: &rng)
            layer.eval()                                        // dropout off: the check needs a deterministic function
            setParameter(layer.norm1.weight, doubleInput([4], seed: 50) + 1)
            setParameter(layer.norm2.bias, doubleInput([4], seed: 51))
            checkLayerGradients(layer, input: doubleInput([2, 4, 4], seed: 52))
            checkSequenceLayerGradients(layer, input: doubleInput([2, 4, 4], seed: 53)) { layer($0, mask: mask) }
        }
        let encoder = TransformerEncoder(numLayers: 2, dModel: 4, numHeads: 1, feedForward: 5, dropout: 0,
                                         normFirst: true, finalNorm: true, dtype: .float64, rng: &rng)
        XCTAssertEqual(encoder.namedParameters().last?.name, "norm.bias")
        XCTAssertTrue(encoder.namedParameters().contains { $0.name == "layers.1.self_attn.in_proj_weight" })
        checkSequenceLayerGradients(encoder, input: doubleInput([2, 3, 4], seed: 54)) {
            encoder($0, mask: SequenceMask(lengths: [1, 3], time: 3))
        }
    }

    func testEncoderLayerPaddingDoesNotChangeRealFrames() {
        let layer = TransformerEncoderLayer(dModel: 8, numHeads: 4, feedForward: 16, dropout: 0, dtype: .float64, rng: &rng)
        let x = doubleInput([2, 6, 8], seed: 60)
        let mask = SequenceMask(lengths: [6, 4], time: 6)
        let y = layer(withGarbagePadding(x, mask, seed: 61), mask: mask)
        assertValues(realFrames(y, video: 1, count: 4), layer(realFrames(x, video: 1, count: 4)).doubles, tolerance: 1e-12)
        assertValues(realFrames(y, video: 0, count: 6), layer(realFrames(x, video: 0, count: 6)).doubles, tolerance: 1e-12)
    }

    func testDropoutIsActiveOnlyInTraining() {
        let layer = TransformerEncoderLayer(dModel: 8, numHeads: 2, feedForward: 16, dropout: 0.5, rng: &rng)
        let x = Tensor.normal([2, 5, 8], using: &rng)
        XCTAssertNotEqual(layer(x).floats, layer(x).floats)     // fresh masks each call
        layer.eval()
        XCTAssertEqual(layer(x).floats, layer(x).floats)
    }

    func testSinusoidalPositionalEncodingTableAndAddition() {
        // numpy: PE[t, j] = sin(t/10000^((j − j%2)/4)) for even j, cos(…) for odd j, t < 5.
        let vaswani = [0, 1, 0, 1, 0.841470984808, 0.540302305868, 0.00999983333417, 0.999950000417, 0.909297426826,
                       -0.416146836547, 0.0199986666933, 0.999800006667, 0.14112000806, -0.9899924966, 0.0299955002025,
                       0.999550033749, -0.756802495308, -0.653643620864, 0.0399893341866, 0.999200106661]
        assertValues(SinusoidalPositionalEncoding.vaswaniTable(length: 5, dim: 4, dtype: .float64), vaswani)
        // numpy: np.sin(2π·np.outer(np.arange(5), 2·np.arange(1, 5))/5), the Samsung sine_position_coding.
        let samsung = [0, 0, 0, 0, 0.587785252292, -0.951056516295, 0.951056516295, -0.587785252292, -0.951056516295,
                       -0.587785252292, 0.587785252292, 0.951056516295, 0.951056516295, 0.587785252292, -0.587785252292,
                       -0.951056516295, -0.587785252292, 0.951056516295, -0.951056516295, 0.587785252292]
        assertValues(SinusoidalPositionalEncoding.samsungTable(length: 5, dim: 4, dtype: .float64), samsung)
        let pe = SinusoidalPositionalEncoding(dim: 4, maxLength: 5, dtype: .float64)
        XCTAssertTrue(pe.namedParameters().isEmpty && pe.namedBuffers().isEmpty)
        let x = doubleInput([2, 3, 4], seed: 70)
        let expected = (0..<24).map { x.element(at: $0) + vaswani[$0 % 12] }
        assertValues(pe(x), expected, tolerance: 1e-10)
        checkLayerGradients(pe, input: x)
    }
}

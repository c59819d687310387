import XCTest
import Tensor
@testable import NN

/// The Samsung 2018 attention layers: the transformer layer (docs/zoo.md)
/// and the stacked attention pooling "AttentionNet" (§3.15).
final class AttentionSamsungTests: XCTestCase {
    var rng = RandomGenerator(seed: 31)

    func testSamsungTransformerLayerMatchesNumpyWithLengths() {
        // numpy, the reference's einsums with its masking intent: P = samsung codes [5, 4][:3]; kq = x + P;
        // q = einsum("bqi,hik->bqhk", kq, Wq), k likewise from kq with Wk, v = einsum("bli,hiv->blhv", x, Wv);
        // rel = einsum("bqhk,blhk->bhql", q, k)/√4, softmax over l of the pairs (q, l) both real, 0 when none;
        // y = relu(einsum("bhql,blhv->bqhv", p, v).reshape(2, 3, 6) @ Wp.T + bp); x = sinePattern([2,3,4], 0.5), lengths [3, 2].
        let layer = SamsungTransformerLayer(inputSize: 4, outputSize: 3, numHeads: 2, dropout: 0,
                                            positionCoding: .samsungSine(maxLength: 5), dtype: .float64, rng: &rng)
        setParameter(layer.queryProjections, sinePattern([2, 4, 3], phase: 1.4, scale: 0.5))
        setParameter(layer.keyProjections, sinePattern([2, 4, 3], phase: 1.5, scale: 0.5))
        setParameter(layer.valueProjections, sinePattern([2, 4, 3], phase: 1.6, scale: 0.5))
        setParameter(layer.projection.weight, sinePattern([3, 6], phase: 1.7, scale: 0.5))
        setParameter(layer.projection.bias, sinePattern([3], phase: 1.8, scale: 0.3))
        let expected = [0.344473990895, 0, 0.700089418112, 0.417812601497, 0, 0.650755135851, 0.387317847644,
                        0.221769667541, 0.10601871422, 0, 1.01989225549, 0, 0, 0.700847612819, 0.0865252772359,
                        0.292154289263, 0.247735497932, 0.169786869135]
        let y = layer(sinePattern([2, 3, 4], phase: 0.5), mask: SequenceMask(lengths: [3, 2], time: 3))
        XCTAssertEqual(y.shape, [2, 3, 3])
        assertValues(y, expected)
        XCTAssertEqual(layer.temperature, 2)
        XCTAssertEqual(layer.namedParameters().map(\.name),
                       ["query_projections", "key_projections", "value_projections", "projection.weight", "projection.bias"])
    }

    func testSamsungTransformerLayerGradients() {
        for coding in [SamsungTransformerLayer.PositionCoding.samsungSine(maxLength: 6), .sinusoidal(maxLength: 4), .none] {
            let layer = SamsungTransformerLayer(inputSize: 4, outputSize: 3, numHeads: 2, dropout: 0,
                                                positionCoding: coding, dtype: .float64, rng: &rng)
            // Positive biases keep most ReLU inputs away from the kink at 0.
            setParameter(layer.projection.bias, Tensor.full([3], value: 0.5, dtype: .float64))
            checkLayerGradients(layer, input: doubleInput([2, 4, 4], seed: 80))
            checkSequenceLayerGradients(layer, input: doubleInput([3, 4, 4], seed: 81)) {
                layer($0, mask: SequenceMask(lengths: [4, 1, 0], time: 4))
            }
        }
    }

    func testSamsungTransformerLayerIgnoresPaddingAndGivesFinitePaddedRows() {
        let layer = SamsungTransformerLayer(inputSize: 6, outputSize: 4, numHeads: 3, dropout: 0,
                                            positionCoding: .samsungSine(maxLength: 10), dtype: .float64, rng: &rng)
        let x = doubleInput([3, 5, 6], seed: 82)
        let mask = SequenceMask(lengths: [5, 2, 0], time: 5)
        let y = layer(x, mask: mask), yGarbage = layer(withGarbagePadding(x, mask, seed: 83), mask: mask)
        XCTAssertTrue(y.doubles.allSatisfy(\.isFinite))
        assertValues(yGarbage, y.doubles, tolerance: 1e-12)                  // padded rows too: they attend to nothing
        assertValues(realFrames(y, video: 1, count: 2), layer(realFrames(x, video: 1, count: 2)).doubles, tolerance: 1e-12)
        // A padding query's attention output is 0, so the row is ReLU(projection bias).
        let relued = layer.projection.bias!.value.doubles.map { Swift.max($0, 0) }
        assertValues(y.sliced([2..<3, 0..<1]), relued, tolerance: 1e-12)
        assertValues(y.sliced([1..<2, 4..<5]), relued, tolerance: 1e-12)
    }

    func testSamsungTransformerLayerInitialisationUsesPyTorchFansForThreeDimensionalProjections() {
        // xavier_normal_ on [H, in, out]: fan_in = in·out, fan_out = H·out, std = √(2/(fan_in + fan_out)).
        let layer = SamsungTransformerLayer(inputSize: 64, outputSize: 32, numHeads: 4, rng: &rng)
        let w = layer.queryProjections.value.doubles
        let std = (w.map { $0 * $0 }.reduce(0, +) / Double(w.count)).squareRoot()
        XCTAssertEqual(std, (2.0 / Double(64 * 32 + 4 * 32)).squareRoot(), accuracy: 0.002)
    }

    // MARK: StackedAttentionPooling

    func patternedPooling() -> StackedAttentionPooling {
        let pool = StackedAttentionPooling(inputSize: 3, hiddenSize: 2, layers: 2, dtype: .float64, rng: &rng)
        for i in 0..<2 {
            setParameter(pool.linearLayers[i].weight, sinePattern([2, 3 + 2 * i], phase: 2.0 + Double(i), scale: 0.5))
            setParameter(pool.linearLayers[i].bias, sinePattern([2], phase: 2.5 + Double(i), scale: 0.1))
            setParameter(pool.attentionLayers[i].weight, sinePattern([1, 2], phase: 3.0 + Double(i), scale: 0.7))
            setParameter(pool.attentionLayers[i].bias, sinePattern([1], phase: 3.5 + Double(i), scale: 0.1))
        }
        return pool
    }

    func testStackedAttentionPoolingMatchesNumpyWithLengths() {
        // numpy, the reference's loop with the softmax and the final mean over real frames only:
        // X = x; for i in 0, 1: V = relu(X@Wᵢ.T+bᵢ); w = softmax over real t of (V@aᵢ.T+cᵢ)[..., 0];
        // v = einsum("bt,bth->bh", w, V); X = concat([X, repeat(v, T)], 2); y = Σ_real X / length;
        // x = sinePattern([2, 4, 3], 1.9), lengths [4, 2].
        let expected = [-0.155274908201, -0.269360081186, -0.346988630808, 0.234991722027, 0.232175269043,
                        0.0134865735849, 0.349851517972, 0.488143654068, 0.706698018605, 0.829604121594,
                        0.700449866678, 0, 0, 0]
        let pool = patternedPooling()
        let x = sinePattern([2, 4, 3], phase: 1.9), mask = SequenceMask(lengths: [4, 2], time: 4)
        let (y, pooled, weights) = pool.pool(x, mask: mask)
        XCTAssertEqual(y.shape, [2, 7])
        XCTAssertEqual(pool.outputSize, 7)
        assertValues(y, expected)
        XCTAssertEqual(pooled.map(\.shape), [[2, 2], [2, 2]])
        // Attention weights: a distribution over the real frames, 0 on padding.
        for w in weights {
            XCTAssertEqual(w[1, 2], 0)
            XCTAssertEqual(w[1, 3], 0)
            XCTAssertEqual(w.sum(axis: 1).doubles[0], 1, accuracy: 1e-12)
            XCTAssertEqual(w.sum(axis: 1).doubles[1], 1, accuracy: 1e-12)
        }
        pool.alwaysConcatenate = true                       // the literal concatenation gives the same numbers
        assertValues(pool(x, mask: mask), expected)
    }

    func testStackedAttentionPoolingGradientsOnBothPaths() {
        let pool = StackedAttentionPooling(inputSize: 3, hiddenSize: 4, layers: 3, dtype: .float64, rng: &rng)
        for i in 0..<3 { setParameter(pool.linearLayers[i].bias, Tensor.full([4], value: 0.3, dtype: .float64)) }
        let mask = SequenceMask(lengths: [4, 2, 0], time: 4)
        checkLayerGradients(pool, input: doubleInput([2, 4, 3], seed: 90))
        checkSequenceLayerGradients(pool, input: doubleInput([3, 4, 3], seed: 91)) { pool($0, mask: mask) }
        pool.alwaysConcatenate = true
        checkSequenceLayerGradients(pool, input: doubleInput([3, 4, 3], seed: 91)) { pool($0, mask: mask) }
    }

    func testStackedAttentionPoolingIgnoresPaddingAndEmptyVideos() {
        let pool = StackedAttentionPooling(inputSize: 5, hiddenSize: 6, layers: 2, dtype: .float64, rng: &rng)
        let x = doubleInput([3, 6, 5], seed: 92)
        let mask = SequenceMask(lengths: [6, 3, 0], time: 6)
        let y = pool(x, mask: mask)
        XCTAssertTrue(y.doubles.allSatisfy(\.isFinite))
        assertValues(pool(withGarbagePadding(x, mask, seed: 93), mask: mask), y.doubles, tolerance: 1e-12)
        assertValues(y.sliced([1..<2]), pool(realFrames(x, video: 1, count: 3)).doubles, tolerance: 1e-12)
        assertValues(y.sliced([2..<3]), [Double](repeating: 0, count: 17))  // no frame: every pooled vector is 0
    }

    func testStackedAttentionPoolingDropoutMaterialisesOnlyInTraining() {
        let pool = StackedAttentionPooling(inputSize: 4, hiddenSize: 3, layers: 2, dropouts: [0.1, 0.2], rng: &rng)
        XCTAssertEqual(pool.namedParameters().map(\.name), [
            "linear_layers.0.weight", "linear_layers.0.bias", "linear_layers.1.weight", "linear_layers.1.bias",
            "attention_layers.0.weight", "attention_layers.0.bias", "attention_layers.1.weight", "attention_layers.1.bias"])
        XCTAssertEqual(pool.linearLayers[1].weight.shape, [3, 7])
        let x = Tensor.normal([2, 5, 4], using: &rng)
        XCTAssertNotEqual(pool(x).floats, pool(x).floats)
        pool.eval()
        let y = pool(x)
        pool.alwaysConcatenate = true
        assertValues(pool(x), y.doubles, tolerance: 1e-5)
    }

    // MARK: AttentionPooling

    func testAttentionPoolingMatchesNumpyWithLengths() {
        // numpy: for each video b, s = x[b, :n]@a[0] + c[0]; w = softmax(s) over its n real frames;
        // y_b = w@x[b, :n]; x = sinePattern([2, 4, 3], 1.9), a = sinePattern([1, 3], 3.0, 0.7),
        // c = sinePattern([1], 3.5, 0.1), lengths [4, 2].
        let pool = AttentionPooling(3, dtype: .float64, rng: &rng)
        setParameter(pool.attention.weight, sinePattern([1, 3], phase: 3.0, scale: 0.7))
        setParameter(pool.attention.bias, sinePattern([1], phase: 3.5, scale: 0.1))
        let x = sinePattern([2, 4, 3], phase: 1.9), mask = SequenceMask(lengths: [4, 2], time: 4)
        let (y, w) = pool.pool(x, mask: mask)
        assertValues(y, [-0.28393649707071456, -0.4052026474155126, -0.4716265203241704,
                         0.4670565474977022, 0.6923881081572691, 0.8240081865171998])
        assertValues(w, [0.165695152598, 0.271335393774, 0.327099496135, 0.235869957493,
                         0.524442611681, 0.475557388319, 0, 0], tolerance: 1e-11)
        XCTAssertEqual(pool.namedParameters().map(\.name), ["attention.weight", "attention.bias"])
        XCTAssertEqual(pool.parameterCount, shapeOnlyCount { AttentionPooling(3, rng: &$0) })
    }

    func testAttentionPoolingGradients() {
        let pool = AttentionPooling(5, dtype: .float64, rng: &rng)
        checkLayerGradients(pool, input: doubleInput([2, 4, 5], seed: 94))
        let mask = SequenceMask(lengths: [4, 1, 0, 3], time: 4)
        checkSequenceLayerGradients(pool, input: doubleInput([4, 4, 5], seed: 95)) { pool($0, mask: mask) }
    }

    func testAttentionPoolingIgnoresPaddingAndEmptyVideos() {
        let pool = AttentionPooling(6, dtype: .float64, rng: &rng)
        let x = doubleInput([3, 5, 6], seed: 96)
        let mask = SequenceMask(lengths: [5, 2, 0], time: 5)
        let y = pool(x, mask: mask)
        XCTAssertTrue(y.doubles.allSatisfy(\.isFinite))
        assertValues(pool(withGarbagePadding(x, mask, seed: 97), mask: mask), y.doubles, tolerance: 1e-12)
        assertValues(y.sliced([1..<2]), pool(realFrames(x, video: 1, count: 2)).doubles, tolerance: 1e-12)
        assertValues(y.sliced([2..<3]), [Double](repeating: 0, count: 6))
        // A full mask is the unmasked pooling.
        assertValues(pool(x, mask: SequenceMask(lengths: [5, 5, 5], time: 5)), pool(x).doubles, tolerance: 1e-15)
    }
}

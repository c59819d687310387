import Foundation
import XCTest
import Tensor
@testable import NN

/// value_i = scale·sin(phase + 0.37·i) in row-major order, float64: the
/// patterned tensors that `pat(shape, scale, phase)` builds in the numpy
/// reference below.
func patterned(_ shape: [Int], _ scale: Double, _ phase: Double) -> Tensor {
    let n = shape.reduce(1, *)
    return Tensor((0..<n).map { scale * Foundation.sin(phase + 0.37 * Double($0)) }, shape: shape)
}

func assertClose(_ t: Tensor, _ expected: [Double], accuracy: Double = 1e-9, _ message: String = "",
                 file: StaticString = #filePath, line: UInt = #line) {
    let got = t.doubles
    XCTAssertEqual(got.count, expected.count, "\(message): \(got.count) values, expected \(expected.count)", file: file, line: line)
    for (i, (g, e)) in zip(got, expected).enumerated() where Swift.abs(g - e) > accuracy {
        XCTFail("\(message): element \(i) is \(g), expected \(e)", file: file, line: line)
        return
    }
}

/// A pooling layer with fixed lengths, as a `Layer` for `checkLayerGradients`.
final class PoolingWithLengths: Module, Layer {
    let pooling: any FramePooling
    let lengths: [Int]?
    init(_ pooling: any FramePooling, lengths: [Int]?) {
        self.pooling = pooling
        self.lengths = lengths
    }
    func forward(_ x: Tensor) -> Tensor { pooling(x, lengths: lengths) }
}

// Forward values: numpy in float64, formulas written independently of the
// Swift code (/tmp script, reproduced here so anyone can re-run it):
//
//   import numpy as np
//   def pat(shape, scale=1.0, phase=0.0):
//       n = int(np.prod(shape)); return (scale*np.sin(phase + 0.37*np.arange(n))).reshape(shape)
//   def spow(z, p): return np.sign(z)*np.abs(z)**p
//   def softmax(z): e = np.exp(z - z.max(-1, keepdims=True)); return e/e.sum(-1, keepdims=True)
//   def l2(v): return v/np.sqrt(np.maximum((v*v).sum(-1, keepdims=True), 1e-12))
//   B, T, D, K = 2, 4, 3, 2
//   x = pat((B, T, D), 1.0, 0.1)
//   m = np.zeros((B, T, 1)); m[0, :4] = 1; m[1, :2] = 1          # lengths [4, 2]
//   W = pat((K, D), 0.8, 0.3); C = pat((K, D), 0.5, 0.9); Wcov = 1 + pat((K, D), 0.3, 1.1)
//   gamma = 1 + pat((K,), 0.2, 0.5); beta = pat((K,), 0.3, 0.7); bias = pat((K,), 0.4, 1.3)
//   def bn(z, eps=1e-3):                                          # valid frames only
//       n = m.sum(); mu = (z*m).sum((0, 1))/n; var = (((z - mu)**2)*m).sum((0, 1))/n
//       return (z - mu)/np.sqrt(var + eps)*gamma + beta
//   def assign(use_bn=True, b=None, lp=None):
//       z = x @ W.T
//       if use_bn: z = bn(z)
//       if b is not None: z = z + b
//       if lp is not None: z = spow(z, lp)
//       return softmax(z)*m
//   def agg(a, y): return np.einsum('btk,btd->bkd', a, y)
//   def netvlad(lp=None, dp=None, centres=True):
//       a = assign(lp=lp); v = agg(a, x)
//       if centres: v = v - a.sum(1)[:, :, None]*C
//       if dp is not None: v = spow(v, dp)
//       return l2(l2(v).reshape(B, -1))
//   netvlad(); netvlad(lp=1.5, dp=0.5); netvlad(centres=False)     # NetVLAD, powered, NetRVLAD
//   a = assign(); s = a.sum(1)[:, :, None]; sg = Wcov**2 + 1e-6; f1 = agg(a, x); f2 = agg(a, x*x)
//   fv1 = (f1 - s*C)/sg; fv2 = (f2 + s*C*C - 2*f1*C)/sg**2 - s
//   np.concatenate([l2(l2(fv1).reshape(B, -1)), l2(fv2.reshape(B, -1))], 1)   # NetFV
//   np.concatenate([l2(a.sum(1)), l2(a.max(1))], 1)                          # SoftDBoF max-pool
//   assign(use_bn=False, b=bias, lp=2.5).sum(1)                              # VLADBoW
final class PoolingForwardTests: XCTestCase {
    let lengths = [4, 2]
    var rng = RandomGenerator(seed: 3)

    /// x with junk in the padding frames (the reference masks them).
    var frames: Tensor { patterned([2, 4, 3], 1.0, 0.1) }

    func setAssignment(_ a: SoftAssignment) {
        a.weight.assign(patterned([2, 3], 0.8, 0.3))
        if let bn = a.batchNorm {
            bn.weight.assign(patterned([2], 0.2, 0.5) + 1)
            bn.bias.assign(patterned([2], 0.3, 0.7))
        }
        a.bias?.assign(patterned([2], 0.4, 1.3))
    }

    func testNetVLADMatchesNumpyReference() {
        let layer = NetVLAD(featureSize: 3, clusters: 2, dtype: .float64, rng: &rng)
        setAssignment(layer.assignment)
        layer.clusterCentres.assign(patterned([2, 3], 0.5, 0.9))
        assertClose(layer(frames, lengths: lengths), [
            -0.0856786879584, -0.366861371708, -0.598391089822, -0.63917698194, -0.272849184946, 0.130407469237,
            -0.457504556696, -0.423977012878, -0.333066169332, -0.523761419224, -0.409775663584, -0.240328694222,
        ], "NetVLAD")
    }

    func testNetVLADWithLogitAndDescriptorPowerMatchesNumpyReference() {
        let layer = NetVLAD(featureSize: 3, clusters: 2, logitPower: .learnable(initial: 1.5),
                            descriptorPower: .fixed(0.5), dtype: .float64, rng: &rng)
        setAssignment(layer.assignment)
        layer.clusterCentres.assign(patterned([2, 3], 0.5, 0.9))
        assertClose(layer(frames, lengths: lengths), [
            -0.237081137583, -0.417781170781, -0.518894428129, -0.54730974646, -0.338537302728, 0.29299238231,
            -0.433000670799, -0.417781170781, -0.371442206041, -0.473902672428, -0.417781170781, -0.317608486044,
        ], "NetVLAD with powers")
    }

    func testNetRVLADMatchesNumpyReference() {
        let layer = NetRVLAD(featureSize: 3, clusters: 2, dtype: .float64, rng: &rng)
        setAssignment(layer.assignment)
        assertClose(layer(frames, lengths: lengths), [
            0.464897480663, 0.42302997668, 0.323907349876, 0.504825956695, 0.415306155279, 0.269576614035,
            -0.52463969983, -0.409483820963, -0.238906227905, -0.51841194881, -0.411482210585, -0.248860285508,
        ], "NetRVLAD")
    }

    func testNetFVMatchesNumpyReference() {
        let layer = NetFV(featureSize: 3, clusters: 2, dtype: .float64, rng: &rng)
        setAssignment(layer.assignment)
        layer.clusterCentres!.assign(patterned([2, 3], 0.5, 0.9))
        layer.covarianceWeights.assign(patterned([2, 3], 0.3, 1.1) + 1)
        assertClose(layer(frames, lengths: lengths), [
            -0.088949043223, -0.362830051576, -0.600368571282, -0.615988907344, -0.300968658068, 0.173134435887,
            -0.417300858696, -0.401305695056, -0.36749131044, -0.482538728641, -0.435333662055, -0.327726787495,
            -0.468869995965, -0.413934972146, -0.329876894794, -0.47657136585, -0.426763677306, -0.301251551008,
            -0.382186668008, -0.456593275037, -0.555485712543, -0.250014560915, -0.306722571384, -0.424623996828,
        ], "NetFV")
    }

    func testSoftDBoFWithMaxPoolMatchesNumpyReference() {
        let layer = SoftDBoF(featureSize: 3, clusters: 2, maxPool: true, dtype: .float64, rng: &rng)
        setAssignment(layer.assignment)
        assertClose(layer(frames, lengths: lengths), [
            0.648833876254, 0.760930089446, 0.665368942421, 0.746514682013,
            0.744950070479, 0.667120223419, 0.744043565457, 0.668131104427,
        ], "SoftDBoF")
    }

    func testVLADBoWWithNonIntegerPowerOfNegativeLogitsMatchesNumpyReference() {
        let layer = VLADBoW(featureSize: 3, clusters: 2, logitPower: .learnable(initial: 2.5), dtype: .float64, rng: &rng)
        setAssignment(layer.assignment)
        let y = layer(frames, lengths: lengths)
        assertClose(y, [1.13697346277, 2.86302653723, 1.46239056671, 0.53760943329], "VLADBoW")
        // Each video's soft counts add up to its number of valid frames.
        assertAllClose(y.sum(axis: 1).doubles, [4, 2].map(Double.init), accuracy: 1e-12)
    }

    func testVLADBoWStartsAtPowerThreeAndHasNoCentres() {
        let layer = VLADBoW(featureSize: 5, clusters: 4, rng: &rng)
        XCTAssertEqual(layer.assignment.logitPower?.power, 3)
        XCTAssertEqual(layer.namedParameters().map(\.name),
                       ["assignment.weight", "assignment.bias", "assignment.logit_power.exponent"])
    }
}

/// Elementwise |a − b| ≤ accuracy for equally long arrays.
func assertAllClose(_ a: [Double], _ b: [Double], accuracy: Double, _ message: String = "",
                    file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, message, file: file, line: line)
    for (i, (x, y)) in zip(a, b).enumerated() where !(Swift.abs(x - y) <= accuracy) {
        XCTFail("\(message) element \(i): \(x) vs \(y)", file: file, line: line)
        return
    }
}

final class PoolingGradientTests: XCTestCase {
    var rng = RandomGenerator(seed: 21)
    let lengths = [5, 3]

    func check(_ layer: any FramePooling, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        checkLayerGradients(PoolingWithLengths(layer, lengths: lengths), input: doubleInput([2, 5, 3], seed: seed),
                            file: file, line: line)
        checkLayerGradients(PoolingWithLengths(layer, lengths: nil), input: doubleInput([2, 5, 3], seed: seed + 100),
                            file: file, line: line)
    }

    /// Non-trivial batch-norm affine parameters so their gradients are not special.
    func perturb(_ a: SoftAssignment, seed: UInt64) {
        a.batchNorm?.weight.assign(doubleInput([a.clusters], seed: seed) * 0.3 + 1)
        a.batchNorm?.bias.assign(doubleInput([a.clusters], seed: seed + 1) * 0.3)
    }

    func testNetVLADGradientsWrtInputAssignmentCentresAndBatchNorm() {
        let layer = NetVLAD(featureSize: 3, clusters: 3, dtype: .float64, rng: &rng)
        perturb(layer.assignment, seed: 1)
        check(layer, seed: 2)
    }

    func testNetVLADGradientWrtLearnedPowers() {
        let layer = NetVLAD(featureSize: 3, clusters: 3, logitPower: .learnable(initial: 1.7),
                            descriptorPower: .learnable(initial: 0.8), dtype: .float64, rng: &rng)
        perturb(layer.assignment, seed: 3)
        XCTAssertEqual(layer.namedParameters().map(\.name), [
            "assignment.weight", "assignment.batch_norm.weight", "assignment.batch_norm.bias",
            "assignment.logit_power.exponent", "cluster_centres", "descriptor_power.exponent",
        ])
        check(layer, seed: 4)
    }

    func testNetVLADGradientsWithoutBatchNormAndInEvaluation() {
        let plain = NetVLAD(featureSize: 3, clusters: 2, batchNorm: false, logitPower: .fixed(1.3), dtype: .float64, rng: &rng)
        XCTAssertNotNil(plain.assignment.bias)
        check(plain, seed: 5)
        let evaluated = NetVLAD(featureSize: 3, clusters: 2, dtype: .float64, rng: &rng)
        evaluated.eval()
        check(evaluated, seed: 6)
    }

    func testNetRVLADGradients() {
        let layer = NetRVLAD(featureSize: 3, clusters: 3, logitPower: .learnable(initial: 1.2),
                             descriptorPower: .learnable(initial: 0.7), dtype: .float64, rng: &rng)
        perturb(layer.assignment, seed: 7)
        check(layer, seed: 8)
    }

    func testNetFVGradientsWrtCovarianceCentresAndPowers() {
        let layer = NetFV(featureSize: 3, clusters: 2, logitPower: .learnable(initial: 1.4),
                          descriptorPower: .learnable(initial: 0.9), dtype: .float64, rng: &rng)
        perturb(layer.assignment, seed: 9)
        check(layer, seed: 10)
        let coupled = NetFV(featureSize: 3, clusters: 2, coupledCentres: true, dtype: .float64, rng: &rng)
        XCTAssertNil(coupled.clusterCentres)
        check(coupled, seed: 11)
    }

    func testSoftDBoFGradientsWithMaxPoolAndPowers() {
        let layer = SoftDBoF(featureSize: 3, clusters: 3, maxPool: true, logitPower: .learnable(initial: 1.6),
                             descriptorPower: .learnable(initial: 0.6), dtype: .float64, rng: &rng)
        perturb(layer.assignment, seed: 12)
        check(layer, seed: 13)
    }

    func testVLADBoWGradientWrtLearnablePower() {
        check(VLADBoW(featureSize: 3, clusters: 3, dtype: .float64, rng: &rng), seed: 14)
        check(VLADBoW(featureSize: 3, clusters: 3, logitPower: .learnable(initial: 2.3), descriptorPower: .learnable(initial: 0.5),
                      l2Normalize: true, dtype: .float64, rng: &rng), seed: 15)
    }

    func testSignedPowerIsOddAndFiniteAtZeroForFractionalPowers() {
        let power = SignedPower(.learnable(initial: 0.5), dtype: .float64)
        let x = Tensor([-4, -0.25, 0, 0.25, 4] as [Double], shape: [5])
        assertAllClose(power(x).doubles, [-2, -0.5, 0, 0.5, 2], accuracy: 1e-15)
        let grads = gradient(of: { args in
            power.exponent!.value = args[1]
            return power(args[0]).sum()
        }, wrt: [x, power.exponent!.value.detached()])
        XCTAssertTrue(grads[0].doubles.allSatisfy(\.isFinite) && grads[1].scalar.isFinite)
        XCTAssertEqual(grads[0].doubles[2], 0)
        // d/dp Σ sign(x)|x|^p = Σ sign(x)|x|^p·log|x|, which cancels in ± pairs.
        XCTAssertEqual(grads[1].scalar, 0, accuracy: 1e-12)
    }
}

final class PoolingPaddingTests: XCTestCase {
    var rng = RandomGenerator(seed: 31)

    func layers() -> [any FramePooling] {
        [
            NetVLAD(featureSize: 8, clusters: 4, logitPower: .learnable(initial: 1.5), descriptorPower: .learnable(initial: 0.7), rng: &rng),
            NetRVLAD(featureSize: 8, clusters: 4, rng: &rng),
            NetFV(featureSize: 8, clusters: 4, rng: &rng),
            SoftDBoF(featureSize: 8, clusters: 4, maxPool: true, rng: &rng),
            VLADBoW(featureSize: 8, clusters: 4, rng: &rng),
        ]
    }

    /// A 4-frame video alone, and the same video padded to 6 frames with junk.
    func video() -> (alone: Tensor, padded: Tensor, other: Tensor) {
        var r = RandomGenerator(seed: 5)
        let v = Tensor.normal([1, 4, 8], using: &r)
        let junk = Tensor.normal([1, 2, 8], std: 10, using: &r)
        return (v, Tensor.concat([v, junk], axis: 1), Tensor.normal([1, 6, 8], using: &r))
    }

    func testDescriptorOfAVideoAloneEqualsItsPaddedRowInABatchInEvaluation() {
        let (alone, padded, other) = video()
        for layer in layers() {
            _ = layer(Tensor.concat([padded, other]), lengths: [4, 6])     // move the running statistics
            layer.eval()
            let single = layer(alone, lengths: nil)
            let batched = layer(Tensor.concat([padded, other]), lengths: [4, 6])
            assertAllClose(batched.sliced(axis: 0, range: 0..<1).doubles, single.doubles, accuracy: 1e-5)
        }
    }

    func testPaddingDoesNotChangeTheDescriptorInTraining() {
        let (alone, padded, _) = video()
        for layer in layers() {
            let single = layer(alone, lengths: nil)
            let withPadding = layer(padded, lengths: [4])
            assertAllClose(withPadding.doubles, single.doubles, accuracy: 1e-5)
        }
    }

    func testPaddingFramesGetNoGradient() {
        let (_, padded, other) = video()
        let x = Tensor.concat([padded, other])
        for layer in layers() {
            let g = gradient(of: { x in (layer(x, lengths: [4, 6]) * Tensor.arange(0, Double(layer.outputFeatures))).sum() }, wrt: x)
            let pad = g.sliced([0..<1, 4..<6]).doubles
            XCTAssertTrue(pad.allSatisfy { $0 == 0 }, "\(type(of: layer)) sends gradient to padding frames")
            XCTAssertTrue(g.sliced([0..<1, 0..<4]).doubles.contains { $0 != 0 })
        }
    }

    func testAssignmentsOfPaddingFramesAreZero() {
        let (_, padded, other) = video()
        let x = Tensor.concat([padded, other])
        let a = SoftAssignment(featureSize: 8, clusters: 4, batchNorm: true, rng: &rng)
        let mask = frameMask(for: x, lengths: [4, 6], layer: "test")
        let assigned = a(x, mask: mask, layer: "test")
        XCTAssertTrue(assigned.sliced([0..<1, 4..<6]).doubles.allSatisfy { $0 == 0 })
        assertAllClose(assigned.sum(axis: 2).sliced([1..<2]).doubles, [Double](repeating: 1, count: 6), accuracy: 1e-6)
    }
}

final class PoolingParameterCountTests: XCTestCase {
    var rng = RandomGenerator(seed: 41)

    func testEachLayerMatchesItsParameterCountFormula() {
        for (d, k) in [(3, 2), (16, 5), (128, 8)] {
            for bn in [true, false] {
                let lp: PowerNormalization? = bn ? .learnable(initial: 2) : .fixed(2)
                let vlad = NetVLAD(featureSize: d, clusters: k, batchNorm: bn, logitPower: lp, descriptorPower: .learnable(initial: 1), rng: &rng)
                XCTAssertEqual(vlad.parameterCount, shapeOnlyCount { NetVLAD(featureSize: d, clusters: k, batchNorm: bn, logitPower: lp, descriptorPower: .learnable(initial: 1), rng: &$0) })
                XCTAssertEqual(vlad.parameterCount, 2 * d * k + (bn ? 2 * k + 1 : k) + 1)
                let rvlad = NetRVLAD(featureSize: d, clusters: k, batchNorm: bn, rng: &rng)
                XCTAssertEqual(rvlad.parameterCount, d * k + (bn ? 2 : 1) * k)
                XCTAssertEqual(rvlad.parameterCount, shapeOnlyCount { NetRVLAD(featureSize: d, clusters: k, batchNorm: bn, rng: &$0) })
                let fv = NetFV(featureSize: d, clusters: k, batchNorm: bn, coupledCentres: !bn, rng: &rng)
                XCTAssertEqual(fv.parameterCount, (bn ? 3 : 2) * d * k + (bn ? 2 : 1) * k)
                XCTAssertEqual(fv.parameterCount, shapeOnlyCount { NetFV(featureSize: d, clusters: k, batchNorm: bn, coupledCentres: !bn, rng: &$0) })
                let dbof = SoftDBoF(featureSize: d, clusters: k, maxPool: true, batchNorm: bn, rng: &rng)
                XCTAssertEqual(dbof.parameterCount, shapeOnlyCount { SoftDBoF(featureSize: d, clusters: k, batchNorm: bn, rng: &$0) })
                XCTAssertEqual(dbof.outputFeatures, 2 * k)
            }
            let bow = VLADBoW(featureSize: d, clusters: k, rng: &rng)
            XCTAssertEqual(bow.parameterCount, d * k + k + 1)
            XCTAssertEqual(bow.parameterCount, shapeOnlyCount { VLADBoW(featureSize: d, clusters: k, rng: &$0) })
        }
    }

    /// WILLOW frame-level recipes (docs/zoo.md): input BN on 1152 →
    /// video/audio pooling → hidden dense with bias (relu off) → context
    /// gating → MoE(m=2) → probability gating. The hidden Linear is counted
    /// by its formula (285 M floats are not allocated in a unit test).
    func willowTotal(pooling: Int, pooledFeatures: Int, hidden: Int = 1024, gating: Bool = true, probabilityGating: Bool = true) -> Int {
        let classes = 3862
        return 2 * 1152 + pooling + (pooledFeatures + 1) * hidden
            + (gating ? shapeOnlyCount { ContextGating(hidden, rng: &$0) } : 0)
            + shapeOnlyCount { MixtureOfExperts(hidden, classes: classes, mixtures: 2, probabilityGating: probabilityGating, rng: &$0) }
    }

    func testGatedNetVLADRecipeHas321Point5MillionParameters() {
        let pooling = shapeOnlyCount { NetVLAD(featureSize: 1024, clusters: 256, rng: &$0) } + shapeOnlyCount { NetVLAD(featureSize: 128, clusters: 128, rng: &$0) }
        let total = willowTotal(pooling: pooling, pooledFeatures: 1024 * 256 + 128 * 128)
        XCTAssertEqual(1024 * 256 + 128 * 128, 278_528)
        XCTAssertEqual(Double(total) / 1e6, 321.5, accuracy: 0.05)
        XCTAssertEqual(Double((278_528 + 1) * 1024) / 1e6, 285.2, accuracy: 0.05)   // "hidden layer alone 285 M"
    }

    func testGatedNetRVLADRecipeHas321Point2MillionParameters() {
        let pooling = shapeOnlyCount { NetRVLAD(featureSize: 1024, clusters: 256, rng: &$0) } + shapeOnlyCount { NetRVLAD(featureSize: 128, clusters: 128, rng: &$0) }
        // 321,249,852, which docs/zoo.md quotes as 321.2 M.
        XCTAssertEqual(willowTotal(pooling: pooling, pooledFeatures: 278_528), 321_249_852)
        XCTAssertEqual(Double(willowTotal(pooling: pooling, pooledFeatures: 278_528)) / 1e6, 321.2, accuracy: 0.051)
    }

    func testGatedNetFVRecipeHas321Point4MillionParameters() {
        let pooling = shapeOnlyCount { NetFV(featureSize: 1024, clusters: 128, rng: &$0) } + shapeOnlyCount { NetFV(featureSize: 128, clusters: 64, rng: &$0) }
        XCTAssertEqual(Double(willowTotal(pooling: pooling, pooledFeatures: 2 * (1024 * 128 + 128 * 64))) / 1e6, 321.4, accuracy: 0.05)
    }

    func testSoftDBoWRecipeHas37Point3MillionParameters() {
        // K = 8000 video, K/8 audio, hidden 1024 with bias, no gating, MoE without probability gating.
        let pooling = shapeOnlyCount { SoftDBoF(featureSize: 1024, clusters: 8000, rng: &$0) } + shapeOnlyCount { SoftDBoF(featureSize: 128, clusters: 1000, rng: &$0) }
        let total = willowTotal(pooling: pooling, pooledFeatures: 9000, gating: false, probabilityGating: false)
        XCTAssertEqual(Double(total) / 1e6, 37.3, accuracy: 0.05)
    }

    func testBuiltRecipePoolingLayersMatchTheirFormulas() {
        // The recipe's pooling layers themselves, built (0.6 M parameters).
        let video = NetVLAD(featureSize: 1024, clusters: 256, rng: &rng), audio = NetVLAD(featureSize: 128, clusters: 128, rng: &rng)
        XCTAssertEqual(video.parameterCount + audio.parameterCount, 524_800 + 33_024)
        XCTAssertEqual(video.outputFeatures + audio.outputFeatures, 278_528)
    }
}

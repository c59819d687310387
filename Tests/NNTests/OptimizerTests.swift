import XCTest
import Tensor
@testable import NN

final class Scalar: Module {
    let w: Parameter
    init(_ v: [Double]) { w = Parameter(Tensor(v)) }
}

/// Optimizer steps against updates worked out by hand from the papers' formulas.
final class OptimizerTests: XCTestCase {
    func testAdamFirstStepsMatchHandComputation() {
        let m = Scalar([1.0])
        let adam = Adam(m, learningRate: 0.1)
        // Step 1, g = 0.5: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25 → w = 1 − 0.1·0.5/(0.5 + 1e-8).
        m.w.value.grad = Tensor([0.5])
        adam.update()
        XCTAssertEqual(m.w.value.doubles[0], 1 - 0.1 * 0.5 / (0.5 + 1e-8), accuracy: 1e-15)
        // Step 2, g = −1: m = 0.045 − 0.1 = −0.055, v = 0.00024975 + 0.001 = 0.00124975,
        // m̂ = −0.055/0.19, v̂ = 0.00124975/0.001999.
        m.w.zeroGrad()
        m.w.value.grad = Tensor([-1.0])
        let before = m.w.value.doubles[0]
        adam.update()
        let mhat = -0.055 / 0.19, vhat = 0.00124975 / (1 - 0.999 * 0.999)
        XCTAssertEqual(m.w.value.doubles[0], before - 0.1 * mhat / (vhat.squareRoot() + 1e-8), accuracy: 1e-12)
    }

    func testFloat32AdamMatchesTheFloat64UpdateOnLanesAndTail() {
        // 21 values: two SIMD blocks of eight and a tail of five.
        for decoupled in [false, true] {
            let start = (0..<21).map { Double($0) / 7 - 1 }, grads = (0..<21).map { sin(Double($0)) }
            let m64 = Scalar(start), m32 = Scalar(start)
            m32.w.value = Tensor(start.map { Float($0) }).requiringGrad()
            let a64 = Adam(m64, learningRate: 0.01, weightDecay: 0.1, decoupledWeightDecay: decoupled)
            let a32 = Adam(m32, learningRate: 0.01, weightDecay: 0.1, decoupledWeightDecay: decoupled)
            for _ in 0..<3 {
                m64.w.zeroGrad(); m32.w.zeroGrad()
                m64.w.value.grad = Tensor(grads); m32.w.value.grad = Tensor(grads.map { Float($0) })
                a64.update(); a32.update()
            }
            for (x, y) in zip(m32.w.value.doubles, m64.w.value.doubles) { XCTAssertEqual(x, y, accuracy: 1e-6) }
        }
    }

    func testAdamWDecaysWeightsBeforeTheStep() {
        let m = Scalar([2.0])
        let adam = Adam.adamW(m, learningRate: 0.1, weightDecay: 0.5)
        m.w.value.grad = Tensor([0.0])       // zero gradient: only the decay acts (m̂ = 0)
        adam.update()
        XCTAssertEqual(m.w.value.doubles[0], 2 * (1 - 0.1 * 0.5), accuracy: 1e-15)
    }

    func testSGDWithMomentumAndNesterov() {
        let m = Scalar([1.0])
        let sgd = SGD(m, learningRate: 0.1, momentum: 0.9)
        m.w.value.grad = Tensor([1.0]); sgd.update()          // b = 1, w = 0.9
        m.w.zeroGrad(); m.w.value.grad = Tensor([1.0]); sgd.update()   // b = 1.9, w = 0.71
        XCTAssertEqual(m.w.value.doubles[0], 0.71, accuracy: 1e-15)
        let n = Scalar([1.0])
        let nesterov = SGD(n, learningRate: 0.1, momentum: 0.9, nesterov: true)
        n.w.value.grad = Tensor([1.0]); nesterov.update()     // b = 1, d = 1 + 0.9 → w = 0.81
        XCTAssertEqual(n.w.value.doubles[0], 0.81, accuracy: 1e-15)
    }

    func testGlobalNormClippingScalesAllGradientsTogether() {
        let a = Scalar([0, 0]), b = Scalar([0])
        a.w.value.grad = Tensor([3.0, 0]); b.w.value.grad = Tensor([4.0])
        let norm = GradientClipping.clipByGlobalNorm([a.w, b.w], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-12)
        XCTAssertEqual(a.w.grad!.doubles[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(b.w.grad!.doubles[0], 0.8, accuracy: 1e-6)
    }

    func testSchedules() {
        let decay = Schedules.exponentialDecay(0.01, rate: 0.95, decaySteps: 100)
        XCTAssertEqual(decay(99), 0.01)
        XCTAssertEqual(decay(100), 0.0095, accuracy: 1e-15)
        let warm = Schedules.linearWarmup(steps: 4, then: Schedules.constant(1))
        XCTAssertEqual((0..<5).map(warm), [0.25, 0.5, 0.75, 1, 1])
        let cos = Schedules.cosine(1, totalSteps: 10)
        XCTAssertEqual(cos(5), 0.5, accuracy: 1e-15)
        XCTAssertEqual(cos(10), 0, accuracy: 1e-15)
    }

    func testEMAFollowsItsRecurrenceAndSwapsInAndOut() {
        let m = Scalar([0.0])
        let ema = ExponentialMovingAverage(m, rate: 0.25, startStep: 1)
        m.w.assign(Tensor([8.0])); ema.update(step: 0)       // before the start: ignored
        XCTAssertFalse(ema.isStarted)
        ema.update(step: 1)                                   // shadow = 8
        m.w.assign(Tensor([4.0])); ema.update(step: 2)       // 0.75·8 + 0.25·4 = 7
        ema.swapIn()
        XCTAssertEqual(m.w.value.doubles, [7])
        ema.swapOut()
        XCTAssertEqual(m.w.value.doubles, [4])
    }
}

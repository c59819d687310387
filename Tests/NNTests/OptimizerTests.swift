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

    /// The address of each optimizer state buffer after every step: a state
    /// copied instead of updated in place shows up as a new address, since
    /// the copy is allocated while the old buffer is still alive.
    private func stateAddresses(_ optimizer: Optimizer, _ model: Scalar, steps: Int) -> [[String: Int]] {
        (0..<steps).map { _ in
            model.w.zeroGrad()
            model.w.value.grad = Tensor([Float](repeating: 0.5, count: 4096))
            optimizer.update()
            var addresses = ["weight": Int(bitPattern: model.w.value.unsafePointer(of: Float.self))]
            for (name, state) in optimizer.stateTensors() where name != "step" {
                addresses[name] = Int(bitPattern: state.unsafePointer(of: Float.self))
            }
            return addresses
        }
    }

    func testOptimizersUpdateWeightsAndStatesInPlace() {
        func model() -> Scalar {
            let m = Scalar([0])
            m.w.value = Tensor([Float](repeating: 1, count: 4096)).requiringGrad()
            return m
        }
        let cases: [(String, (Scalar) -> Optimizer)] = [
            ("Adam", { Adam($0) }),
            ("RMSprop, momentum, centered", { RMSprop($0, momentum: 0.9, centered: true) }),
            ("SGD with momentum", { SGD($0, learningRate: 0.1, momentum: 0.9) }),
        ]
        for (label, make) in cases {
            let m = model()
            let addresses = stateAddresses(make(m), m, steps: 3)
            XCTAssertGreaterThan(addresses[0].count, 1, "\(label): no state tensors")
            XCTAssertEqual(addresses[1], addresses[0], "\(label): a buffer moved between steps 1 and 2 (copied, not updated in place)")
            XCTAssertEqual(addresses[2], addresses[0], "\(label): a buffer moved between steps 2 and 3")
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

    func testRMSpropTwoStepsMatchHandComputation() {
        // PyTorch defaults α = 0.99, ε = 1e-8; lr 0.01; w = [1, −2].
        let m = Scalar([1.0, -2.0])
        let rms = RMSprop(m, learningRate: 0.01)
        XCTAssertEqual([rms.alpha, rms.epsilon, rms.momentum, rms.weightDecay], [0.99, 1e-8, 0, 0])
        XCTAssertFalse(rms.centered)
        // Step 1, g = [0.5, −1]: v = 0.01·g² = [0.0025, 0.01], √v = [0.05, 0.1]
        // → w = [1 − 0.01·0.5/0.05000001, −2 + 0.01·1/0.10000001] = [0.90000002, −1.90000001].
        m.w.value.grad = Tensor([0.5, -1.0])
        rms.update()
        XCTAssertEqual(m.w.value.doubles[0], 0.900000019999996, accuracy: 1e-15)
        XCTAssertEqual(m.w.value.doubles[1], -1.900000009999999, accuracy: 1e-15)
        // Step 2, g = [0.25, 2]: v = 0.99·[0.0025, 0.01] + 0.01·[0.0625, 4] = [0.0031, 0.0499],
        // √v = [0.0556776436, 0.2233830790] → steps [0.0449013174, 0.0895322922]
        // → w = [0.8550987026, −1.9895323022].
        m.w.zeroGrad()
        m.w.value.grad = Tensor([0.25, 2.0])
        rms.update()
        XCTAssertEqual(m.w.value.doubles[0], 0.900000019999996 - 0.01 * 0.25 / (0.0031.squareRoot() + 1e-8), accuracy: 1e-14)
        XCTAssertEqual(m.w.value.doubles[1], -1.900000009999999 - 0.01 * 2 / (0.0499.squareRoot() + 1e-8), accuracy: 1e-14)
        XCTAssertEqual(m.w.value.doubles[0], 0.8550987026, accuracy: 1e-10)
        XCTAssertEqual(m.w.value.doubles[1], -1.9895323022, accuracy: 1e-10)
        XCTAssertEqual(rms.step, 2)
        XCTAssertEqual(rms.stateTensors()["square_avg.w"]!.doubles[0], 0.0031, accuracy: 1e-15)
        XCTAssertEqual(rms.stateTensors()["square_avg.w"]!.doubles[1], 0.0499, accuracy: 1e-15)
    }

    func testRMSpropMomentumCenteredAndWeightDecayOptions() {
        // Momentum 0.9, g = 1 twice: v₁ = 0.01, b₁ = 1/(0.1 + ε) = 9.999999, w₁ = 1 − 0.09999999 = 0.90000001;
        // v₂ = 0.0199, b₂ = 0.9·b₁ + 1/√0.0199 = 8.9999991 + 7.0888115 = 16.0888106,
        // w₂ = 0.90000001 − 0.160888106 = 0.739111904.
        let m = Scalar([1.0])
        let withMomentum = RMSprop(m, learningRate: 0.01, momentum: 0.9)
        for _ in 0..<2 { m.w.zeroGrad(); m.w.value.grad = Tensor([1.0]); withMomentum.update() }
        XCTAssertEqual(m.w.value.doubles[0], 0.739111904, accuracy: 1e-9)
        XCTAssertNotNil(withMomentum.stateTensors()["momentum_buffer.w"])
        // Centred, g = 1 then −1: v₁ = 0.01, ḡ₁ = 0.01, √(v₁ − ḡ₁²) = √0.0099 = 0.0994987 → w₁ = 1 − 0.01/0.0994987 = 0.8994962;
        // v₂ = 0.0199, ḡ₂ = 0.0099 − 0.01 = −0.0001, √(0.0199 − 1e-8) = 0.1410673 → w₂ = w₁ + 0.01/0.1410673 = 0.9703844.
        let c = Scalar([1.0])
        let centered = RMSprop(c, learningRate: 0.01, centered: true)
        for g in [1.0, -1.0] { c.w.zeroGrad(); c.w.value.grad = Tensor([g]); centered.update() }
        XCTAssertEqual(c.w.value.doubles[0], 0.9703843619, accuracy: 1e-9)
        XCTAssertEqual(centered.stateTensors()["grad_avg.w"]!.doubles[0], -0.0001, accuracy: 1e-15)
        // Weight decay 0.1 on w = 2 with g = 0: g' = 0.2, v = 0.01·0.04 = 0.0004, w = 2 − 0.01·0.2/0.02 = 1.9 (− ε effects).
        let d = Scalar([2.0])
        let decayed = RMSprop(d, learningRate: 0.01, weightDecay: 0.1)
        d.w.value.grad = Tensor([0.0])
        decayed.update()
        XCTAssertEqual(d.w.value.doubles[0], 1.9, accuracy: 1e-7)
    }

    func testFloat32RMSpropMatchesTheFloat64Update() {
        for (momentum, centered) in [(0.0, false), (0.9, false), (0.5, true)] {
            let start = (0..<21).map { Double($0) / 7 - 1 }, grads = (0..<21).map { sin(Double($0)) }
            let m64 = Scalar(start), m32 = Scalar(start)
            m32.w.value = Tensor(start.map { Float($0) }).requiringGrad()
            let r64 = RMSprop(m64, learningRate: 0.01, weightDecay: 0.1, momentum: momentum, centered: centered)
            let r32 = RMSprop(m32, learningRate: 0.01, weightDecay: 0.1, momentum: momentum, centered: centered)
            for _ in 0..<3 {
                m64.w.zeroGrad(); m32.w.zeroGrad()
                m64.w.value.grad = Tensor(grads); m32.w.value.grad = Tensor(grads.map { Float($0) })
                r64.update(); r32.update()
            }
            for (x, y) in zip(m32.w.value.doubles, m64.w.value.doubles) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        }
    }

    func testRMSpropStateRestoresAndContinuesExactly() throws {
        // Two optimizers on equal weights; one is rebuilt from the other's state after two steps.
        for (momentum, centered) in [(0.0, false), (0.9, true)] {
            let a = Scalar([0.3, -0.7, 1.1]), b = Scalar([0.3, -0.7, 1.1])
            let ra = RMSprop(a, learningRate: 0.05, momentum: momentum, centered: centered)
            let grads: [[Double]] = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.6], [0.7, 0.8, -0.9], [0.2, 0.1, 0.05]]
            for g in grads.prefix(2) { a.w.zeroGrad(); a.w.value.grad = Tensor(g); ra.update() }
            b.w.assign(a.w.value)
            let rb = RMSprop(b, learningRate: 0.05, momentum: momentum, centered: centered)
            try rb.loadState(ra.stateTensors())
            XCTAssertEqual(rb.step, 2)
            for g in grads.suffix(2) {
                a.w.zeroGrad(); a.w.value.grad = Tensor(g); ra.update()
                b.w.zeroGrad(); b.w.value.grad = Tensor(g); rb.update()
            }
            XCTAssertEqual(a.w.value.doubles, b.w.value.doubles)
        }
        let m = Scalar([1.0, 2.0])
        let rms = RMSprop(m)
        XCTAssertThrowsError(try rms.loadState([:])) { XCTAssertEqual($0 as? OptimizerStateError, .missing("step")) }
        XCTAssertThrowsError(try rms.loadState(["step": Tensor(scalar: 1.0), "square_avg.w": Tensor([1.0])])) {
            XCTAssertEqual($0 as? OptimizerStateError, .shapeMismatch(name: "square_avg.w", expected: [2], found: [1]))
        }
    }

    func testGlobalNormClippingScalesAllGradientsTogether() {
        let a = Scalar([0, 0]), b = Scalar([0])
        a.w.value.grad = Tensor([3.0, 0]); b.w.value.grad = Tensor([4.0])
        let norm = GradientClipping.clipByGlobalNorm([a.w, b.w], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-12)
        XCTAssertEqual(a.w.grad!.doubles[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(b.w.grad!.doubles[0], 0.8, accuracy: 1e-6)
    }

    func testGlobalNormMeasuresWithoutScaling() {
        let a = Scalar([0, 0]), b = Scalar([0]), c = Scalar([0])
        a.w.value.grad = Tensor([3.0, 4.0]); b.w.value.grad = Tensor([12.0])     // c has no gradient
        XCTAssertEqual(GradientClipping.globalNorm([a.w, b.w, c.w]), 13, accuracy: 1e-12)   // √(9 + 16 + 144)
        XCTAssertEqual(a.w.grad!.doubles, [3, 4])
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

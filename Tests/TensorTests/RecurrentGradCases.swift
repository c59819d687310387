import XCTest
@testable import Tensor

/// Gradient checks of the fused recurrences (Ops/Recurrence.swift): every
/// input of each primitive, forward and reversed, with and without biases,
/// and with lengths so padded frames (which must get zero gradient and
/// carry the state) are exercised.
let recurrentGradCases: [GradCase] = lstmRecurrenceGradCases + gruRecurrenceGradCases + qrnnPoolingGradCases

final class RecurrenceGradientTests: XCTestCase {
    func testRecurrenceGradients() { runGradCases(recurrentGradCases) }
}

// B = 2, T = 4, H = 2 (4H = 8 LSTM gates, 3H = 6 GRU gates).
let lstmRecurrenceGradCases: [GradCase] = [
    GradCase("lstmRecurrence, no biases", [input([2, 4, 8], 701), input([8, 2], 702), input([2, 2], 703), input([2, 2], 704)]) {
        lstmRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], initialCell: $0[3])
    },
    GradCase("lstmRecurrence, both biases, reversed",
             [input([2, 4, 8], 705), input([8, 2], 706), input([2, 2], 707), input([2, 2], 708), input([8], 709), input([8], 710)]) {
        lstmRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], initialCell: $0[3],
                       inputBias: $0[4], recurrentBias: $0[5], reversed: true)
    },
    GradCase("lstmRecurrence, lengths [4, 2, 1], input bias",
             [input([3, 4, 8], 711), input([8, 2], 712), input([3, 2], 713), input([3, 2], 714), input([8], 715)]) {
        lstmRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], initialCell: $0[3], inputBias: $0[4],
                       lengths: [4, 2, 1])
    },
    GradCase("lstmRecurrence, lengths [2, 4, 3], reversed, recurrent bias",
             [input([3, 4, 8], 716), input([8, 2], 717), input([3, 2], 718), input([3, 2], 719), input([8], 720)]) {
        lstmRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], initialCell: $0[3], recurrentBias: $0[4],
                       lengths: [2, 4, 3], reversed: true)
    },
]

let gruRecurrenceGradCases: [GradCase] = [
    GradCase("gruRecurrence, no biases", [input([2, 4, 6], 731), input([6, 2], 732), input([2, 2], 733)]) {
        gruRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2])
    },
    GradCase("gruRecurrence, both biases, reversed",
             [input([2, 4, 6], 734), input([6, 2], 735), input([2, 2], 736), input([6], 737), input([6], 738)]) {
        gruRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], inputBias: $0[3], recurrentBias: $0[4], reversed: true)
    },
    GradCase("gruRecurrence, lengths [1, 4, 3], both biases",
             [input([3, 4, 6], 739), input([6, 2], 740), input([3, 2], 741), input([6], 742), input([6], 743)]) {
        gruRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], inputBias: $0[3], recurrentBias: $0[4],
                      lengths: [1, 4, 3])
    },
    GradCase("gruRecurrence, lengths [3, 2, 4], reversed, recurrent bias",
             [input([3, 4, 6], 744), input([6, 2], 745), input([3, 2], 746), input([6], 747)]) {
        gruRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], recurrentBias: $0[3],
                      lengths: [3, 2, 4], reversed: true)
    },
]

let qrnnPoolingGradCases: [GradCase] = [
    GradCase("qrnnPooling fo", [input([2, 5, 9], 761), input([2, 3], 762)]) {
        qrnnPooling($0[0], initialCell: $0[1])
    },
    GradCase("qrnnPooling f (no output gate), one step", [input([3, 1, 4], 763), input([3, 2], 764)]) {
        qrnnPooling($0[0], initialCell: $0[1])
    },
    GradCase("qrnnPooling fo with zoneout mask and scale", [input([2, 4, 6], 765), input([2, 2], 766)]) {
        var rng = RandomGenerator(seed: 767)
        let mask = Tensor.bernoulli([2, 4, 2], probability: 0.6, dtype: .float64, using: &rng)
        return qrnnPooling($0[0], initialCell: $0[1], forgetMask: mask, forgetScale: 0.8)
    },
]

import XCTest
import Tensor
@testable import NN

/// Gradient checks of the fused recurrences (Layers/Recurrent/Recurrence.swift): every
/// input of each primitive, forward and reversed, with and without biases,
/// and with lengths so padded frames (which must get zero gradient and
/// carry the state) are exercised.
let recurrentGradCases: [GradientCheckCase] = lstmRecurrenceGradCases + gruRecurrenceGradCases + qrnnPoolingGradCases

final class RecurrenceGradientTests: XCTestCase {
    func testRecurrenceGradients() { runGradCases(recurrentGradCases) }
}

// B = 2, T = 4, H = 2 (4H = 8 LSTM gates, 3H = 6 GRU gates).
let lstmRecurrenceGradCases: [GradientCheckCase] = [
    GradientCheckCase("lstmRecurrence, no biases", [uniformInput([2, 4, 8], 701), uniformInput([8, 2], 702), uniformInput([2, 2], 703), uniformInput([2, 2], 704)]) {
        lstmRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], initialCell: $0[3])
    },
    GradientCheckCase("lstmRecurrence, both biases, reversed",
             [uniformInput([2, 4, 8], 705), uniformInput([8, 2], 706), uniformInput([2, 2], 707), uniformInput([2, 2], 708), uniformInput([8], 709), uniformInput([8], 710)]) {
        lstmRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], initialCell: $0[3],
                       inputBias: $0[4], recurrentBias: $0[5], reversed: true)
    },
    GradientCheckCase("lstmRecurrence, lengths [4, 2, 1], input bias",
             [uniformInput([3, 4, 8], 711), uniformInput([8, 2], 712), uniformInput([3, 2], 713), uniformInput([3, 2], 714), uniformInput([8], 715)]) {
        lstmRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], initialCell: $0[3], inputBias: $0[4],
                       lengths: [4, 2, 1])
    },
    GradientCheckCase("lstmRecurrence, lengths [2, 4, 3], reversed, recurrent bias",
             [uniformInput([3, 4, 8], 716), uniformInput([8, 2], 717), uniformInput([3, 2], 718), uniformInput([3, 2], 719), uniformInput([8], 720)]) {
        lstmRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], initialCell: $0[3], recurrentBias: $0[4],
                       lengths: [2, 4, 3], reversed: true)
    },
]

let gruRecurrenceGradCases: [GradientCheckCase] = [
    GradientCheckCase("gruRecurrence, no biases", [uniformInput([2, 4, 6], 731), uniformInput([6, 2], 732), uniformInput([2, 2], 733)]) {
        gruRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2])
    },
    GradientCheckCase("gruRecurrence, both biases, reversed",
             [uniformInput([2, 4, 6], 734), uniformInput([6, 2], 735), uniformInput([2, 2], 736), uniformInput([6], 737), uniformInput([6], 738)]) {
        gruRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], inputBias: $0[3], recurrentBias: $0[4], reversed: true)
    },
    GradientCheckCase("gruRecurrence, lengths [1, 4, 3], both biases",
             [uniformInput([3, 4, 6], 739), uniformInput([6, 2], 740), uniformInput([3, 2], 741), uniformInput([6], 742), uniformInput([6], 743)]) {
        gruRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], inputBias: $0[3], recurrentBias: $0[4],
                      lengths: [1, 4, 3])
    },
    GradientCheckCase("gruRecurrence, lengths [3, 2, 4], reversed, recurrent bias",
             [uniformInput([3, 4, 6], 744), uniformInput([6, 2], 745), uniformInput([3, 2], 746), uniformInput([6], 747)]) {
        gruRecurrence($0[0], recurrentWeight: $0[1], initialHidden: $0[2], recurrentBias: $0[3],
                      lengths: [3, 2, 4], reversed: true)
    },
]

let qrnnPoolingGradCases: [GradientCheckCase] = [
    GradientCheckCase("qrnnPooling fo", [uniformInput([2, 5, 9], 761), uniformInput([2, 3], 762)]) {
        qrnnPooling($0[0], initialCell: $0[1])
    },
    GradientCheckCase("qrnnPooling f (no output gate), one step", [uniformInput([3, 1, 4], 763), uniformInput([3, 2], 764)]) {
        qrnnPooling($0[0], initialCell: $0[1])
    },
    GradientCheckCase("qrnnPooling fo with zoneout mask and scale", [uniformInput([2, 4, 6], 765), uniformInput([2, 2], 766)]) {
        var rng = RandomGenerator(seed: 767)
        let mask = Tensor.bernoulli([2, 4, 2], probability: 0.6, dtype: .float64, using: &rng)
        return qrnnPooling($0[0], initialCell: $0[1], forgetMask: mask, forgetScale: 0.8)
    },
]

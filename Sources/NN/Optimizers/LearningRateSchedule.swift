import Tensor
import Foundation

/// A learning-rate schedule: the rate for a step (0-based), as a plain closure.
public typealias LearningRateSchedule = (Int) -> Double

/// Learning-rate schedules as closures from a 0-based step to a rate (mlx-swift's style): the
/// trainer composes them from `TrainingConfig`, and a library user can pass their own.
public enum Schedules {
    /// lr·rate^(step / decaySteps), floored when `staircase` (TensorFlow's
    /// exponential_decay; the starter code decays by 0.95 every 4M examples).
    public static func exponentialDecay(_ lr: Double, rate: Double, decaySteps: Int, staircase: Bool = true) -> LearningRateSchedule {
        precondition(decaySteps > 0, "exponentialDecay: decaySteps must be positive")
        return { step in
            let e = Double(step) / Double(decaySteps)
            return lr * pow(rate, staircase ? e.rounded(.down) : e)
        }
    }

    /// lr·rate^⌊step·batchSize / decayExamples⌋: decay by `rate` every
    /// `decayExamples` examples seen, in steps of `batchSize` examples (the
    /// YouTube-8M starter code and the 2017–2018 papers: 0.95 every 4M examples).
    public static func exponentialDecay(_ lr: Double, rate: Double, everyExamples decayExamples: Int, batchSize: Int) -> LearningRateSchedule {
        precondition(decayExamples > 0 && batchSize > 0,
                     "exponentialDecay: decayExamples (\(decayExamples)) and batchSize (\(batchSize)) must be positive")
        return { step in lr * pow(rate, Double(step * batchSize / decayExamples)) }
    }

    /// Linear warm-up from 0 over `steps`, then `after` (shifted to start at 0).
    public static func linearWarmup(steps: Int, then after: @escaping LearningRateSchedule) -> LearningRateSchedule {
        { step in step < steps ? after(0) * Double(step + 1) / Double(steps) : after(step - steps) }
    }

    /// Cosine decay from lr to `final` over `totalSteps`, constant after.
    public static func cosine(_ lr: Double, totalSteps: Int, final: Double = 0) -> LearningRateSchedule {
        { step in
            let t = min(Double(step) / Double(max(totalSteps, 1)), 1)
            return final + (lr - final) * (1 + cos(Double.pi * t)) / 2
        }
    }

    /// The same rate `lr` at every step.
    public static func constant(_ lr: Double) -> LearningRateSchedule { { _ in lr } }
}

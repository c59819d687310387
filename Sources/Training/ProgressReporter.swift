import FileIO
import Tensor
import Foundation

/// One line of training progress on standard error, at most every
/// `interval` seconds: step, epoch, examples/s, the share of step time spent
/// waiting for data, loss (smoothed), the latest validation GAP and the
/// estimated time left, e.g.
/// `step 120/1000  312 ex/s  data wait 1.2%  loss 0.0213  ETA 2m10s`.
///
/// Examples/s and data wait are over the steps since the previous line (the
/// first line: since the start), from the steps' own times (``Throughput``),
/// so they show the current rate, not one diluted by start-up or by
/// validation passes; the ETA is the run's wall time per step so far, which
/// does count validation, times the steps left.
public final class ProgressReporter {
    /// The steps the run will take, shown as `step n/total` and used for the ETA.
    public let totalSteps: Int
    /// The least time between two progress lines, in seconds.
    public let interval: Double
    private let start: Double
    private var lastPrint: Double = -.infinity
    /// The steps since the last line.
    private var window = Throughput()
    private var smoothedLoss: Double?
    private let output: (String) -> Void

    /// - Parameters:
    ///   - totalSteps: the steps the run will take (for the ETA).
    ///   - interval: the least time between two progress lines, in seconds.
    ///   - output: where lines go (standard error by default).
    public init(totalSteps: Int, interval: Double = 2, output: ((String) -> Void)? = nil) {
        self.totalSteps = totalSteps
        self.interval = interval
        start = MonotonicClock.seconds()
        self.output = output ?? { writeToStandardError($0 + "\n") }
    }

    /// Exponential smoothing of the training loss (weight 0.1 on the newest value).
    public var loss: Double? { smoothedLoss }

    /// Records a finished step (``StepReport``: its step, batch size, loss and
    /// times); prints when the interval has passed or at the last step.
    public func step(_ report: StepReport, validationGAP: Double? = nil, epoch: Int? = nil) {
        window.add(report)
        smoothedLoss = smoothedLoss.map { 0.9 * $0 + 0.1 * report.loss } ?? report.loss
        let t = MonotonicClock.seconds()
        guard t - lastPrint >= interval || report.step == totalSteps else { return }
        lastPrint = t
        output(line(step: report.step, elapsed: t - start, validationGAP: validationGAP, epoch: epoch))
        window = Throughput()
    }

    /// The progress line for a step, `elapsed` seconds into the run, over the steps recorded since the last line (exposed for tests).
    func line(step: Int, elapsed: Double, validationGAP: Double?, epoch: Int?) -> String {
        let perStep = step > 0 ? elapsed / Double(step) : 0
        let eta = Double(max(totalSteps - step, 0)) * perStep
        var parts = [String(format: "step %d/%d", step, totalSteps)]
        if let epoch { parts.append("epoch \(epoch)") }
        parts.append(String(format: "%.0f ex/s", window.examplesPerSecond))
        parts.append(String(format: "data wait %.1f%%", window.dataWaitFraction * 100))
        if let l = smoothedLoss { parts.append(String(format: "loss %.4f", l)) }
        if let g = validationGAP { parts.append(String(format: "val GAP %.4f", g)) }
        parts.append("ETA " + ProgressReporter.duration(eta))
        return parts.joined(separator: "  ")
    }

    /// 75 → "1m15s", 3725 → "1h02m".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}

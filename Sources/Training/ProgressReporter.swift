import FileIO
import Tensor
import Foundation

/// One line of training progress on standard error, at most every
/// `interval` seconds: step, epoch, examples/s, loss (smoothed), the latest
/// validation GAP and the estimated time left.
public final class ProgressReporter {
    /// The steps the run will take, shown as `step n/total` and used for the ETA.
    public let totalSteps: Int
    /// The least time between two progress lines, in seconds.
    public let interval: Double
    private let start: Double
    private var lastPrint: Double = -.infinity
    private var examples = 0
    private var smoothedLoss: Double?
    private let output: (String) -> Void

    /// - Parameters:
    ///   - totalSteps: the steps the run will take (for the ETA).
    ///   - interval: the least time between two progress lines, in seconds.
    ///   - output: where lines go (standard error by default).
    public init(totalSteps: Int, interval: Double = 2, output: ((String) -> Void)? = nil) {
        self.totalSteps = totalSteps
        self.interval = interval
        start = ProgressReporter.now()
        self.output = output ?? { writeToStandardError($0 + "\n") }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Exponential smoothing of the training loss (weight 0.1 on the newest value).
    public var loss: Double? { smoothedLoss }

    /// Records a finished step; prints when the interval has passed or at the last step.
    public func step(_ step: Int, batchSize: Int, loss: Double, validationGAP: Double? = nil, epoch: Int? = nil) {
        examples += batchSize
        smoothedLoss = smoothedLoss.map { 0.9 * $0 + 0.1 * loss } ?? loss
        let t = ProgressReporter.now()
        guard t - lastPrint >= interval || step == totalSteps else { return }
        lastPrint = t
        output(line(step: step, elapsed: t - start, validationGAP: validationGAP, epoch: epoch))
    }

    /// The progress line for a step (exposed for tests).
    func line(step: Int, elapsed: Double, validationGAP: Double?, epoch: Int?) -> String {
        let rate = elapsed > 0 ? Double(examples) / elapsed : 0
        let perStep = step > 0 ? elapsed / Double(step) : 0
        let eta = Double(max(totalSteps - step, 0)) * perStep
        var parts = [String(format: "step %d/%d", step, totalSteps)]
        if let epoch { parts.append("epoch \(epoch)") }
        parts.append(String(format: "%.0f ex/s", rate))
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

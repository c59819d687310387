import FileIO
import Training
import Foundation

/// Writes a line to standard error.
func note(_ text: String) {
    writeToStandardError(text + "\n")
}

/// A status line on standard error that updates in place on a terminal
/// (`\r`), and on a pipe or a log file becomes ordinary lines, at most one
/// every `logInterval` seconds plus the final one, so a log reads line by
/// line instead of as one long `\r`-separated line.
final class StatusLine {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let logInterval: Double
    private var lastLogged = -Double.infinity

    init(logInterval: Double = 5) { self.logInterval = logInterval }

    func show(_ text: String, final: Bool) {
        if isTerminal {
            writeToStandardError("\r" + text + (final ? "\n" : ""))
            return
        }
        let now = Date().timeIntervalSince1970
        guard final || now - lastLogged >= logInterval else { return }
        lastLogged = now
        writeToStandardError(text + "\n")
    }
}

/// Shows the library's pipeline events on standard error, as one stateful
/// printer per command run (the percentage of the synthetic dataset is
/// printed only when it changes, feature counts at most every 2 seconds).
final class ProgressPrinter {
    private var shownPercent = -1
    private var lastFeatureLine = 0.0
    private let status = StatusLine()

    /// The callback to pass to the library.
    var callback: PipelineProgress { { [self] in show($0) } }

    /// `(done, total)` of the synthetic dataset's generation, for `DataSelection.resolve`.
    var syntheticData: (Int, Int) -> Void { { [self] in show(.makingSyntheticData(done: $0, total: $1)) } }

    func show(_ event: PipelineEvent) {
        switch event {
        case .makingSyntheticData(let done, let total):
            let percent = 100 * done / max(total, 1)
            guard percent != shownPercent else { return }
            shownPercent = percent
            status.show("making the embedded synthetic dataset (first use): \(percent)% of \(total) videos", final: done == total)
        case .resumed(let directory, let step):
            note("resuming \(directory) at step \(step)")
        case .outputBiasInitialized(let videos):
            note("output bias: the label frequencies of the first \(videos) training videos (--output-bias as-built for the reference's initialisation)")
        case .training(let line):
            note(line)
        case .collectingFeatures(let split, let videos, let finished):
            let now = Date().timeIntervalSince1970
            if finished {
                lastFeatureLine = 0
                status.show("features of the \(split) videos: \(videos)", final: true)
            } else if now - lastFeatureLine > 2 {
                lastFeatureLine = now
                status.show("features of the \(split) videos: \(videos)", final: false)
            }
        case .stackedFeatures(let members):
            note("penultimate widths " + members.map { "\($0.model) \($0.width)" }.joined(separator: ", ")
                 + " → \(members.map(\.width).reduce(0, +)) features per video")
        case .finalClassifierStarting(let parameters, let hidden, let videos):
            note("final classifier: \(parameters) parameters, hidden \(hidden), \(videos) training videos")
        case .teacherStarted, .teacherFinished, .teachersFinished, .softLabelsWritten, .studentStarted:
            // Their lines name the models, which only the command knows; `distill` prints them.
            break
        }
    }
}

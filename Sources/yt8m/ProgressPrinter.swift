import Training
import Foundation

/// Writes a line to standard error.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Shows the library's pipeline events on standard error, as one stateful
/// printer per command run (the percentage of the synthetic dataset is
/// printed only when it changes, feature counts at most every 2 seconds).
final class ProgressPrinter {
    private var shownPercent = -1
    private var lastFeatureLine = 0.0

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
            write("\rmaking the embedded synthetic dataset (first use): \(percent)% of \(total) videos")
            if done == total { write("\n") }
        case .resumed(let directory, let step):
            note("resuming \(directory) at step \(step)")
        case .training(let line):
            note(line)
        case .collectingFeatures(let split, let videos, let finished):
            let now = Date().timeIntervalSince1970
            if finished {
                lastFeatureLine = 0
                write("\rfeatures of the \(split) videos: \(videos)\n")
            } else if now - lastFeatureLine > 2 {
                lastFeatureLine = now
                write("\rfeatures of the \(split) videos: \(videos)")
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

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

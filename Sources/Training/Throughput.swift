/// Training steps' examples, wall time and time spent waiting for data,
/// summed over a window of steps (one step, the steps since the last
/// progress line, a benchmark's timed steps). The one place examples/s and
/// the data-wait share are computed, so the progress line, metrics.csv,
/// TensorBoard and the B10 benchmark all agree on what they mean.
///
/// A step's time runs from asking the batch source for its batch to the
/// optimizer update (a validation point after it is not counted); its data
/// wait is the part of that spent inside ``BatchSource/nextBatch()``, which
/// with a prefetching reader is only the time the reader had not yet got the
/// batch ready. The share is summed time over summed time, not a mean of
/// per-step shares, so a window of fast steps and one slow read weighs the
/// read by its length.
public struct Throughput: Sendable, Equatable {
    /// Examples (videos or segments) trained on in the window.
    public var examples = 0
    /// Wall-clock seconds of the window's steps.
    public var seconds = 0.0
    /// The part of ``seconds`` spent waiting for the batch source.
    public var dataSeconds = 0.0

    /// An empty window.
    public init() {}

    /// A window of one step of `report`.
    public init(_ report: StepReport) {
        add(report)
    }

    /// Adds a step to the window.
    public mutating func add(_ report: StepReport) {
        examples += report.batchSize
        seconds += report.seconds
        dataSeconds += report.dataSeconds
    }

    /// Whether the window holds any timed step.
    public var isEmpty: Bool { seconds <= 0 }

    /// Examples per second of step time (0 for an empty window).
    public var examplesPerSecond: Double { seconds > 0 ? Double(examples) / seconds : 0 }

    /// The share of step time spent waiting for data, from 0 to 1 (0 for an empty window).
    public var dataWaitFraction: Double { seconds > 0 ? min(max(dataSeconds / seconds, 0), 1) : 0 }
}

import FileIO
import Foundation
import Metrics
import NN
import TFRecord
import Tensor

/// Writes the run as a TensorBoard event file in `<dir>/tensorboard/`
/// (`tensorboard --logdir <dir>` shows it): `train/loss`,
/// `train/learning_rate`, `train/gradient_norm` (before clipping) and
/// `train/examples_per_second` and `train/data_wait_fraction` (``Throughput``
/// of the step: validation not counted) at every step;
/// `validation/gap`, `validation/map`, `validation/hit1`,
/// `validation/perr` at every validation point, and there too a histogram
/// of every parameter (`weights/<name>`) and of its last gradient
/// (`gradients/<name>`).
///
/// Each run (and each resume) starts a new file,
/// `events.out.tfevents.<seconds>.<host>.<pid>`, as TensorFlow's writers do;
/// TensorBoard reads every file of the directory and orders the events by
/// step. A resumed run's file starts with a `SessionLog` START at the first
/// step it trains, the restart marker on which TensorBoard drops every
/// event of that step or later, what the interrupted run logged past its
/// last checkpoint, so no step is shown twice and the checkpoint's own step
/// is kept. Events are TFRecord-framed `Event` protocol buffers
/// (``TensorBoardEvent``), appended as they happen and flushed at every
/// validation point and at the end, so TensorBoard can follow a run live;
/// a crash loses at most the events since the last flush (TensorBoard skips
/// a truncated last record).
public final class TensorBoardWriter: TrainingCallback {
    /// The event file, once training has started.
    public private(set) var path: String?
    private var handle: FileHandle?
    private var pending: [UInt8] = []
    private let clock: () -> Double

    /// - Parameter clock: seconds since 1970 for each event's wall time (the system clock by default).
    public init(clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) {
        self.clock = clock
    }

    /// Creates the run's event file and writes its version record, and on a
    /// resume the `SessionLog` START at the first step to train.
    public func trainingWillStart(_ trainer: Trainer) throws {
        let directory = trainer.directory + "/tensorboard"
        try createDirectories(directory)
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let path = "\(directory)/events.out.tfevents.\(Int(clock())).\(host).\(getpid())"
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw TensorBoardError.cannotCreate(path)
        }
        self.path = path
        self.handle = handle
        append(TensorBoardEvent(wallTime: clock(), step: Int64(trainer.step), content: .fileVersion("brain.Event:2")))
        if trainer.step > 0 { append(TensorBoardEvent(wallTime: clock(), step: Int64(trainer.step + 1), content: .sessionStart)) }
        try flush()
    }

    /// Appends the step's loss, learning rate, gradient norm, examples/s and data wait (flushed early once over 1 MiB are pending).
    public func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws {
        var scalars = [("train/loss", Float(report.loss)), ("train/learning_rate", Float(report.learningRate)),
                       ("train/gradient_norm", Float(report.gradientNorm))]
        let timing = Throughput(report)
        if !timing.isEmpty {
            scalars.append(("train/examples_per_second", Float(timing.examplesPerSecond)))
            scalars.append(("train/data_wait_fraction", Float(timing.dataWaitFraction)))
        }
        append(TensorBoardEvent(wallTime: clock(), step: Int64(report.step), content: .scalars(scalars)))
        if pending.count > 1 << 20 { try flush() }
    }

    /// Appends the validation metrics (when there was a validation set) and
    /// the weight and gradient histograms, then flushes.
    public func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {
        if let r = result {
            append(TensorBoardEvent(wallTime: clock(), step: Int64(trainer.step), content: .scalars([
                ("validation/gap", Float(r.globalAveragePrecision)), ("validation/map", Float(r.meanAveragePrecision)),
                ("validation/hit1", Float(r.hitAtOne)), ("validation/perr", Float(r.precisionAtEqualRecallRate)),
            ])))
        }
        // The gradients are still those of the step just taken (they are cleared when the next one starts).
        var histograms: [(tag: String, histogram: TensorBoardEvent.Histogram)] = []
        for (name, p) in trainer.model.namedParameters() {
            histograms.append(("weights/\(name)", Self.histogram(of: p.value)))
            if let g = p.grad { histograms.append(("gradients/\(name)", Self.histogram(of: g))) }
        }
        append(TensorBoardEvent(wallTime: clock(), step: Int64(trainer.step), content: .histograms(histograms)))
        try flush()
    }

    /// Flushes and closes the event file.
    public func trainingDidEnd(_ trainer: Trainer) throws {
        try flush()
        try handle?.close()
        handle = nil
    }

    /// The histogram of a float tensor's elements, read in place.
    static func histogram(of t: Tensor) -> TensorBoardEvent.Histogram {
        if t.dtype == .float64 {
            return t.withUnsafePointer(of: Double.self) { TensorBoardEvent.Histogram(UnsafeBufferPointer(start: $0, count: t.count)) }
        }
        let x = t.dtype == .float32 ? t : t.converted(to: .float32)
        return x.withUnsafePointer(of: Float.self) { TensorBoardEvent.Histogram(UnsafeBufferPointer(start: $0, count: x.count)) }
    }

    private func append(_ event: TensorBoardEvent) {
        pending += event.serialized.withUnsafeBytes { TFRecordWriter.framed($0) }
    }

    private func flush() throws {
        guard let handle, !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
            try handle.synchronize()
        } catch {
            throw TensorBoardError.cannotWrite(path ?? "", "\(error)")
        }
        pending.removeAll(keepingCapacity: true)
    }
}

/// An event file that cannot be written.
public enum TensorBoardError: Error, CustomStringConvertible, Equatable {
    /// The event file at this path could not be created.
    case cannotCreate(String)
    /// Writing to the event file (the first value) failed, for the reason in the second.
    case cannotWrite(String, String)

    /// The problem in words, naming what was wrong and where.
    public var description: String {
        switch self {
        case .cannotCreate(let p): return "\(p): cannot create the TensorBoard event file"
        case .cannotWrite(let p, let why): return "\(p): cannot write TensorBoard events: \(why)"
        }
    }
}

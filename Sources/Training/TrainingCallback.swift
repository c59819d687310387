import Metrics

/// What happens around a training step, outside the step itself: logs,
/// checkpoints, plots, progress, early stopping, and later TensorBoard
/// events or the distributed ranks' agreement (Keras callbacks, PyTorch
/// Lightning hooks). The ``Trainer`` calls its callbacks in order at each
/// event; every method has an empty default, so a callback implements only
/// the events it uses. A callback that throws stops the run with that error.
public protocol TrainingCallback: AnyObject {
    /// Before the first step of ``Trainer/run(training:validation:progress:)`` (after any resume).
    func trainingWillStart(_ trainer: Trainer) throws
    /// After the backward pass of a step and before clipping and the update:
    /// the parameters' `.grad` hold this batch's gradients (where data-parallel
    /// training averages them across ranks).
    func gradientsDidCompute(_ trainer: Trainer) throws
    /// After each optimizer step; ``Trainer/step`` is the number of steps done.
    func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws
    /// At each validation point (every `validateEvery` steps and at the last
    /// step), after the trainer has scored the validation set (`result`, nil
    /// without one) and updated ``Trainer/bestGAP``.
    func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws
    /// After the last step, or when a callback asked to stop.
    func trainingDidEnd(_ trainer: Trainer) throws
    /// When the run stops with `error` (a callback's, the data's, a
    /// non-finite step's) instead of ending: give back what was taken in
    /// ``trainingWillStart(_:)``. The error is rethrown after every callback.
    func trainingDidFail(_ trainer: Trainer, error: any Error)
}

extension TrainingCallback {
    /// Does nothing: a callback implements only the events it uses.
    public func trainingWillStart(_ trainer: Trainer) throws {}
    /// Does nothing: a callback implements only the events it uses.
    public func gradientsDidCompute(_ trainer: Trainer) throws {}
    /// Does nothing: a callback implements only the events it uses.
    public func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws {}
    /// Does nothing: a callback implements only the events it uses.
    public func validationDidEnd(_ trainer: Trainer, _ result: EvaluationResult?, improved: Bool) throws {}
    /// Does nothing: a callback implements only the events it uses.
    public func trainingDidEnd(_ trainer: Trainer) throws {}
    /// Does nothing: a callback implements only the events it uses.
    public func trainingDidFail(_ trainer: Trainer, error: any Error) {}
}

/// One finished optimizer step, as the callbacks see it.
public struct StepReport: Sendable {
    /// Steps done, this one included.
    public var step: Int
    /// The batch's loss before the update.
    public var loss: Double
    /// The rate the update used.
    public var learningRate: Double
    /// ‖g‖, the global L2 norm of the batch's gradient before any clipping.
    public var gradientNorm: Double
    /// Videos in the batch.
    public var batchSize: Int
    /// Wall-clock seconds of the step, from reading the batch to the
    /// update (a validation point after it is not counted).
    public var seconds: Double
    /// The part of ``seconds`` spent blocked in the batch source's
    /// ``BatchSource/nextBatch()`` (``Throughput`` sums and shares it).
    public var dataSeconds: Double

    /// A report of step `step` (`seconds` long, `dataSeconds` of it waiting for its batch of `batchSize`).
    public init(step: Int, loss: Double, learningRate: Double, gradientNorm: Double, batchSize: Int,
                seconds: Double, dataSeconds: Double = 0) {
        self.step = step
        self.loss = loss
        self.learningRate = learningRate
        self.gradientNorm = gradientNorm
        self.batchSize = batchSize
        self.seconds = seconds
        self.dataSeconds = dataSeconds
    }
}

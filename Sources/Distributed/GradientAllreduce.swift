import Collectives
import Foundation
import NN
import Tensor

/// Sums the gradients of a set of parameters over the ranks, bucket by
/// bucket (``GradientBuckets``), each bucket's allreduce started on a
/// communication thread as soon as the backward pass has finished the last
/// of its gradients, so the reduction of the first buckets overlaps the rest
/// of the pass (PyTorch DDP's reducer, Horovod's background thread).
///
/// Buckets start strictly in bucket order, so every rank runs the same
/// collectives in the same order whatever its timing; a bucket whose
/// gradients did not all arrive during the pass (a parameter this rank's
/// batch did not reach) starts after it, with zeros for the missing ones.
/// Use: ``observeBackwardPasses()``, the backward passes of a step,
/// ``sumGradients()``; after the parameters' values change (an optimizer
/// step), ``mapLeaves()``.
public final class GradientAllreduce {
    /// The ranks' collectives.
    public let communicator: any Communicator
    /// The bucket layout.
    public let buckets: GradientBuckets
    /// Backward passes per step (micro-batches): a gradient is final after the last.
    public let passes: Int
    /// Seconds the last step's allreduces took on the communication thread.
    public private(set) var lastAllreduceSeconds = 0.0
    /// Seconds ``sumGradients()`` waited for them after the backward passes:
    /// the part of ``lastAllreduceSeconds`` the passes did not hide.
    public private(set) var lastWaitSeconds = 0.0

    private let parameterSource: () -> [Parameter]
    private var parameters: [Parameter] = []
    private var leafIndex: [ObjectIdentifier: Int] = [:]
    private var bucketOf: [Int]
    private var notified: [Int] = []
    private var missing: [Int] = []
    private var nextBucket = 0
    private let results = BucketResults()
    private let thread = CommunicationThread()

    /// An allreduce of the gradients of `parameters` (asked again at each
    /// ``mapLeaves()``, in the same order) over `communicator`, in buckets of
    /// about `bucketBytes`, after `passes` backward passes per step.
    public init(parameters: @escaping () -> [Parameter], communicator: any Communicator,
                bucketBytes: Int = 25 << 20, passes: Int = 1) {
        precondition(passes >= 1, "GradientAllreduce: passes must be at least 1, got \(passes)")
        parameterSource = parameters
        self.communicator = communicator
        self.passes = passes
        let current = parameters()
        buckets = GradientBuckets(elementCounts: current.map(\.value.count), bucketBytes: bucketBytes)
        bucketOf = [Int](repeating: 0, count: current.count)
        for (b, members) in buckets.buckets.enumerated() { for i in members { bucketOf[i] = b } }
        reset()
        mapLeaves()
    }

    deinit { stopObserving(); thread.stop() }

    /// Starts each bucket's allreduce during the backward passes on this
    /// process (`LeafGradientObserver`), until ``stopObserving()``.
    public func observeBackwardPasses() {
        LeafGradientObserver.current = { [unowned self] leaf in self.gradientIsFinal(leaf) }
    }

    /// Stops hearing of backward passes; buckets then all start in ``sumGradients()``.
    public func stopObserving() {
        if LeafGradientObserver.current != nil { LeafGradientObserver.current = nil }
    }

    /// Reads the parameters' graph leaves again (their values are new tensors after an update).
    public func mapLeaves() {
        parameters = parameterSource()
        precondition(parameters.count == buckets.elementCounts.count,
                     "GradientAllreduce: \(parameters.count) parameters for a layout of \(buckets.elementCounts.count)")
        leafIndex = [:]
        for (i, p) in parameters.enumerated() { if let id = p.value.leafIdentity { leafIndex[id] = i } }
    }

    /// Starts the buckets not yet started, in order, waits for every
    /// allreduce, and replaces each parameter's gradient by its sum over the
    /// ranks (nil where no rank had one).
    public func sumGradients() throws {
        let start = DispatchTime.now().uptimeNanoseconds
        while nextBucket < buckets.buckets.count { launch(nextBucket) }
        defer { reset() }
        try thread.waitForAll()
        lastAllreduceSeconds = thread.takeBusySeconds()
        lastWaitSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let shapes = parameters.map(\.shape)
        for b in buckets.buckets.indices {
            for (i, g) in buckets.unflatten(b, results.flat[b], shapes: shapes) {
                let p = parameters[i]
                p.grad = g.map { $0.dtype == p.value.dtype ? $0 : $0.converted(to: p.value.dtype) }
            }
        }
    }

    /// Runs `job` (another collective, such as a synchronised batch norm's
    /// sum) on the communication thread after every bucket already queued,
    /// and waits for it: collectives keep one order on every rank, and one
    /// thread at a time calls MPI.
    public func runInOrder(_ job: @escaping () throws -> Void) throws {
        thread.submit(job)
        try thread.waitForAll()
    }

    private func reset() {
        notified = [Int](repeating: 0, count: buckets.elementCounts.count)
        missing = buckets.buckets.map(\.count)
        nextBucket = 0
        results.flat = [[Float]](repeating: [], count: buckets.buckets.count)
    }

    /// A parameter's gradient is final for this backward pass; after the
    /// last pass's, its bucket may start, once every earlier bucket has.
    private func gradientIsFinal(_ leaf: ObjectIdentifier) {
        guard let i = leafIndex[leaf] else { return }
        notified[i] += 1
        guard notified[i] == passes else { return }
        missing[bucketOf[i]] -= 1
        while nextBucket < buckets.buckets.count && missing[nextBucket] == 0 { launch(nextBucket) }
    }

    /// Copies bucket `b` (zeros and a flag for missing gradients) and queues its allreduce.
    private func launch(_ b: Int) {
        nextBucket = b + 1
        var flat = buckets.flatten(b, gradients: parameters.map(\.grad))
        let communicator = self.communicator, results = self.results
        thread.submit {
            try communicator.allreduceSum(&flat)
            results.flat[b] = flat
        }
    }
}

/// The summed buckets of one step, written by the communication thread and
/// read by the training thread after it has waited for them.
final class BucketResults: @unchecked Sendable {
    var flat: [[Float]] = []
}

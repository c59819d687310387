import Foundation

/// One background thread that runs collectives in the order they are
/// submitted, so the allreduce of a gradient bucket proceeds while the
/// training thread goes on with the backward pass (Horovod's background
/// thread). Open MPI runs here at `MPI_THREAD_SERIALIZED`: the training
/// thread calls the communicator itself only when this thread is idle
/// (after ``waitForAll()``).
final class CommunicationThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() throws -> Void] = []
    private var running = false
    private var stopped = false
    private var failure: Error?
    private let done = DispatchSemaphore(value: 0)
    /// Seconds spent inside jobs since the last ``waitForAll()`` that reset it.
    private var busySeconds = 0.0

    init() {
        let thread = Thread { [self] in
            defer { done.signal() }
            work()
        }
        thread.name = "DataParallel allreduce"
        thread.start()
    }

    deinit { stop() }

    /// Queues `job` after every job submitted before it.
    func submit(_ job: @escaping () throws -> Void) {
        condition.lock()
        jobs.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until every submitted job has run; rethrows the first job error.
    func waitForAll() throws {
        condition.lock()
        defer { condition.unlock() }
        while !jobs.isEmpty || running { condition.wait() }
        if let failure {
            self.failure = nil
            throw failure
        }
    }

    /// The seconds jobs have taken since the last call.
    func takeBusySeconds() -> Double {
        condition.lock()
        defer { condition.unlock() }
        let busy = busySeconds
        busySeconds = 0
        return busy
    }

    /// Ends the thread once its queue is empty, and waits for it. Idempotent.
    func stop() {
        condition.lock()
        let first = !stopped
        stopped = true
        condition.broadcast()
        condition.unlock()
        if first { done.wait() }
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty && stopped {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            running = true
            condition.unlock()
            let start = DispatchTime.now().uptimeNanoseconds
            var error: Error?
            do { try job() } catch let e { error = e }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            condition.lock()
            running = false
            busySeconds += seconds
            if failure == nil, let error { failure = error }
            condition.broadcast()
            condition.unlock()
        }
    }
}

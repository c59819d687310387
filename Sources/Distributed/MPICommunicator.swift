import FileIO
import CMPIShim
import Collectives
import Foundation

/// An MPI call that failed, with MPI's own text for the code.
public struct MPIError: Error, CustomStringConvertible, Equatable {
    /// The MPI function, e.g. `MPI_Allreduce`.
    public let operation: String
    /// MPI's error code.
    public let code: Int32
    /// `MPI_Error_string` of the code.
    public let message: String

    /// The problem in words, naming what was wrong and where.
    public var description: String { "\(operation) failed (MPI error \(code)): \(message)" }
}

/// The processes `mpirun` started, as a `Communicator` over
/// `MPI_COMM_WORLD` (Open MPI through the CMPIShim C functions).
///
/// MPI is initialised once per process, on first use of ``world()``, with
/// `MPI_Init_thread` (serialized: calls come from one thread at a time) and
/// finalised when the process exits normally. Rank and size come from MPI.
/// Failed calls throw ``MPIError`` (the world's error handler returns codes
/// instead of aborting), except ``abort(_:code:)``, which ends every rank.
public final class MPICommunicator: Communicator {
    /// This process's rank in `MPI_COMM_WORLD` (`MPI_Comm_rank`).
    public let rank: Int
    /// The number of processes in `MPI_COMM_WORLD` (`MPI_Comm_size`).
    public let size: Int

    nonisolated(unsafe) private static var shared: MPICommunicator?

    /// Whether this process was started by `mpirun`/`mpiexec` (Open MPI's or
    /// a PMI launcher's environment), so a command can choose MPI without
    /// initialising it in a plain run.
    public static var isLaunchedByMPI: Bool {
        let env = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"].contains { env[$0] != nil }
    }

    /// The number of processes the launcher started (its environment, before
    /// MPI is initialised); 1 in a plain run.
    public static var launchedWorldSize: Int {
        let env = ProcessInfo.processInfo.environment
        return ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE"].lazy.compactMap { env[$0].flatMap(Int.init) }.first ?? 1
    }

    /// The world communicator when the launcher started several processes,
    /// nil in a plain run or a run of one rank (which trains as a plain one).
    public static func worldOfSeveralRanks() throws -> MPICommunicator? {
        guard isLaunchedByMPI else { return nil }
        let world = try world()
        return world.size > 1 ? world : nil
    }

    /// The world communicator, initialising MPI on the first call.
    public static func world() throws -> MPICommunicator {
        if let shared { return shared }
        var provided: Int32 = 0
        try check("MPI_Init_thread", ck_mpi_init(&provided))
        // Finalize on a normal exit; an abort never gets here, and MPI_Finalize
        // must not run twice (the shim checks).
        atexit { _ = ck_mpi_finalize() }
        var rank: Int32 = 0, size: Int32 = 0
        try check("MPI_Comm_rank", ck_mpi_rank(&rank))
        try check("MPI_Comm_size", ck_mpi_size(&size))
        let world = MPICommunicator(rank: Int(rank), size: Int(size))
        shared = world
        return world
    }

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Largest element count of one MPI call (MPI counts are C ints); longer
    /// buffers go in several calls.
    static let chunk = 1 << 28

    /// An in-place `MPI_Allreduce` with `MPI_SUM` over `MPI_FLOAT`, in calls of at
    /// most 2²⁸ elements.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard let base = buffer.baseAddress else { return }
        for start in stride(from: 0, to: buffer.count, by: Self.chunk) {
            let n = min(Self.chunk, buffer.count - start)
            try Self.check("MPI_Allreduce", ck_mpi_allreduce_sum_float(base + start, Int32(n)))
        }
    }

    /// An in-place `MPI_Allreduce` with `MPI_SUM` over `MPI_DOUBLE`, in calls of at
    /// most 2²⁸ elements.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        guard let base = buffer.baseAddress else { return }
        for start in stride(from: 0, to: buffer.count, by: Self.chunk) {
            let n = min(Self.chunk, buffer.count - start)
            try Self.check("MPI_Allreduce", ck_mpi_allreduce_sum_double(base + start, Int32(n)))
        }
    }

    /// `MPI_Bcast` of the bytes from rank `root`, in calls of at most 2²⁸ bytes.
    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        guard let base = buffer.baseAddress else { return }
        for start in stride(from: 0, to: buffer.count, by: Self.chunk) {
            let n = min(Self.chunk, buffer.count - start)
            try Self.check("MPI_Bcast", ck_mpi_bcast_bytes(base + start, Int32(n), Int32(root)))
        }
    }

    /// An `MPI_Allgather` of the lengths, then one `MPI_Allgatherv` of the bytes;
    /// throws when all ranks' bytes together exceed `Int32.max`.
    public func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var counts = [Int64](repeating: 0, count: size)
        try Self.check("MPI_Allgather", ck_mpi_allgather_int64(Int64(bytes.count), &counts))
        guard counts.reduce(0, +) <= Int64(Int32.max) else {
            throw MPIError(operation: "MPI_Allgatherv", code: -1, message: "\(counts.reduce(0, +)) bytes in all exceed one call's limit")
        }
        let sizes = counts.map { Int32($0) }
        var displs = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { displs[r] = displs[r - 1] + sizes[r - 1] }
        var recv = [UInt8](repeating: 0, count: Int(counts.reduce(0, +)))
        let rc = bytes.withUnsafeBytes { send in
            recv.withUnsafeMutableBytes { out in
                ck_mpi_allgatherv_bytes(send.baseAddress, Int32(bytes.count), out.baseAddress, sizes, displs)
            }
        }
        try Self.check("MPI_Allgatherv", rc)
        return (0..<size).map { r in Array(recv[Int(displs[r])..<Int(displs[r] + sizes[r])]) }
    }

    /// `MPI_Barrier` on `MPI_COMM_WORLD`.
    public func barrier() throws { try Self.check("MPI_Barrier", ck_mpi_barrier()) }

    /// Writes `message` to standard error, then `MPI_Abort` ends every rank with `code`.
    public func abort(_ message: String, code: Int32) -> Never {
        writeToStandardError(message.hasSuffix("\n") ? message : message + "\n")
        ck_mpi_abort(code)
        exit(code)          // MPI_Abort does not return; this satisfies Never
    }

    static func check(_ operation: String, _ code: Int32) throws {
        guard code != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)
        ck_mpi_error_string(code, &text, Int32(text.count))
        throw MPIError(operation: operation, code: code, message: String(cString: text))
    }
}

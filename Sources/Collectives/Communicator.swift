import FileIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The collective operations data-parallel training needs, over a fixed group
/// of `size` processes ("ranks"), each knowing its own `rank` (0 ..< size).
///
/// Every rank must call the same collectives in the same order with matching
/// sizes (the MPI rule): a rank that skips one leaves the others waiting.
/// Implementations: ``SingleProcessCommunicator`` (one rank; every operation
/// is the identity) and the Distributed module's `MPICommunicator`. The
/// library, the trainer and the tests are written against this protocol so
/// they do not care which one runs.
public protocol Communicator: AnyObject {
    /// This process's index in the group, 0 ..< ``size``.
    var rank: Int { get }
    /// Processes in the group.
    var size: Int { get }
    /// Replaces `buffer` on every rank by the element-wise sum of all ranks' buffers.
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws
    /// Replaces `buffer` on every rank by the element-wise sum of all ranks' buffers.
    func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws
    /// Copies `root`'s bytes into `buffer` on every rank; every rank passes a
    /// buffer of the same size.
    func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws
    /// Every rank's bytes in rank order; the lengths may differ between ranks.
    func allgather(_ bytes: [UInt8]) throws -> [[UInt8]]
    /// Returns once every rank has called it.
    func barrier() throws
    /// Ends every rank of the group (not only this one) after writing
    /// `message` to standard error: what a rank that cannot go on calls, so
    /// the others do not wait for it forever in a collective.
    func abort(_ message: String, code: Int32) -> Never
}

extension Communicator {
    /// Whether this is rank 0, the one that writes files and prints progress.
    public var isRoot: Bool { rank == 0 }

    /// In-place sum of all ranks' arrays (every rank passes the same count).
    public func allreduceSum(_ values: inout [Float]) throws {
        try values.withUnsafeMutableBufferPointer { try allreduceSum($0) }
    }

    /// In-place sum of all ranks' arrays (every rank passes the same count).
    public func allreduceSum(_ values: inout [Double]) throws {
        try values.withUnsafeMutableBufferPointer { try allreduceSum($0) }
    }

    /// `root`'s floats on every rank (every rank passes the same count).
    public func broadcast(_ values: inout [Float], root: Int = 0) throws {
        try values.withUnsafeMutableBytes { try broadcast($0, root: root) }
    }

    /// `root`'s bytes on every rank, whatever the other ranks pass (the
    /// length is broadcast first).
    public func broadcast(_ bytes: [UInt8], root: Int = 0) throws -> [UInt8] {
        var length = Int64(bytes.count)
        try withUnsafeMutableBytes(of: &length) { try broadcast($0, root: root) }
        var out = rank == root ? bytes : [UInt8](repeating: 0, count: Int(length))
        try out.withUnsafeMutableBytes { try broadcast($0, root: root) }
        return out
    }

    /// Every rank's floats in rank order; the counts may differ between ranks.
    public func allgather(_ values: [Float]) throws -> [[Float]] {
        let bytes = values.withUnsafeBytes { Array($0) }
        return try allgather(bytes).map { b in
            b.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        }
    }

    /// `abort(message, code: 1)`.
    public func abort(_ message: String) -> Never { abort(message, code: 1) }
}

/// A group of one: sums and broadcasts leave the buffers as they are, the
/// gather returns this rank's data, the barrier returns at once. Training
/// with it is training without distribution.
public final class SingleProcessCommunicator: Communicator {
    /// The group of this process alone.
    public init() {}
    /// Always 0, the only rank.
    public var rank: Int { 0 }
    /// Always 1.
    public var size: Int { 1 }
    /// Leaves `buffer` as it is: the sum over one rank.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {}
    /// Leaves `buffer` as it is: the sum over one rank.
    public func allreduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {}
    /// Leaves `buffer` as it is; `root` must be 0, the only rank.
    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        precondition(root == 0, "SingleProcessCommunicator: broadcast from rank \(root) of 1")
    }
    /// `[bytes]`: this rank's bytes only.
    public func allgather(_ bytes: [UInt8]) throws -> [[UInt8]] { [bytes] }
    /// Returns at once.
    public func barrier() throws {}
    /// Writes `message` to standard error and exits the process with `code`.
    public func abort(_ message: String, code: Int32) -> Never {
        writeToStandardError(message.hasSuffix("\n") ? message : message + "\n")
        exit(code)
    }
}

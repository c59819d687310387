import Foundation

/// Which examples the forward pass on this thread computes, by their index in
/// the global batch, and which pass it is: what random layers key their
/// draws by.
///
/// A data-parallel rank or a micro-batch of gradient accumulation computes
/// only some rows of a global batch. When every row's random draws come from
/// a stream keyed by the layer, the pass (the training step), the layer's
/// call within the pass and the row's global index, an example gets the same
/// dropout mask whichever process or micro-batch trains it, so splitting the
/// batch changes the speed and not the result. The trainer sets the rows
/// around each forward pass; outside ``with(_:pass:_:)`` layers draw from
/// their own generators as for a whole batch.
public final class ExampleRows {
    /// One global-batch index per example of the pass's leading axis.
    public let rows: [Int]
    /// The pass's key (the trainer uses the step): equal for every share of one global batch.
    public let pass: UInt64
    private var calls: [ObjectIdentifier: UInt64] = [:]

    private init(rows: [Int], pass: UInt64) {
        self.rows = rows
        self.pass = pass
    }

    /// The key of `layer`'s next call in this pass, from its `seed`: the n-th
    /// call of a layer in a pass gets the same key on every rank and in every
    /// micro-batch, since each runs the same graph.
    public func nextKey(for layer: AnyObject, seed: UInt64) -> UInt64 {
        let id = ObjectIdentifier(layer)
        let n = calls[id, default: 0]
        calls[id] = n + 1
        return ExampleRows.mix(seed ^ ExampleRows.mix(pass ^ ExampleRows.mix(n)))
    }

    /// SplitMix64's finaliser.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let key = "NN.ExampleRows"

    /// The rows of the current forward pass on this thread, or nil outside ``with(_:pass:_:)``.
    public static var current: ExampleRows? { Thread.current.threadDictionary[key] as? ExampleRows }

    /// Runs `body` as pass `pass` over the examples `rows` of a global batch on this thread.
    public static func with<R>(_ rows: [Int], pass: UInt64, _ body: () throws -> R) rethrows -> R {
        let dictionary = Thread.current.threadDictionary
        let was = dictionary[key]
        dictionary[key] = ExampleRows(rows: rows, pass: pass)
        defer { dictionary[key] = was }
        return try body()
    }
}

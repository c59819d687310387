import NN
import Tensor

extension ModelInput {
    /// The valid-frame mask of a frame-level batch (frames 0..<lengths[b] of
    /// video b are real), or nil when every frame is valid.
    var sequenceMask: SequenceMask? {
        guard let lengths, features.rank == 3 else { return nil }
        let mask = SequenceMask(lengths: lengths, time: features.shape[1])
        return mask.isFull ? nil : mask
    }

    /// The number of valid frames of each video (all T when no lengths are given).
    var frameCounts: [Int] {
        lengths ?? [Int](repeating: features.shape[1], count: features.shape[0])
    }
}

/// The real frames of a padded batch [B, T, F] gathered into rows [N, F]
/// (N = Σ lengths) and scattered back: a time-distributed layer applied to
/// the packed rows sees only real frames, so its batch norm statistics and
/// its cost ignore the padding, exactly as if each video were alone.
/// Both directions are `indexSelect`s, so gradients flow through them.
struct PackedFrames {
    let batch: Int
    let time: Int
    /// Row b·T + t of every real frame, in order.
    let rows: [Int]
    /// For every (b, t): its packed row, or N (a zero row) for padding.
    let scatter: [Int]

    init(lengths: [Int], time: Int) {
        batch = lengths.count
        self.time = time
        var rows: [Int] = []
        for (b, n) in lengths.enumerated() { for t in 0..<n { rows.append(b * time + t) } }
        var scatter = [Int](repeating: rows.count, count: batch * time)
        for (i, r) in rows.enumerated() { scatter[r] = i }
        self.rows = rows
        self.scatter = scatter
    }

    var isFull: Bool { rows.count == batch * time }

    /// [B, T, F] → [N, F], the real frames only.
    func pack(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[0] == batch && x.shape[1] == time,
                     "PackedFrames.pack: input \(x.shape) is not [\(batch), \(time), features]")
        let flat = x.reshaped(to: [batch * time, x.shape[2]])
        return isFull ? flat : flat.indexSelect(axis: 0, indices: rows)
    }

    /// [N, F] → [B, T, F] with zeros at the padding frames.
    func unpack(_ y: Tensor) -> Tensor {
        precondition(y.rank == 2 && y.shape[0] == rows.count,
                     "PackedFrames.unpack: input \(y.shape) is not [\(rows.count), features]")
        let f = y.shape[1]
        if isFull { return y.reshaped(to: [batch, time, f]) }
        let withZero = Tensor.concat([y, Tensor.zeros([1, f], dtype: y.dtype)], axis: 0)
        return withZero.indexSelect(axis: 0, indices: scatter).reshaped(to: [batch, time, f])
    }
}

/// σ(x), named apart from the `sigmoid` case of ``DBoFActivation``.
private func logisticSigmoid(_ x: Tensor) -> Tensor { sigmoid(x) }

/// The activation of the starter code's DBoF layers.
public enum DBoFActivation: String, Codable, Sendable {
    /// σ(x), the `dbof_activation` default of the 2018/2019 starter code.
    case sigmoid
    /// min(max(x, 0), 6), the 2017 starter code and miha's copy.
    case relu6

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .sigmoid: return logisticSigmoid(x)
        case .relu6: return clamp(x, min: 0, max: 6)
        }
    }
}

/// The WILLOW hidden layer after a pooled descriptor (`netvlad_relu`,
/// `fv_relu`, `dbof_relu`): h = W·v + b when `batchNormReLU6` is false (the
/// recipes), else h = relu6(BN(W·v)) without bias. W ~ N(0, 1/√K) with K the
/// cluster count, b ~ N(0, 0.01), as WILLOW's `hidden1_weights`/`hidden1_biases`.
public final class WILLOWHiddenLayer: Module, Layer {
    /// W (with bias b unless `batchNormReLU6`).
    public let linear: Linear
    /// The batch norm before relu6, when `batchNormReLU6`.
    public let batchNorm: BatchNorm?

    /// A hidden layer `inFeatures` → `outFeatures`; `clusters` sets the weights' standard deviation 1/√clusters.
    public init(_ inFeatures: Int, _ outFeatures: Int, clusters: Int, batchNormReLU6: Bool,
                batchNormMomentum: Double, rng: inout RandomGenerator) {
        linear = Linear(inFeatures, outFeatures, bias: !batchNormReLU6,
                        weightInit: .normal(std: 1 / Double(clusters).squareRoot()),
                        biasInit: .normal(std: 0.01), rng: &rng)
        batchNorm = batchNormReLU6 ? BatchNorm(outFeatures, epsilon: 1e-3, momentum: batchNormMomentum) : nil
    }

    /// W·v + b, or relu6(BN(W·v)).
    public func forward(_ x: Tensor) -> Tensor {
        guard let batchNorm else { return linear(x) }
        return clamp(batchNorm(linear(x)), min: 0, max: 6)
    }
}

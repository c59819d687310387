import Foundation
import XCTest
import Tensor
@testable import NN

/// The layers PyTorch also has, against their `torch.nn` twins: a state dict
/// PyTorch saved (Fixtures/pytorch_layers.safetensors, written by
/// scripts/pytorch_state_dict.py) loads strictly and gives PyTorch's outputs,
/// and our state dict has exactly the twin's names and shapes, which is
/// what `load_state_dict(strict=True)` checks. With YT8M_PYTORCH_OUT set the
/// test also writes our own layers for the script's `verify`.
final class PyTorchTwinTests: XCTestCase {
    /// Each twin built as the script builds its PyTorch module, float64.
    func twins(seed: UInt64) -> [(name: String, layer: Module, run: (Tensor) -> Tensor)] {
        var rng = RandomGenerator(seed: seed)
        let linear = Linear(4, 3, dtype: .float64, rng: &rng)
        let batchNorm = BatchNorm(3, dtype: .float64)
        let layerNorm = LayerNorm(4, dtype: .float64)
        let conv = Conv1d(2, 3, kernelSize: 3, padding: 1, dtype: .float64, rng: &rng)
        let lstm = LSTM(inputSize: 3, hiddenSize: 4, layers: 2, bidirectional: true, dtype: .float64, rng: &rng)
        let gru = GRU(inputSize: 3, hiddenSize: 4, dtype: .float64, rng: &rng)
        let attention = MultiHeadSelfAttention(embedDim: 4, numHeads: 2, dtype: .float64, rng: &rng)
        let encoder = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 8, dropout: 0.1, dtype: .float64, rng: &rng)
        return [("linear", linear, { linear($0) }), ("batch_norm", batchNorm, { batchNorm($0) }),
                ("layer_norm", layerNorm, { layerNorm($0) }), ("conv1d", conv, { conv($0) }),
                ("lstm", lstm, { lstm($0) }), ("gru", gru, { gru($0) }),
                ("multihead_attention", attention, { attention($0) }),
                ("transformer_encoder_layer", encoder, { encoder($0) })]
    }

    /// The script's INPUT_SHAPES.
    let inputShapes = ["linear": [2, 4], "batch_norm": [5, 3], "layer_norm": [2, 3, 4], "conv1d": [2, 5, 2],
                       "lstm": [2, 5, 3], "gru": [2, 5, 3], "multihead_attention": [2, 5, 4], "transformer_encoder_layer": [2, 5, 4]]

    func fixture(_ name: String) -> String {
        Bundle.module.path(forResource: "Fixtures/\(name)", ofType: nil)!
    }

    /// The tensors whose names start with `prefix`, by the rest of their name.
    func section(_ tensors: [String: Tensor], _ prefix: String) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
    }

    func testPyTorchStateDictsLoadStrictlyAndGiveItsOutputs() throws {
        let (stored, _) = try SafeTensors.read(fixture("pytorch_layers.safetensors"))
        for (name, layer, run) in twins(seed: 1) {
            let state = section(stored, "\(name).state.")
            let ours = layer.stateDict()
            XCTAssertEqual(Set(ours.keys), Set(state.keys), "\(name): the state dict's names are PyTorch's")
            for (key, tensor) in state { XCTAssertEqual(ours[key]?.shape, tensor.shape, "\(name).\(key)") }
            try layer.loadStateDict(state)
            layer.eval()
            let output = withoutGrad { run(stored["\(name).input"]!) }
            let expected = stored["\(name).output"]!
            XCTAssertEqual(output.shape, expected.shape, name)
            let difference = zip(output.doubles, expected.doubles).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThan(difference, 1e-10, "\(name): max |Swift − PyTorch|")
        }
        // PyTorch's int64 num_batches_tracked arrives as our int32 counter.
        let batchNorm = BatchNorm(3, dtype: .float64)
        try batchNorm.loadStateDict(section(stored, "batch_norm.state."))
        XCTAssertEqual(batchNorm.numBatchesTracked.value.dtype, .int32)
        XCTAssertEqual(batchNorm.numBatchesTracked.value.scalar, 7)
    }

    /// Writes our layers (random weights), inputs and outputs for
    /// `scripts/pytorch_state_dict.py verify` when YT8M_PYTORCH_OUT names a file.
    func testWritesOurLayersForPyTorchToLoad() throws {
        guard let path = ProcessInfo.processInfo.environment["YT8M_PYTORCH_OUT"] else { return }
        var tensors: [String: Tensor] = [:]
        for (i, (name, layer, run)) in twins(seed: 2).enumerated() {
            if let norm = layer as? BatchNorm {      // statistics that are not the initial constants
                norm.runningMean.value = doubleInput([3], seed: 90)
                norm.runningVar.value = doubleInput([3], seed: 91) * 0.1 + 1
            }
            if let norm = layer as? LayerNorm {
                norm.weight.assign(doubleInput([4], seed: 92) + 1)
                norm.bias.assign(doubleInput([4], seed: 93))
            }
            layer.eval()
            let x = doubleInput(inputShapes[name]!, seed: UInt64(100 + i))
            for (key, value) in layer.stateDict() { tensors["\(name).state.\(key)"] = value }
            tensors["\(name).input"] = x
            tensors["\(name).output"] = withoutGrad { run(x) }
        }
        try SafeTensors.write(tensors, to: path)
    }

    func testKeysArePyTorchsSnakeCase() {
        let cases = ["runningMean": "running_mean", "inProjWeight": "in_proj_weight", "weightIH": "weight_ih",
                     "HTTPServer": "http_server", "linear1": "linear1", "weight_ih_l0_reverse": "weight_ih_l0_reverse",
                     "blocks.0.batchNorm.runningVar": "blocks.0.batch_norm.running_var", "selfAttn.outProj.bias": "self_attn.out_proj.bias",
                     "fc2Weight": "fc2_weight", "": ""]
        for (key, expected) in cases {
            XCTAssertEqual(StateDictNames.pytorch(key), expected, key)
            XCTAssertEqual(StateDictNames.pytorch(expected), expected, "idempotent on \(expected)")
        }
        let one = Tensor([1] as [Float]), two = Tensor([2] as [Float])
        XCTAssertEqual(StateDictNames.normalized(["norm.runningMean": one, "norm.running_mean": two])["norm.running_mean"]?.floats, [2])
    }

    /// A checkpoint written before 0.3.0: camelCase keys, dropout's random
    /// state under `model.`, no `num_batches_tracked`.
    func testCheckpointsWithTheOldNamesStillLoad() throws {
        var rng = RandomGenerator(seed: 3)
        let encoder = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 8, dropout: 0.1, dtype: .float64, rng: &rng)
        let norm = BatchNorm(4, dtype: .float64)
        var old: [String: Tensor] = [:]
        for (key, value) in encoder.stateDict() {
            let camel = key.replacingOccurrences(of: "self_attn", with: "selfAttn").replacingOccurrences(of: "in_proj_", with: "inProj")
                .replacingOccurrences(of: "inProjweight", with: "inProjWeight").replacingOccurrences(of: "inProjbias", with: "inProjBias")
                .replacingOccurrences(of: "out_proj", with: "outProj")
            old["model.encoder." + camel] = value * 2
        }
        XCTAssertNotNil(old["model.encoder.selfAttn.inProjWeight"], "\(old.keys.sorted())")
        old["model.encoder.dropout.rngState"] = Tensor([UInt8](repeating: 7, count: 32), shape: [32])
        old["model.norm.runningMean"] = Tensor([1, 2, 3, 4] as [Double])
        old["model.norm.runningVar"] = Tensor([5, 6, 7, 8] as [Double])
        old["model.norm.weight"] = Tensor([1, 1, 1, 1] as [Double])
        old["model.norm.bias"] = Tensor([0, 0, 0, 0] as [Double])
        let path = NSTemporaryDirectory() + "old-names-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SafeTensors.write(old, metadata: ["step": "5"], to: path)

        final class Pair: Module { let encoder: TransformerEncoderLayer; let norm: BatchNorm
            init(_ e: TransformerEncoderLayer, _ n: BatchNorm) { encoder = e; norm = n } }
        let model = Pair(encoder, norm)
        let (step, _) = try Checkpoint.load(from: path, module: model)
        XCTAssertEqual(step, 5)
        XCTAssertEqual(norm.runningVar.value.doubles, [5, 6, 7, 8])
        XCTAssertEqual(norm.numBatchesTracked.value.scalar, 0, "absent in old files: kept at its start")
        XCTAssertEqual(encoder.dropout.rngState.value.doubles, [Double](repeating: 7, count: 32))
        XCTAssertEqual(encoder.selfAttn.inProjWeight.value.doubles, old["model.encoder.selfAttn.inProjWeight"]!.doubles)
    }

    /// Dropout's random state is not in the state dict (PyTorch's Dropout has
    /// none) but a training checkpoint keeps it; BatchNorm counts its batches.
    func testNonPersistentStateAndTheBatchCounter() throws {
        var rng = RandomGenerator(seed: 4)
        let encoder = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 8, dropout: 0.5, dtype: .float64, rng: &rng)
        XCTAssertFalse(encoder.stateDict().keys.contains { $0.contains("rng") })
        XCTAssertEqual(Set(encoder.nonPersistentState().keys),
                       ["self_attn.dropout.rng_state", "dropout.rng_state", "dropout1.rng_state", "dropout2.rng_state"])
        _ = encoder(doubleInput([2, 3, 4], seed: 5))                // advances the dropout states
        let path = NSTemporaryDirectory() + "nonpersistent-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.save(to: path, module: encoder, step: 1)
        let (tensors, _) = try SafeTensors.read(path)
        XCTAssertNotNil(tensors["nonpersistent.dropout1.rng_state"])
        XCTAssertNil(tensors["model.dropout1.rng_state"])
        var again = RandomGenerator(seed: 4)
        let restored = TransformerEncoderLayer(dModel: 4, numHeads: 2, feedForward: 8, dropout: 0.5, dtype: .float64, rng: &again)
        try Checkpoint.load(from: path, module: restored)
        let x = doubleInput([2, 3, 4], seed: 6)
        XCTAssertEqual(encoder(x).doubles, restored(x).doubles, "the same masks after a resume")

        let norm = BatchNorm(2, dtype: .float64)
        _ = norm(doubleInput([4, 2], seed: 7)); _ = norm(doubleInput([4, 2], seed: 8))
        norm.eval(); _ = norm(doubleInput([4, 2], seed: 9))
        XCTAssertEqual(norm.stateDict()["num_batches_tracked"]?.scalar, 2, "training batches only")
        XCTAssertEqual(norm.stateDict()["num_batches_tracked"]?.shape, [])
    }

    /// Every dtype of the format (file written by PyTorch), converted where
    /// the library has no such type; the values are the script's.
    func testEveryDTypeReadsWithItsExactValues() throws {
        let (t, _) = try SafeTensors.read(fixture("pytorch_dtypes.safetensors"))
        for name in ["f16", "bf16", "f8_e4m3", "f8_e5m2"] {
            XCTAssertEqual(t[name]?.dtype, .float32, name)
            XCTAssertEqual(t[name]?.doubles, [0, 1, -2, 0.5, 112], name)
        }
        XCTAssertEqual(t["f64"]?.dtype, .float64)
        XCTAssertEqual(t["i64"]?.dtype, .int32)
        XCTAssertEqual(t["i64"]?.doubles, [0, 1, -2, 2_147_483_647, -2_147_483_648])
        XCTAssertEqual(t["i16"]?.doubles, [0, 1, -2, 32767, -32768])
        XCTAssertEqual(t["i8"]?.doubles, [0, 1, -2, 127, -128])
        XCTAssertEqual(t["u8"]?.dtype, .uint8)
        XCTAssertEqual(t["u8"]?.doubles, [0, 1, 2, 127, 255])
        XCTAssertEqual(t["bool"]?.doubles, [0, 1, 1, 0, 1])
        XCTAssertEqual(t["num_batches_tracked"]?.shape, [])
        XCTAssertEqual(t["num_batches_tracked"]?.scalar, 7)
    }

    /// Hand-made single-element files: float8 edge values, and an int64 the
    /// library's int32 cannot hold, refused naming the tensor and the value.
    func testFloat8EdgesAndIntegersOutsideInt32() throws {
        func file(_ dtype: String, _ bytes: [UInt8]) throws -> String {
            let header = #"{"x":{"dtype":"\#(dtype)","shape":[\#(bytes.count / (dtype == "I64" ? 8 : 1))],"data_offsets":[0,\#(bytes.count)]}}"#
            var data = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) })
            data.append(contentsOf: Array(header.utf8)); data.append(contentsOf: bytes)
            let path = NSTemporaryDirectory() + "dtype-\(UUID().uuidString).safetensors"
            try data.write(to: URL(fileURLWithPath: path))
            addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
            return path
        }
        // e4m3fn: 0x7E = 448 (largest), 0x01 = 2^-9 (smallest subnormal), 0xB8 = −1, 0x7F = NaN.
        let e4m3 = try SafeTensors.read(try file("F8_E4M3", [0x7E, 0x01, 0xB8, 0x7F])).tensors["x"]!.doubles
        XCTAssertEqual(Array(e4m3.prefix(3)), [448, 0x1p-9, -1])
        XCTAssertTrue(e4m3[3].isNaN)
        // e5m2: 0x7B = 57344 (largest), 0x7C = +∞; e8m0: 127 = 1, 130 = 8, 0 = 2^-127.
        XCTAssertEqual(try SafeTensors.read(try file("F8_E5M2", [0x7B, 0x7C])).tensors["x"]!.doubles, [57344, .infinity])
        XCTAssertEqual(try SafeTensors.read(try file("F8_E8M0", [127, 130, 0])).tensors["x"]!.doubles, [1, 8, 0x1p-127])
        let big = try file("I64", Array(withUnsafeBytes(of: Int64(1 << 40).littleEndian) { Array($0) }))
        XCTAssertThrowsError(try SafeTensors.read(big)) {
            XCTAssertTrue("\($0)".contains("tensor 'x': element 0 is 1099511627776, outside the int32 range"), "\($0)")
        }
        XCTAssertThrowsError(try SafeTensors.read(try file("C64", [0, 0, 0, 0, 0, 0, 0, 0]))) {
            XCTAssertTrue("\($0)".contains("unsupported dtype C64 (readable: BOOL, U8"), "\($0)")
        }
    }
}

import FileIO
import Foundation
import XCTest
import Tensor
@testable import NN

final class CheckpointTests: XCTestCase {
    var dir: String!

    override func setUp() {
        dir = NSTemporaryDirectory() + "ckpt-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func testSafeTensorsLayoutMatchesTheSpecification() throws {
        // One F32 tensor [2] = [1, 2]: header {"x":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}
        // padded with spaces to a multiple of 8 after the 8-byte length.
        let path = dir + "/one.safetensors"
        try SafeTensors.write(["x": Tensor([1, 2] as [Float])], to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let n = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = String(decoding: data[8..<(8 + n)], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        XCTAssertEqual(header, #"{"x":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}"#)
        XCTAssertEqual((8 + n) % 8, 0)
        XCTAssertEqual(Array(data.suffix(8)), [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])   // 1.0f, 2.0f little endian
    }

    func testCheckpointRoundTripsBitExactly() throws {
        var rng = RandomGenerator(seed: 1)
        let model = Sequential(Linear(3, 4, rng: &rng), BatchNorm(4), Linear(4, 2, rng: &rng))
        let adam = Adam(model, learningRate: 0.01)
        let ema = ExponentialMovingAverage(model, rate: 0.1)
        for step in 0..<3 {
            model.zeroGrad()
            binaryCrossEntropy(logits: model(Tensor.normal([5, 3], using: &rng)), targets: Tensor.ones([5, 2])).backward()
            adam.update()
            ema.update(step: step)
        }
        let path = dir + "/model.safetensors"
        try Checkpoint.save(to: path, module: model, optimizer: adam, ema: ema, step: 3, metadata: ["model": "toy"])

        var rng2 = RandomGenerator(seed: 99)
        let restored = Sequential(Linear(3, 4, rng: &rng2), BatchNorm(4), Linear(4, 2, rng: &rng2))
        let adam2 = Adam(restored, learningRate: 0.01)
        let ema2 = ExponentialMovingAverage(restored, rate: 0.1)
        let (step, meta) = try Checkpoint.load(from: path, module: restored, optimizer: adam2, ema: ema2)
        XCTAssertEqual(step, 3)
        XCTAssertEqual(meta["model"], "toy")
        for (a, b) in zip(model.stateDict().sorted(by: { $0.key < $1.key }), restored.stateDict().sorted(by: { $0.key < $1.key })) {
            XCTAssertEqual(a.key, b.key)
            XCTAssertEqual(a.value.floats.map(\.bitPattern), b.value.floats.map(\.bitPattern), a.key)
        }
        XCTAssertEqual(adam2.step, 3)
        for (k, v) in adam.stateTensors() { XCTAssertEqual(adam2.stateTensors()[k]?.doubles, v.doubles, k) }
        for (k, v) in ema.shadow { XCTAssertEqual(ema2.shadow[k]?.floats, v.floats, k) }
    }

    func testRMSpropStateGoesThroughACheckpointFileAndTrainingResumesExactly() throws {
        func model(_ seed: UInt64) -> Sequential {
            var rng = RandomGenerator(seed: seed)
            return Sequential(Linear(3, 4, rng: &rng), Linear(4, 2, rng: &rng))
        }
        var data = RandomGenerator(seed: 7)
        let batches = (0..<5).map { _ in Tensor.normal([5, 3], using: &data) }
        func step(_ m: Sequential, _ o: Optimizer, _ x: Tensor) {
            m.zeroGrad()
            binaryCrossEntropy(logits: m(x), targets: Tensor.ones([5, 2])).backward()
            o.update()
        }
        let straight = model(1), rms = RMSprop(straight, learningRate: 0.01, momentum: 0.5)
        for x in batches { step(straight, rms, x) }

        let first = model(1), rmsFirst = RMSprop(first, learningRate: 0.01, momentum: 0.5)
        for x in batches.prefix(3) { step(first, rmsFirst, x) }
        let path = dir + "/rmsprop.safetensors"
        try Checkpoint.save(to: path, module: first, optimizer: rmsFirst, step: 3)
        let resumed = model(99), rmsResumed = RMSprop(resumed, learningRate: 0.01, momentum: 0.5)
        XCTAssertEqual(try Checkpoint.load(from: path, module: resumed, optimizer: rmsResumed).step, 3)
        XCTAssertEqual(Set(rmsResumed.stateTensors().keys), Set(rmsFirst.stateTensors().keys))
        for x in batches.suffix(2) { step(resumed, rmsResumed, x) }
        for ((name, a), (_, b)) in zip(straight.namedParameters(), resumed.namedParameters()) {
            XCTAssertEqual(a.value.floats.map(\.bitPattern), b.value.floats.map(\.bitPattern), name)
        }
    }

    func testMetadataIsReadFromTheHeaderAlone() throws {
        let path = dir + "/meta.safetensors"
        try SafeTensors.write(["x": Tensor.ones([1000])], metadata: ["optimizer": "rmsprop", "step": "3"], to: path)
        XCTAssertEqual(try SafeTensors.readMetadata(path), ["optimizer": "rmsprop", "step": "3"])
        try SafeTensors.write(["x": Tensor.ones([2])], to: path)
        XCTAssertEqual(try SafeTensors.readMetadata(path), [:])
        XCTAssertThrowsError(try SafeTensors.readMetadata(dir + "/absent.safetensors"))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensors.readMetadata(path)) { error in
            guard case SafeTensors.FormatError.truncated = error else { return XCTFail("\(error)") }
        }
    }

    func testLoadingReportsEveryMismatchByName() throws {
        var rng = RandomGenerator(seed: 1)
        let small = Sequential(Linear(3, 4, rng: &rng))
        var state = small.stateDict()
        state["layers.0.weight"] = Tensor.zeros([4, 5])
        state["layers.0.bias"] = nil
        state["layers.1.weight"] = Tensor.zeros([1])
        XCTAssertThrowsError(try small.loadStateDict(state)) { error in
            let e = error as! StateDictError
            XCTAssertEqual(e.mismatches, [
                .shape(name: "layers.0.weight", expected: [4, 3], found: [4, 5]),
                .missing("layers.0.bias"),
                .unexpected("layers.1.weight"),
            ])
        }
    }

    func testATruncatedFileIsATypedError() throws {
        let path = dir + "/bad.safetensors"
        try SafeTensors.write(["x": Tensor.ones([100])], to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 10).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SafeTensors.read(path)) { error in
            guard case SafeTensors.FormatError.badEntry(_, let name, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "x")
        }
    }

    /// Headers whose sizes wrap around Int: a shape of 2³²·2³²·4 elements and
    /// offsets near 2⁶³, beside 16 real bytes of data.
    func testCraftedSizesThatOverflowAreTypedErrors() throws {
        let headers = [
            #"{"x":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,16]}}"#,
            #"{"x":{"dtype":"F32","shape":[4],"data_offsets":[9223372036854775800,9223372036854775816]}}"#,
            #"{"x":{"dtype":"F32","shape":[4],"data_offsets":[9223372036854775800,0]}}"#,
        ]
        for (i, header) in headers.enumerated() {
            var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
            bytes += Array(header.utf8) + [UInt8](repeating: 0, count: 16)
            let path = dir + "/crafted\(i).safetensors"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try SafeTensors.read(path), header) { error in
                guard case SafeTensors.FormatError.badEntry(_, let name, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(name, "x")
            }
        }
    }

    func testAFailedWriteLeavesTheOldFileIntact() throws {
        let path = dir + "/keep.safetensors"
        try SafeTensors.write(["x": Tensor.ones([2])], to: path)
        // A writer abandoned half-way (an error, a crash) never replaces the file.
        let writer = try AtomicFileWriter(path: path)
        try writer.write([1, 2, 3])
        writer.abort()
        XCTAssertEqual(try SafeTensors.read(path).tensors["x"]?.floats, [1, 1])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["keep.safetensors"])
    }
}

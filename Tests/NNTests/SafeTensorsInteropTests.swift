import Foundation
import XCTest
import Tensor
@testable import NN

/// Interoperability with Python's `safetensors` package; the recipe that
/// produced and verified the fixtures is in scripts/safetensors_interop.py.
final class SafeTensorsInteropTests: XCTestCase {
    /// The reference state of the script, written out by hand.
    let reference: [String: Tensor] = [
        "blocks.0.fc.weight": Tensor([-0.5, -0.25, 0, 0.25, 0.5, 0.75] as [Float], shape: [2, 3]),
        "blocks.0.fc.bias": Tensor([1e-8, -3.5] as [Float]),
        "ema.scale": Tensor([0.1, -2.25] as [Double], shape: [1, 2]),
        "labels": Tensor([3861, 0, 7] as [Int32]),
        "codes": Tensor([0, 128, 255] as [UInt8]),
    ]

    func fixture(_ name: String) -> String {
        Bundle.module.path(forResource: "Fixtures/\(name)", ofType: nil)!
    }

    func testReadsAFileWrittenByPythonSafetensors() throws {
        let (tensors, metadata) = try SafeTensors.read(fixture("python_written.safetensors"))
        XCTAssertEqual(metadata, ["step": "42"])
        XCTAssertEqual(Set(tensors.keys), Set(reference.keys))
        for (name, expected) in reference {
            let got = tensors[name]!
            XCTAssertEqual(got.dtype, expected.dtype, name)
            XCTAssertEqual(got.shape, expected.shape, name)
            XCTAssertEqual(got.doubles, expected.doubles, name)
        }
    }

    func testWriterOutputIsTheFileThatPythonVerified() throws {
        let path = ProcessInfo.processInfo.environment["YT8M_SAFETENSORS_OUT"]
            ?? NSTemporaryDirectory() + "interop-\(UUID().uuidString).safetensors"
        try SafeTensors.write(reference, metadata: ["step": "42"], to: path)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let verified = try Data(contentsOf: URL(fileURLWithPath: fixture("swift_written.safetensors")))
        XCTAssertEqual(written, verified, "the writer's bytes changed; re-verify with scripts/safetensors_interop.py and update the fixture")
        if ProcessInfo.processInfo.environment["YT8M_SAFETENSORS_OUT"] == nil { try FileManager.default.removeItem(atPath: path) }
    }
}

import Foundation
import XCTest
import Tensor
@testable import NN

/// Partial 8-bit export (miha's quant_uniform): codes and ranges worked out by hand.
final class QuantizationTests: XCTestCase {
    func testUniformLevelsBetweenMinAndMax() {
        // w ∈ [−1, 1]: 256 levels 2/255 apart; 0.5 → q = round(1.5·127.5) = 191 → −1 + 191·2/255.
        let (codes, lo, hi) = Quantization.quantize(Tensor([-1, 0.5, 1] as [Float]))
        XCTAssertEqual(codes.scalars(as: UInt8.self), [0, 191, 255])
        XCTAssertEqual([lo, hi], [-1, 1])
        let back = Quantization.dequantize(codes, min: lo, max: hi).floats
        XCTAssertEqual(back[0], -1)
        XCTAssertEqual(back[1], 0.4980392156862745, accuracy: 1e-6)
        XCTAssertEqual(back[2], 1, accuracy: 1e-6)
    }

    func testExportQuantisesOnlyLargeTensorsAndLoadsBack() throws {
        var rng = RandomGenerator(seed: 3)
        let big = Tensor.normal([200, 100], using: &rng), small = Tensor.normal([100], using: &rng)
        let path = NSTemporaryDirectory() + "q-\(UUID().uuidString).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try Quantization.export(["big": big, "small": small], to: path)
        XCTAssertEqual(report.quantizedTensors, 1)
        XCTAssertEqual(report.floatBytes, 20_100 * 4)
        XCTAssertEqual(report.quantizedBytes, 20_000 + 400)
        let loaded = try Quantization.load(path)
        XCTAssertEqual(loaded["small"]?.floats, small.floats)
        let step = (max(big).scalar - min(big).scalar) / 255
        XCTAssertLessThanOrEqual(max(abs(loaded["big"]! - big)).scalar, step / 2 + 1e-6)
        XCTAssertEqual(try SafeTensors.read(path).tensors["big"]?.dtype, .uint8)
    }
}

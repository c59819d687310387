@testable import TFRecord
import XCTest

final class CRC32CTests: XCTestCase {
    func testCheckValueOfDigitString() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    // RFC 3720 appendix B.4 test vectors.
    func testRFC3720ThirtyTwoZeroBytes() {
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
    }

    func testRFC3720ThirtyTwoOnesBytes() {
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
    }

    func testRFC3720AscendingBytes() {
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
    }

    func testEmptyInputHasZeroChecksum() {
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
    }

    func testSlicingPathAgreesWithBytewiseDefinitionAtEveryLengthAndAlignment() {
        // Bit-by-bit reference CRC written from the definition, independent of the tables.
        func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        var state: UInt32 = 12345
        let data: [UInt8] = (0..<100).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        for start in 0..<8 {
            for end in start...data.count {
                let slice = data[start..<end]
                let fast = slice.withUnsafeBytes { CRC32C.checksum($0) }
                XCTAssertEqual(fast, reference(slice), "bytes \(start)..<\(end)")
            }
        }
    }

    func testExtendEqualsChecksumOfConcatenation() {
        let a = Array("hello, ".utf8), b = Array("world".utf8)
        let first = CRC32C.checksum(a)
        let extended = b.withUnsafeBytes { CRC32C.extend(first, $0) }
        XCTAssertEqual(extended, CRC32C.checksum(a + b))
    }

    func testMaskMatchesTensorFlowFormulaAndUnmaskInvertsIt() {
        let crc: UInt32 = 0xE306_9283
        // ((crc >> 15) | (crc << 17)) + 0xa282ead8, worked by hand:
        // crc >> 15 = 0x0001C60D, crc << 17 = 0x25060000 → 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5.
        XCTAssertEqual(CRC32C.mask(crc), 0xC78A_B0E5)
        for value: UInt32 in [0, 1, 0xFFFF_FFFF, 0x1234_5678, 0xA282_EAD8] {
            XCTAssertEqual(CRC32C.unmask(CRC32C.mask(value)), value)
        }
    }
}

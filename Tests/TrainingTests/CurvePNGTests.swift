import XCTest
@testable import Training

/// The PNG beside the training-curve SVG: checksums against their published
/// check values, the deflate stream against an inflater written from
/// RFC 1951 here, and a plot's pixels. (`scripts/tensorboard_interop.sh`
/// also opens a run's PNG with Pillow, an independent decoder.)
final class CurvePNGTests: XCTestCase {
    func testChecksumsMatchTheirCheckValues() {
        XCTAssertEqual(PNGEncoder.crc32(Array("123456789".utf8)), 0xCBF4_3926)      // the CRC-32 catalogue's check value
        XCTAssertEqual(PNGEncoder.crc32(Array("IEND".utf8)), 0xAE42_6082)           // every PNG's last four bytes
        XCTAssertEqual(PNGEncoder.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)    // RFC 1950's worked example
        XCTAssertEqual(PNGEncoder.adler32([]), 1)
        XCTAssertEqual(PNGEncoder.adler32([UInt8](repeating: 255, count: 100_000)), adlerByDefinition([UInt8](repeating: 255, count: 100_000)))
    }

    func testDeflateRoundTripsThroughAnInflater() throws {
        var generator = SystemRandomNumberGenerator()
        let cases: [[UInt8]] = [[], [7], Array("abcabcabcabc".utf8), [UInt8](repeating: 0, count: 1000),
                                (0..<3000).map { _ in UInt8.random(in: 0...255, using: &generator) },
                                (0..<2000).map { UInt8(($0 / 37) % 3) }, [1, 2, 3] + [UInt8](repeating: 9, count: 600)]
        for data in cases {
            XCTAssertEqual(try inflateFixed(PNGEncoder.deflate(data)), data, "\(data.count) bytes")
        }
        XCTAssertLessThan(PNGEncoder.deflate([UInt8](repeating: 0, count: 100_000)).count, 1000, "runs become matches")
    }

    /// The figure of a short run: a valid PNG at twice the SVG's size, white
    /// where nothing is drawn, and the first series' colour where its line is.
    func testThePlotPNGIsTheSVGFigureInPixels() throws {
        let log = MetricsLog()
        for s in 1...50 { log.record(step: s, ["train_loss": 1 / Double(s)]) }
        for s in [10, 20, 30, 40, 50] { log.record(step: s, ["val_gap": Double(s) / 100]) }
        let plot = log.curvePlot(title: "run — test")
        let png = plot.png()
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var chunks: [(type: String, data: [UInt8])] = []
        var offset = 8
        while offset < png.count {
            let length = Int(readBE(png, offset))
            let typeAndData = Array(png[(offset + 4)..<(offset + 8 + length)])
            XCTAssertEqual(readBE(png, offset + 8 + length), PNGEncoder.crc32(typeAndData), "chunk CRC")
            chunks.append((String(decoding: typeAndData.prefix(4), as: UTF8.self), Array(typeAndData.dropFirst(4))))
            offset += 12 + length
        }
        XCTAssertEqual(chunks.map(\.type), ["IHDR", "IDAT", "IEND"])
        let (width, height) = (Int(readBE(chunks[0].data, 0)), Int(readBE(chunks[0].data, 4)))
        XCTAssertEqual(width, 2 * Int(plot.width))
        XCTAssertEqual(height, 2 * Int(plot.height))
        XCTAssertEqual(Array(chunks[0].data.suffix(5)), [8, 2, 0, 0, 0], "8-bit RGB")
        let stream = chunks[1].data
        XCTAssertEqual(Array(stream.prefix(2)), [0x78, 0x01])
        let filtered = try inflateFixed(Array(stream.dropFirst(2).dropLast(4)))
        XCTAssertEqual(readBE(Array(stream.suffix(4)), 0), PNGEncoder.adler32(filtered))
        // Undo the "Up" filter of each row.
        let stride = width * 3
        XCTAssertEqual(filtered.count, (stride + 1) * height)
        var rgb = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            XCTAssertEqual(filtered[y * (stride + 1)], 2)
            for x in 0..<stride {
                rgb[y * stride + x] = filtered[y * (stride + 1) + 1 + x] &+ (y == 0 ? 0 : rgb[(y - 1) * stride + x])
            }
        }
        XCTAssertEqual(Array(rgb.prefix(3)), [255, 255, 255], "the background is white")
        let blue = (0..<(width * height)).filter { rgb[$0 * 3] == 0x1F && rgb[$0 * 3 + 1] == 0x77 && rgb[$0 * 3 + 2] == 0xB4 }.count
        XCTAssertGreaterThan(blue, 1000, "the loss line and the GAP dots in the first series' colour")
        if let out = ProcessInfo.processInfo.environment["YT8M_PLOT_PNG_OUT"] { try Data(png).write(to: URL(fileURLWithPath: out)) }
    }

    private func readBE(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 << 8 | UInt32(bytes[at + $1]) }
    }

    private func adlerByDefinition(_ bytes: [UInt8]) -> UInt32 {
        var a = 1, b = 0
        for byte in bytes { a = (a + Int(byte)) % 65521; b = (b + a) % 65521 }
        return UInt32(b << 16 | a)
    }

    struct InflateError: Error { let reason: String }

    /// Inflates a stream of fixed-Huffman blocks (RFC 1951 §3.2.6), the kind the encoder writes.
    private func inflateFixed(_ bytes: [UInt8]) throws -> [UInt8] {
        var position = 0
        func bit() throws -> Int {
            guard position / 8 < bytes.count else { throw InflateError(reason: "ran out of bits") }
            defer { position += 1 }
            return Int(bytes[position / 8] >> UInt8(position % 8)) & 1
        }
        func bits(_ n: Int) throws -> Int { var v = 0; for k in 0..<n { v |= try bit() << k }; return v }
        func code(_ n: Int) throws -> Int { var v = 0; for _ in 0..<n { v = v << 1 | (try bit()) }; return v }
        func symbol() throws -> Int {
            var c = try code(7)
            if c <= 0x17 { return c + 256 }                                  // 256…279: 7 bits
            c = c << 1 | (try bit())
            if (0x30...0xBF).contains(c) { return c - 0x30 }                 // 0…143: 8 bits
            if (0xC0...0xC7).contains(c) { return c - 0xC0 + 280 }           // 280…287: 8 bits
            c = c << 1 | (try bit())
            return c - 0x190 + 144                                           // 144…255: 9 bits
        }
        let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
                            4097, 6145, 8193, 12289, 16385, 24577]
        var out: [UInt8] = []
        var final = 0
        repeat {
            final = try bits(1)
            guard try bits(2) == 1 else { throw InflateError(reason: "not a fixed-Huffman block") }
            while true {
                let s = try symbol()
                if s < 256 { out.append(UInt8(s)); continue }
                if s == 256 { break }
                let length = lengthBase[s - 257] + (try bits(lengthExtra[s - 257]))
                let d = try code(5)
                let distance = distanceBase[d] + (try bits(max(0, d / 2 - 1)))
                guard distance <= out.count else { throw InflateError(reason: "distance \(distance) before the start") }
                for _ in 0..<length { out.append(out[out.count - distance]) }
            }
        } while final == 0
        return out
    }
}

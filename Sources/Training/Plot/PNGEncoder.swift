/// PNG files (ISO/IEC 15948) of 8-bit RGB images, with no library: the
/// IHDR, IDAT and IEND chunks, each row filtered with PNG's "Up" filter,
/// and a zlib stream (RFC 1950) of deflate blocks (RFC 1951) with the fixed
/// Huffman codes. The only matches sought are repeats of the previous byte
/// or pixel (distances 1 and 3), which is what a plot's flat areas and
/// repeated rows give after the filter, so a chart of a million pixels
/// takes tens of kilobytes.
enum PNGEncoder {
    /// The PNG file of an image `width` × `height` whose `rgb` holds three
    /// bytes per pixel, rows top to bottom.
    static func encode(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && rgb.count == width * height * 3,
                     "PNGEncoder: \(rgb.count) bytes for a \(width) × \(height) RGB image")
        let stride = width * 3
        var filtered: [UInt8] = []
        filtered.reserveCapacity((stride + 1) * height)
        for y in 0..<height {
            filtered.append(2)                                     // filter type 2, "Up": the byte above is subtracted
            for x in 0..<stride {
                let above = y == 0 ? 0 : rgb[(y - 1) * stride + x]
                filtered.append(rgb[y * stride + x] &- above)
            }
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]                                  // 8 bits, truecolour, deflate, adaptive filter, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", zlib(filtered)) + chunk("IEND", [])
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    /// CRC-32 of ISO 3309 / ITU-T V.42 (reflected polynomial 0xEDB88320), as PNG and zlib's `crc32` define it.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc = crcTable[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// Adler-32 (RFC 1950), the zlib stream's checksum.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for chunk in Swift.stride(from: 0, to: bytes.count, by: 5552) {   // the largest run before the sums can overflow
            for byte in bytes[chunk..<min(chunk + 5552, bytes.count)] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }

    /// A zlib stream: header 0x78 0x01 (deflate, 32 KiB window, no dictionary), the data deflated, its Adler-32.
    static func zlib(_ data: [UInt8]) -> [UInt8] {
        [0x78, 0x01] + deflate(data) + bigEndian(adler32(data))
    }

    /// One final deflate block with the fixed Huffman codes: literals, and
    /// matches at distance 1 or 3 of 3 to 258 bytes.
    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var bits = BitWriter()
        bits.write(1, count: 1)                                    // BFINAL
        bits.write(1, count: 2)                                    // BTYPE 01: fixed Huffman codes
        var i = 0
        while i < data.count {
            var best = (length: 0, distance: 0)
            for distance in [1, 3] where i >= distance {
                var length = 0
                while length < 258 && i + length < data.count && data[i + length] == data[i + length - distance] { length += 1 }
                if length > best.length { best = (length, distance) }
            }
            if best.length >= 3 {
                bits.writeLength(best.length)
                bits.writeHuffman(best.distance == 1 ? 0 : 2, count: 5)   // distance codes 0 and 2: distances 1 and 3, no extra bits
                i += best.length
            } else {
                bits.writeLiteral(Int(data[i]))
                i += 1
            }
        }
        bits.writeLiteral(256)                                     // end of block
        return bits.bytes()
    }

    /// Bits packed least significant first, as deflate stores them.
    struct BitWriter {
        private var out: [UInt8] = []
        private var current: UInt32 = 0
        private var filled = 0

        /// `count` low bits of `value`, least significant first (deflate's header and extra bits).
        mutating func write(_ value: Int, count: Int) {
            for k in 0..<count {
                current |= UInt32((value >> k) & 1) << UInt32(filled)
                filled += 1
                if filled == 8 { out.append(UInt8(current)); current = 0; filled = 0 }
            }
        }

        /// A Huffman code of `count` bits, most significant first (RFC 1951 §3.1.1).
        mutating func writeHuffman(_ code: Int, count: Int) {
            for k in Swift.stride(from: count - 1, through: 0, by: -1) { write((code >> k) & 1, count: 1) }
        }

        /// Literal/length symbol `symbol` (0…287) in the fixed code of RFC 1951 §3.2.6.
        mutating func writeLiteral(_ symbol: Int) {
            switch symbol {
            case 0...143: writeHuffman(0x30 + symbol, count: 8)
            case 144...255: writeHuffman(0x190 + symbol - 144, count: 9)
            case 256...279: writeHuffman(symbol - 256, count: 7)
            default: writeHuffman(0xC0 + symbol - 280, count: 8)
            }
        }

        /// A match length of 3…258: its symbol (257…285) and extra bits.
        mutating func writeLength(_ length: Int) {
            let index = BitWriter.lengthBases.lastIndex { $0 <= length }!
            writeLiteral(257 + index)
            write(length - BitWriter.lengthBases[index], count: BitWriter.lengthExtraBits[index])
        }

        static let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                                  131, 163, 195, 227, 258]
        static let lengthExtraBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]

        /// The bytes written, the last one padded with zero bits.
        func bytes() -> [UInt8] { filled > 0 ? out + [UInt8(current)] : out }
    }
}

import Foundation

/// CRC-32C (Castagnoli), the checksum of the TFRecord container.
///
/// Reflected polynomial 0x82F63B78, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF
/// (RFC 3720 §12.1 / appendix B.4; TensorFlow `tensorflow/core/lib/hash/crc32c.h`).
/// Computed with slicing-by-8: eight 256-entry tables let the inner loop consume
/// eight bytes per step with table look-ups only.
public enum CRC32C {
    /// The eight slicing tables, `tables[k * 256 + b]` = CRC of byte `b` followed by `k` zero bytes.
    @usableFromInline
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for b in 0..<256 {
            var crc = UInt32(b)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
            }
            t[b] = crc
        }
        for k in 1..<8 {
            for b in 0..<256 {
                let previous = t[(k - 1) * 256 + b]
                t[k * 256 + b] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    /// CRC-32C of `bytes`: `checksum(b) = ~update(0xFFFFFFFF, b)`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        extend(0, bytes)
    }

    /// CRC-32C of a byte array (see `checksum(_:)` on a raw buffer).
    public static func checksum<C: ContiguousBytes>(_ bytes: C) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Continues a checksum: `extend(checksum(a), b) == checksum(a + b)`.
    public static func extend(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = ~crc
        let n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return crc }
        var i = 0
        tables.withUnsafeBufferPointer { t in
            // Slicing-by-8 main loop: fold 8 bytes per iteration.
            while n - i >= 8 {
                let lo = c ^ UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                let hi = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                c = t[7 * 256 + Int(lo & 0xFF)]
                    ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)]
                    ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)]
                    ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xFF)]
                    ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < n {
                let byte = base.load(fromByteOffset: i, as: UInt8.self)
                c = (c >> 8) ^ t[Int((c ^ UInt32(byte)) & 0xFF)]
                i += 1
            }
        }
        return ~c
    }

    private static let maskDelta: UInt32 = 0xA282_EAD8

    /// TFRecord's masked CRC: `mask(c) = ((c >> 15) | (c << 17)) + 0xa282ead8 (mod 2^32)`
    /// (TensorFlow `crc32c::Mask`; masking avoids problems when CRCs of CRC-bearing data are taken).
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// Inverse of `mask`: `unmask(m) = (r >> 17) | (r << 15)` with `r = m − 0xa282ead8 (mod 2^32)`.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rot = masked &- maskDelta
        return (rot >> 17) | (rot << 15)
    }

    /// Masked CRC-32C of `bytes`, as stored in TFRecord headers and footers.
    public static func maskedChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        mask(checksum(bytes))
    }
}

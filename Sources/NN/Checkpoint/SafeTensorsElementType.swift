import Foundation
import Tensor

extension SafeTensors {
    /// An element type of the safetensors format, and how it is read into
    /// the library's four dtypes: floating types the library lacks widen
    /// exactly to float32, integer and boolean types become int32 (uint8
    /// stays), and an integer that does not fit int32 is an error naming it.
    enum ElementType: String, CaseIterable {
        case bool = "BOOL", u8 = "U8", i8 = "I8", u16 = "U16", i16 = "I16", u32 = "U32", i32 = "I32",
             u64 = "U64", i64 = "I64", f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2", f8e8m0 = "F8_E8M0",
             f16 = "F16", bf16 = "BF16", f32 = "F32", f64 = "F64"

        /// The type `write` stores a tensor of `dtype` as.
        init(storing dtype: DType) {
            switch dtype {
            case .float32: self = .f32
            case .float64: self = .f64
            case .int32: self = .i32
            case .uint8: self = .u8
            }
        }

        var byteSize: Int {
            switch self {
            case .bool, .u8, .i8, .f8e4m3, .f8e5m2, .f8e8m0: return 1
            case .u16, .i16, .f16, .bf16: return 2
            case .u32, .i32, .f32: return 4
            case .u64, .i64, .f64: return 8
            }
        }

        /// The library dtype a tensor of this type is read as.
        var dtype: DType {
            switch self {
            case .f64: return .float64
            case .f32, .f16, .bf16, .f8e4m3, .f8e5m2, .f8e8m0: return .float32
            case .u8: return .uint8
            case .bool, .i8, .u16, .i16, .u32, .i32, .u64, .i64: return .int32
            }
        }

        /// Element `i` of little-endian `bytes`, a floating type, as a Double (exactly).
        func float(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Double {
            switch self {
            case .f16: return Double(Float16(bitPattern: load(UInt16.self, bytes, i)))
            case .bf16: return Double(Float(bitPattern: UInt32(load(UInt16.self, bytes, i)) << 16))
            case .f8e5m2: return Double(Float16(bitPattern: UInt16(bytes[i]) << 8))
            case .f8e4m3: return Self.e4m3fn(bytes[i])
            case .f8e8m0: return bytes[i] == 0xFF ? .nan : Double(sign: .plus, exponent: Int(bytes[i]) - 127, significand: 1)
            case .f32: return Double(Float(bitPattern: load(UInt32.self, bytes, i)))
            case .f64: return Double(bitPattern: load(UInt64.self, bytes, i))
            default: preconditionFailure("SafeTensors.ElementType.float: \(rawValue) is an integer type")
            }
        }

        /// Element `i` as an integer, nil when it does not fit an Int64 (a U64 above Int64.max).
        func integer(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int64? {
            switch self {
            case .bool, .u8: return Int64(bytes[i])
            case .i8: return Int64(Int8(bitPattern: bytes[i]))
            case .u16: return Int64(load(UInt16.self, bytes, i))
            case .i16: return Int64(Int16(bitPattern: load(UInt16.self, bytes, i)))
            case .u32: return Int64(load(UInt32.self, bytes, i))
            case .i32: return Int64(Int32(bitPattern: load(UInt32.self, bytes, i)))
            case .u64: return Int64(exactly: load(UInt64.self, bytes, i))
            case .i64: return Int64(bitPattern: load(UInt64.self, bytes, i))
            default: return nil
            }
        }

        private func load<T: FixedWidthInteger>(_: T.Type, _ bytes: UnsafeRawBufferPointer, _ i: Int) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
        }

        /// float8 e4m3 "fn" (PyTorch's `float8_e4m3fn`): bias 7, subnormals,
        /// no infinities, S.1111.111 the only NaN.
        static func e4m3fn(_ byte: UInt8) -> Double {
            let sign: Double = byte & 0x80 == 0 ? 1 : -1
            let exponent = Int(byte >> 3) & 0xF, mantissa = Double(byte & 0x7)
            if exponent == 0xF && byte & 0x7 == 0x7 { return .nan }
            if exponent == 0 { return sign * mantissa / 8 * 0x1p-6 }
            return sign * (1 + mantissa / 8) * Double(sign: .plus, exponent: exponent - 7, significand: 1)
        }
    }

    /// The tensor of `shape` whose elements of `type` are `bytes`, in the
    /// library dtype it reads as; an integer outside int32 throws ``ElementError``.
    static func decode(_ bytes: UnsafeRawBufferPointer, type: ElementType, shape: [Int]) throws -> Tensor {
        var t = Tensor.zeros(shape, dtype: type.dtype)
        let count = t.count
        guard count > 0 else { return t }
        switch type {
        case .f32: t.withUnsafeMutablePointer(of: Float.self) { UnsafeMutableRawPointer($0).copyMemory(from: bytes.baseAddress!, byteCount: count * 4) }
        case .f64: t.withUnsafeMutablePointer(of: Double.self) { UnsafeMutableRawPointer($0).copyMemory(from: bytes.baseAddress!, byteCount: count * 8) }
        case .i32: t.withUnsafeMutablePointer(of: Int32.self) { UnsafeMutableRawPointer($0).copyMemory(from: bytes.baseAddress!, byteCount: count * 4) }
        case .u8: t.withUnsafeMutablePointer(of: UInt8.self) { UnsafeMutableRawPointer($0).copyMemory(from: bytes.baseAddress!, byteCount: count) }
        case .f16, .bf16, .f8e4m3, .f8e5m2, .f8e8m0:
            t.withUnsafeMutablePointer(of: Float.self) { p in for i in 0..<count { p[i] = Float(type.float(bytes, at: i)) } }
        case .bool, .i8, .u16, .i16, .u32, .u64, .i64:
            var outOfRange: (index: Int, value: String)?
            t.withUnsafeMutablePointer(of: Int32.self) { p in
                for i in 0..<count {
                    guard let v = type.integer(bytes, at: i), let narrow = Int32(exactly: v) else {
                        let shown = type.integer(bytes, at: i).map(String.init) ?? String(bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                        outOfRange = (i, shown)
                        return
                    }
                    p[i] = narrow
                }
            }
            if let (index, value) = outOfRange {
                throw ElementError(reason: "element \(index) is \(value), outside the int32 range the library reads \(type.rawValue) into")
            }
        }
        return t
    }

    /// An element that cannot be represented after conversion.
    struct ElementError: Error { let reason: String }
}

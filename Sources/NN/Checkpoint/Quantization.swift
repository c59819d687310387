import Foundation
import Tensor

/// Partial 8-bit quantisation for export under a size budget (Skalic &
/// Austin 2018, miha's quantize.py `quant_uniform`): every float tensor with
/// more than `minimumElements` elements (17,000 by default) is stored as
/// uint8 indices into 256 evenly spaced levels between its minimum and
/// maximum, w ≈ min + q·(max − min)/255 with q = round((w − min)·255/(max − min));
/// smaller tensors stay float32. The file is safetensors: quantised tensors
/// keep their names (dtype U8) and their [min, max] go in the metadata under
/// `quantized`, so any safetensors reader can open it.
public enum Quantization {
    /// Sizes before and after, in bytes.
    public struct Report: CustomStringConvertible, Sendable {
        /// Bytes the tensors take as float32.
        public let floatBytes: Int
        /// Bytes they take after partial 8-bit quantization.
        public let quantizedBytes: Int
        /// Tensors stored as 8-bit values.
        public let quantizedTensors: Int
        /// Tensors kept as float32 (those below the size threshold).
        public let keptTensors: Int
        /// The quantized size as a fraction of the float32 size.
        public var ratio: Double { Double(quantizedBytes) / Double(max(floatBytes, 1)) }
        /// The sizes and counts on one line.
        public var description: String {
            String(format: "%d tensors quantised to 8 bits, %d kept as float32: %.1f MB → %.1f MB (%.1f%%)",
                   quantizedTensors, keptTensors, Double(floatBytes) / 1e6, Double(quantizedBytes) / 1e6, 100 * ratio)
        }
    }

    /// The 8-bit codes of `w` and its range.
    public static func quantize(_ w: Tensor) -> (codes: Tensor, min: Float, max: Float) {
        let v = w.converted(to: .float32).detached()
        let lo = v.floats.min() ?? 0, hi = v.floats.max() ?? 0
        let scale = hi > lo ? 255 / (hi - lo) : 0
        var codes = Tensor.zeros(w.shape, dtype: .uint8)
        v.withUnsafePointer(of: Float.self) { src in
            codes.withUnsafeMutablePointer(of: UInt8.self) { dst in
                for i in 0..<v.count { dst[i] = UInt8(((src[i] - lo) * scale).rounded()) }
            }
        }
        return (codes, lo, hi)
    }

    /// w = min + q·(max − min)/255 as float32.
    public static func dequantize(_ codes: Tensor, min lo: Float, max hi: Float) -> Tensor {
        precondition(codes.dtype == .uint8, "dequantize: needs uint8 codes, got \(codes.dtype)")
        let step = (hi - lo) / 255
        var out = Tensor.zeros(codes.shape, dtype: .float32)
        codes.withUnsafePointer(of: UInt8.self) { src in
            out.withUnsafeMutablePointer(of: Float.self) { dst in
                for i in 0..<codes.count { dst[i] = lo + Float(src[i]) * step }
            }
        }
        return out
    }

    /// Writes `state` with large float tensors quantised; returns the sizes.
    @discardableResult
    public static func export(_ state: [String: Tensor], to path: String, minimumElements: Int = 17_000,
                              metadata: [String: String] = [:]) throws -> Report {
        var out: [String: Tensor] = [:], ranges: [String: [Float]] = [:]
        var floatBytes = 0, quantizedBytes = 0
        for (name, t) in state {
            let f = t.dtype.isFloatingPoint ? t.converted(to: .float32) : t
            floatBytes += f.count * f.dtype.byteSize
            if t.dtype.isFloatingPoint && t.count > minimumElements {
                let (codes, lo, hi) = quantize(t)
                out[name] = codes
                ranges[name] = [lo, hi]
            } else {
                out[name] = f
            }
            quantizedBytes += out[name]!.count * out[name]!.dtype.byteSize
        }
        var meta = metadata
        let json = try JSONSerialization.data(withJSONObject: ranges, options: [.sortedKeys])
        meta["quantized"] = String(decoding: json, as: UTF8.self)
        try SafeTensors.write(out, metadata: meta, to: path)
        return Report(floatBytes: floatBytes, quantizedBytes: quantizedBytes,
                      quantizedTensors: ranges.count, keptTensors: state.count - ranges.count)
    }

    /// Reads an exported file and dequantises it back to float32 tensors.
    public static func load(_ path: String) throws -> [String: Tensor] {
        let (tensors, metadata) = try SafeTensors.read(path)
        var ranges: [String: [Double]] = [:]
        if let text = metadata["quantized"] {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [Double]] else {
                throw SafeTensors.FormatError.badHeader(path: path, reason: "metadata 'quantized' is not a map of [min, max] pairs")
            }
            ranges = parsed
        }
        var out = tensors
        for (name, r) in ranges {
            guard let codes = tensors[name], codes.dtype == .uint8, r.count == 2 else {
                throw SafeTensors.FormatError.badEntry(path: path, name: name, reason: "listed as quantised but not a uint8 tensor with a [min, max] range")
            }
            out[name] = dequantize(codes, min: Float(r[0]), max: Float(r[1]))
        }
        return out
    }
}

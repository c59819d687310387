import Foundation
import Tensor

/// Output shapes recorded while ``Module/summary(_:)`` runs a forward pass.
final class SummaryTrace {
    nonisolated(unsafe) static var active: SummaryTrace?
    var shapes: [ObjectIdentifier: [Int]] = [:]
}

extension Module {
    /// Returns `output` unchanged, noting its shape as this module's output
    /// when a summary is being taken (a global read otherwise).
    @inline(__always)
    public func traced(_ output: Tensor) -> Tensor {
        if let trace = SummaryTrace.active { trace.shapes[ObjectIdentifier(self)] = output.shape }
        return output
    }

    /// A table of every sub-module, like Keras' `summary()` or torchinfo:
    /// name (type), the output shape seen while `forwardPass` ran, and the
    /// parameters of the module and its children; then the totals.
    ///
    ///     print(model.summary { _ = model(x) })
    public func summary(_ forwardPass: () -> Void) -> String {
        let trace = SummaryTrace()
        SummaryTrace.active = trace
        withoutGrad { forwardPass() }
        SummaryTrace.active = nil

        var rows: [(String, String, String)] = []
        for (name, module) in namedModules() {
            let depth = name.isEmpty ? 0 : name.split(separator: ".").filter { Int($0) == nil }.count
            let label = String(repeating: "  ", count: depth) + (name.isEmpty ? "" : (name.split(separator: ".").last.map(String.init) ?? name) + " ")
                + "(\(String(describing: type(of: module))))"
            let shape = trace.shapes[ObjectIdentifier(module)].map { "\($0)" } ?? "—"
            rows.append((label, shape, Module.grouped(module.parameterCount)))
        }
        let w0 = max(rows.map(\.0.count).max() ?? 0, 12) + 2, w1 = max(rows.map(\.1.count).max() ?? 0, 12) + 2
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(w - s.count, 1)) }
        var lines = [pad("Layer (type)", w0) + pad("Output shape", w1) + "Param #"]
        lines.append(String(repeating: "─", count: w0 + w1 + 12))
        for (a, b, c) in rows { lines.append(pad(a, w0) + pad(b, w1) + c) }
        lines.append(String(repeating: "─", count: w0 + w1 + 12))
        let total = parameterCount, trainable = trainableParameters.reduce(0) { $0 + $1.value.count }
        let bytes = parameters.reduce(0) { $0 + $1.value.count * $1.value.dtype.byteSize }
        lines.append("Total params: \(Module.grouped(total)) (\(String(format: "%.2f", Double(bytes) / 1e6)) MB)")
        lines.append("Trainable params: \(Module.grouped(trainable))")
        lines.append("Non-trainable params: \(Module.grouped(total - trainable))")
        return lines.joined(separator: "\n")
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }
}

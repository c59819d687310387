import FileIO
import Tensor
import Foundation

/// A line chart of training curves as a standalone SVG file: one panel per
/// group of series (e.g. losses in one, GAP in another), steps on x, with
/// axes, ticks, a legend and a title. No dependencies; opens in any browser.
public struct CurvePlot {
    public struct Series {
        public let name: String
        public let points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) {
            self.name = name
            self.points = points
        }
    }

    public struct Panel {
        public let title: String
        public let yLabel: String
        public let series: [Series]
        /// A logarithmic y axis (used when every value is positive): losses
        /// fall over decades, and on a linear axis everything after the first
        /// steps is a flat line.
        public var logScale: Bool
        public init(title: String, yLabel: String, series: [Series], logScale: Bool = false) {
            self.title = title
            self.yLabel = yLabel
            self.series = series
            self.logScale = logScale
        }
    }

    public let title: String
    public let panels: [Panel]
    public var width = 720.0
    public var panelHeight = 300.0

    public init(title: String, panels: [Panel]) {
        self.title = title
        self.panels = panels
    }

    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    /// The SVG document.
    public func svg() -> String {
        let top = 40.0, height = top + Double(panels.count) * (panelHeight + 20)
        var out = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" font-family="sans-serif" font-size="12">"#,
                   #"<rect width="100%" height="100%" fill="white"/>"#,
                   #"<text x="\#(width / 2)" y="24" text-anchor="middle" font-size="16">\#(escape(title))</text>"#]
        for (i, panel) in panels.enumerated() {
            out.append(contentsOf: draw(panel, y0: top + Double(i) * (panelHeight + 20)))
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    public func save(to path: String) throws { try writeAtomically(svg(), to: path) }

    private func draw(_ panel: Panel, y0: Double) -> [String] {
        let left = 70.0, right = width - 150, bottom = y0 + panelHeight - 40, topY = y0 + 20
        let all = panel.series.flatMap(\.points).filter { $0.y.isFinite }
        var out: [String] = []
        guard let xMin = all.map(\.x).min(), let xMax = all.map(\.x).max(),
              let lowest = all.map(\.y).min(), let highest = all.map(\.y).max() else {
            out.append(#"<text x="\#(left)" y="\#(y0 + 12)" font-size="13">\#(escape(panel.title))</text>"#)
            out.append(#"<text x="\#(left)" y="\#(y0 + 40)">no data</text>"#)
            return out
        }
        // Positions are computed on log10(y) for a log axis.
        let logScale = panel.logScale && lowest > 0
        func scaled(_ y: Double) -> Double { logScale ? log10(y) : y }
        let title = panel.title + (logScale ? " (log scale)" : "")
        out.append(#"<text x="\#(left)" y="\#(y0 + 12)" font-size="13">\#(escape(title))</text>"#)
        var yMin = scaled(lowest), yMax = scaled(highest)
        if yMax == yMin { yMax += 0.5; yMin -= 0.5 }
        let pad = (yMax - yMin) * 0.05
        yMin -= pad; yMax += pad
        let xSpan = max(xMax - xMin, 1)
        func px(_ x: Double) -> Double { left + (x - xMin) / xSpan * (right - left) }
        func py(_ y: Double) -> Double { bottom - (scaled(y) - yMin) / (yMax - yMin) * (bottom - topY) }
        out.append(#"<rect x="\#(left)" y="\#(topY)" width="\#(right - left)" height="\#(bottom - topY)" fill="none" stroke="gray"/>"#)
        let yTicks = logScale ? CurvePlot.logTicks(pow(10, yMin), pow(10, yMax)) : CurvePlot.niceTicks(yMin, yMax)
        for yv in yTicks {
            out.append(#"<line x1="\#(left - 4)" y1="\#(py(yv))" x2="\#(right)" y2="\#(py(yv))" stroke="gainsboro"/>"#)
            out.append(#"<text x="\#(left - 6)" y="\#(py(yv) + 4)" text-anchor="end">\#(CurvePlot.tick(yv))</text>"#)
        }
        for xv in CurvePlot.niceTicks(xMin, xMin + xSpan) {
            out.append(#"<text x="\#(px(xv))" y="\#(bottom + 16)" text-anchor="middle">\#(CurvePlot.tick(xv))</text>"#)
        }
        out.append(#"<text x="\#((left + right) / 2)" y="\#(bottom + 32)" text-anchor="middle">step</text>"#)
        out.append(#"<text transform="translate(16 \#((topY + bottom) / 2)) rotate(-90)" text-anchor="middle">\#(escape(panel.yLabel))</text>"#)
        for (j, s) in panel.series.enumerated() {
            let colour = CurvePlot.colours[j % CurvePlot.colours.count]
            let pts = s.points.filter { $0.y.isFinite }.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }
            if pts.count == 1 {
                let p = pts[0].split(separator: ",")
                out.append(#"<circle cx="\#(p[0])" cy="\#(p[1])" r="3" fill="\#(colour)"/>"#)
            } else if !pts.isEmpty {
                out.append(#"<polyline fill="none" stroke="\#(colour)" stroke-width="1.5" points="\#(pts.joined(separator: " "))"/>"#)
            }
            let ly = topY + 14 + Double(j) * 16
            out.append(#"<line x1="\#(right + 10)" y1="\#(ly - 4)" x2="\#(right + 30)" y2="\#(ly - 4)" stroke="\#(colour)" stroke-width="2"/>"#)
            out.append(#"<text x="\#(right + 36)" y="\#(ly)">\#(escape(s.name))</text>"#)
        }
        return out
    }

    /// About five round tick values (steps of 1, 2 or 5 × 10ᵏ) inside [lo, hi].
    static func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        guard raw > 0, raw.isFinite else { return [lo] }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        // The candidate nearest to the raw step on a log scale.
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.min { Swift.abs(log($0 / raw)) < Swift.abs(log($1 / raw)) }!
        var ticks: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 { ticks.append(Swift.abs(v) < step * 1e-9 ? 0 : v); v += step }
        return ticks
    }

    /// Ticks of a log axis inside [lo, hi] (lo > 0): the powers of ten, with
    /// 2 and 5 × 10ᵏ as well when the range spans fewer than two decades.
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let first = Int(log10(lo).rounded(.down)), last = Int(log10(hi).rounded(.up))
        let multipliers: [Double] = last - first <= 2 ? [1, 2, 5] : [1]
        var ticks: [Double] = []
        for k in first...last {
            let decade = pow(10, Double(k))
            for m in multipliers where m * decade >= lo * (1 - 1e-9) && m * decade <= hi * (1 + 1e-9) { ticks.append(m * decade) }
        }
        return ticks
    }

    /// Short tick labels: 0.8321, 12.5, 4500, 1.2e+06.
    static func tick(_ v: Double) -> String {
        let a = Swift.abs(v)
        if a != 0 && (a >= 1e5 || a < 1e-3) { return String(format: "%.2g", v) }
        if a >= 100 { return String(format: "%.0f", v) }
        return String(format: "%.4g", v)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension MetricsLog {
    /// The standard training-curve figure: training and validation losses in
    /// one panel, the validation metrics (GAP, MAP, Hit@1, PERR) in another.
    public func curvePlot(title: String) -> CurvePlot {
        let lossNames = columns.filter { $0.contains("loss") }
        let metricNames = columns.filter { !$0.contains("loss") && ($0.contains("gap") || $0.contains("map") || $0.contains("hit") || $0.contains("perr")) }
        func series(_ names: [String]) -> [CurvePlot.Series] {
            names.map { n in CurvePlot.Series(name: n, points: self.series(n).map { (Double($0.step), $0.value) }) }
        }
        var panels = [CurvePlot.Panel(title: "Loss", yLabel: "loss", series: series(lossNames), logScale: true)]
        if !metricNames.isEmpty { panels.append(CurvePlot.Panel(title: "Validation", yLabel: "score", series: series(metricNames))) }
        return CurvePlot(title: title, panels: panels)
    }
}

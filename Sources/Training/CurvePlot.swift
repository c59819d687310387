import FileIO
import Tensor
import Foundation

/// A line chart of training curves: one panel per group of series (e.g.
/// losses in one, GAP in another), steps on x, with axes, ticks, a legend
/// and a title. Drawn once as `PlotShape`s, written as a standalone SVG
/// (opens in any browser) and as a PNG (for viewers, reports and chat
/// tools that show images but not SVG). No dependencies.
public struct CurvePlot {
    /// One curve of a panel, named in the legend; its colour (one of six) follows from its place in the panel.
    public struct Series {
        /// The curve's name in the legend.
        public let name: String
        /// The curve's points (x: the step), in order; non-finite y values are left out of the drawing.
        public let points: [(x: Double, y: Double)]
        /// Draw a dot at every point (sparse series such as validation scores).
        public var markers: Bool
        /// Draw the raw values faintly under their exponential moving average
        /// with this weight on the past (TensorBoard's smoothing, debiased;
        /// nil: the raw line only). Noisy per-step series read better smoothed.
        public var smoothing: Double?
        /// A curve `name` through `points`, plain by default: no dots, no smoothing.
        public init(name: String, points: [(x: Double, y: Double)], markers: Bool = false, smoothing: Double? = nil) {
            self.name = name
            self.points = points
            self.markers = markers
            self.smoothing = smoothing
        }

        /// The debiased exponential moving average of the finite points.
        func smoothed(_ weight: Double) -> [(x: Double, y: Double)] {
            var average = 0.0, norm = 0.0
            return points.filter { $0.y.isFinite }.map { p in
                average = weight * average + (1 - weight) * p.y
                norm = weight * norm + (1 - weight)
                return (p.x, average / norm)
            }
        }
    }

    /// A vertical line across a panel at `x` with a label (the best validation step).
    public struct Marker {
        /// Where the line stands, on the step axis.
        public let x: Double
        /// The text beside the top of the line.
        public let label: String
        /// A marker at step `x` labelled `label`.
        public init(x: Double, label: String) {
            self.x = x
            self.label = label
        }
    }

    /// One chart of the figure: its own y axis and legend, under the
    /// figure's shared step axis.
    public struct Panel {
        /// The heading above the panel (with "(log scale)" added when the axis is logarithmic).
        public let title: String
        /// The y axis's label, written vertically on the left.
        public let yLabel: String
        /// The curves drawn, in legend order.
        public let series: [Series]
        /// A logarithmic y axis (used when every value is positive): losses
        /// fall over decades, and on a linear axis everything after the first
        /// steps is a flat line.
        public var logScale: Bool
        /// A dashed vertical line to draw across the panel (nil: none).
        public var marker: Marker?
        /// A panel `title` of `series` with y axis `yLabel`, linear and without a marker by default.
        public init(title: String, yLabel: String, series: [Series], logScale: Bool = false, marker: Marker? = nil) {
            self.title = title
            self.yLabel = yLabel
            self.series = series
            self.logScale = logScale
            self.marker = marker
        }
    }

    /// The figure's title, centred at the top.
    public let title: String
    /// The panels, stacked top to bottom on one step axis.
    public let panels: [Panel]
    /// The figure's width in SVG units (pixels at scale 1).
    public var width = 720.0
    /// The height of each panel in SVG units, axis labels included.
    public var panelHeight = 300.0

    /// A figure `title` of `panels`, 720 units wide with panels 300 high.
    public init(title: String, panels: [Panel]) {
        self.title = title
        self.panels = panels
    }

    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"].map(PlotColour.init(hex:))

    /// The figure's height: the title, then the panels.
    var height: Double { 40 + Double(panels.count) * (panelHeight + 20) }

    /// Every primitive of the figure, in drawing order, in SVG units.
    func shapes() -> [PlotShape] {
        var out: [PlotShape] = [.text(title, x: width / 2, y: 24, anchor: .middle, size: 16)]
        // One step axis for every panel, so a validation point sits under the loss of its step.
        let xs = panels.flatMap { $0.series.flatMap { $0.points.filter { $0.y.isFinite }.map(\.x) } }
        let xRange = (xs.min() ?? 0, xs.max() ?? 1)
        for (i, panel) in panels.enumerated() {
            out.append(contentsOf: draw(panel, y0: 40 + Double(i) * (panelHeight + 20), xRange: xRange))
        }
        return out
    }

    /// The SVG document.
    public func svg() -> String {
        let lines = [#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="\#(Int(height))" font-family="sans-serif" font-size="12">"#,
                     #"<rect width="100%" height="100%" fill="white"/>"#]
            + shapes().map(\.svg) + ["</svg>"]
        return lines.joined(separator: "\n")
    }

    /// The same figure as a PNG file, at `scale` pixels per SVG unit (2:
    /// sharp on high-density screens, and the text large enough to read).
    public func png(scale: Double = 2) -> [UInt8] {
        var raster = Raster(width: width, height: height, scale: scale)
        for shape in shapes() { raster.draw(shape) }
        return raster.png()
    }

    /// Writes the SVG to `path`, and with `png` the PNG beside it (the same name ending in `.png`), each atomically.
    public func save(to path: String, png writePNG: Bool = false) throws {
        try writeAtomically(svg(), to: path)
        if writePNG {
            let pngPath = (path.hasSuffix(".svg") ? String(path.dropLast(4)) : path) + ".png"
            try writeAtomically(png(), to: pngPath)
        }
    }

    private func draw(_ panel: Panel, y0: Double, xRange: (Double, Double)) -> [PlotShape] {
        let left = 70.0, right = width - 150, bottom = y0 + panelHeight - 40, topY = y0 + 20
        let all = panel.series.flatMap(\.points).filter { $0.y.isFinite }
        var out: [PlotShape] = []
        let (xMin, xMax) = xRange
        guard let lowest = all.map(\.y).min(), let highest = all.map(\.y).max() else {
            out.append(.text(panel.title, x: left, y: y0 + 12, size: 13))
            out.append(.text("no data", x: left, y: y0 + 40))
            return out
        }
        // Positions are computed on log10(y) for a log axis.
        let logScale = panel.logScale && lowest > 0
        func scaled(_ y: Double) -> Double { logScale ? log10(y) : y }
        out.append(.text(panel.title + (logScale ? " (log scale)" : ""), x: left, y: y0 + 12, size: 13))
        var yMin = scaled(lowest), yMax = scaled(highest)
        if yMax == yMin { yMax += 0.5; yMin -= 0.5 }
        let pad = (yMax - yMin) * 0.05
        yMin -= pad; yMax += pad
        let xSpan = max(xMax - xMin, 1)
        func px(_ x: Double) -> Double { left + (x - xMin) / xSpan * (right - left) }
        func py(_ y: Double) -> Double { bottom - (scaled(y) - yMin) / (yMax - yMin) * (bottom - topY) }
        out.append(.rect(x: left, y: topY, width: right - left, height: bottom - topY, stroke: .gray))
        let yTicks = logScale ? CurvePlot.logTicks(pow(10, yMin), pow(10, yMax)) : CurvePlot.niceTicks(yMin, yMax)
        for yv in yTicks {
            out.append(.line(x1: left - 4, y1: py(yv), x2: right, y2: py(yv), colour: .gainsboro))
            out.append(.text(CurvePlot.tick(yv), x: left - 6, y: py(yv) + 4, anchor: .end))
        }
        for xv in CurvePlot.niceTicks(xMin, xMin + xSpan) {
            out.append(.text(CurvePlot.tick(xv), x: px(xv), y: bottom + 16, anchor: .middle))
        }
        out.append(.text("step", x: (left + right) / 2, y: bottom + 32, anchor: .middle))
        out.append(.text(panel.yLabel, x: 16, y: (topY + bottom) / 2, anchor: .middle, vertical: true))
        if let m = panel.marker {
            out.append(.line(x1: px(m.x), y1: topY, x2: px(m.x), y2: bottom, colour: .dimGray, dashed: true))
            let onRight = px(m.x) > (left + right) / 2
            out.append(.text(m.label, x: px(m.x) + (onRight ? -4 : 4), y: topY + 12, anchor: onRight ? .end : .start, colour: .dimGray))
        }
        func polyline(_ points: [(x: Double, y: Double)], _ colour: PlotColour, opacity: Double) -> PlotShape {
            .polyline(points.filter { $0.y.isFinite }.map { (px($0.x), py($0.y)) }, colour: colour, opacity: opacity, width: 1.5)
        }
        for (j, s) in panel.series.enumerated() {
            let colour = CurvePlot.colours[j % CurvePlot.colours.count]
            let finite = s.points.filter { $0.y.isFinite }
            if finite.count > 1 {
                if let w = s.smoothing {
                    out.append(polyline(finite, colour, opacity: 0.25))
                    out.append(polyline(s.smoothed(w), colour, opacity: 1))
                } else {
                    out.append(polyline(finite, colour, opacity: 1))
                }
            }
            if s.markers || finite.count == 1 {
                for p in finite { out.append(.circle(x: px(p.x), y: py(p.y), radius: 2.5, colour: colour)) }
            }
            let ly = topY + 14 + Double(j) * 16
            out.append(.line(x1: right + 10, y1: ly - 4, x2: right + 30, y2: ly - 4, colour: colour, width: 2))
            out.append(.text(s.name, x: right + 36, y: ly))
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
}

extension MetricsLog {
    /// Readable legend names for the trainer's columns (others keep their name).
    static let legendNames = ["train_loss": "training loss", "val_loss": "validation loss", "val_gap": "GAP@20",
                              "val_map": "MAP", "val_hit1": "Hit@1", "val_perr": "PERR"]

    /// The standard training-curve figure on one step axis: the losses in
    /// one panel (per-step training loss smoothed over its faint raw line),
    /// the validation metrics (GAP@20, MAP, Hit@1, PERR) with a dot per
    /// validation in another, and a dashed line at the step of the best GAP.
    public func curvePlot(title: String) -> CurvePlot {
        let lossNames = columns.filter { $0.contains("loss") }
        let metricNames = columns.filter { !$0.contains("loss") && ($0.contains("gap") || $0.contains("map") || $0.contains("hit") || $0.contains("perr")) }
        func series(_ names: [String], markers: Bool) -> [CurvePlot.Series] {
            names.map { n in
                let points = self.series(n).map { (Double($0.step), $0.value) }
                // Dense per-step series are smoothed; sparse ones are dotted.
                return CurvePlot.Series(name: MetricsLog.legendNames[n] ?? n, points: points, markers: markers,
                                        smoothing: !markers && points.count > 20 ? 0.9 : nil)
            }
        }
        var best: CurvePlot.Marker?
        if let top = self.series("val_gap").max(by: { $0.value < $1.value }) {
            best = CurvePlot.Marker(x: Double(top.step), label: String(format: "best GAP@20 %.4f at step %d", top.value, top.step))
        }
        var panels = [CurvePlot.Panel(title: "Loss", yLabel: "loss", series: series(lossNames, markers: false), logScale: true, marker: best)]
        if !metricNames.isEmpty {
            panels.append(CurvePlot.Panel(title: "Validation", yLabel: "score", series: series(metricNames, markers: true), marker: best))
        }
        return CurvePlot(title: title, panels: panels)
    }
}

import Foundation

/// A colour of a plot: its SVG spelling and its RGB value.
struct PlotColour: Equatable {
    let svg: String
    let red: UInt8, green: UInt8, blue: UInt8

    init(svg: String, _ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.svg = svg
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A `#rrggbb` colour.
    init(hex: String) {
        let v = UInt32(hex.dropFirst(), radix: 16) ?? 0
        self.init(svg: hex, UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
    }

    static let white = PlotColour(svg: "white", 255, 255, 255)
    static let black = PlotColour(svg: "black", 0, 0, 0)
    static let gray = PlotColour(svg: "gray", 128, 128, 128)
    static let gainsboro = PlotColour(svg: "gainsboro", 220, 220, 220)
    static let dimGray = PlotColour(svg: "dimgray", 105, 105, 105)
}

/// One drawing primitive of a chart, in SVG user units (pixels), rendered
/// either as an SVG element or into a ``Raster``: the one description both
/// files of a plot are drawn from.
enum PlotShape {
    enum Anchor: String { case start, middle, end }

    case rect(x: Double, y: Double, width: Double, height: Double, stroke: PlotColour)
    case line(x1: Double, y1: Double, x2: Double, y2: Double, colour: PlotColour, width: Double = 1, dashed: Bool = false)
    case polyline([(x: Double, y: Double)], colour: PlotColour, opacity: Double, width: Double)
    case circle(x: Double, y: Double, radius: Double, colour: PlotColour)
    /// Text whose baseline starts, centres or ends at (x, y); `vertical` turns it 90° anticlockwise about that point.
    case text(String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12, colour: PlotColour = .black,
              vertical: Bool = false)

    /// The SVG element.
    var svg: String {
        switch self {
        case .rect(let x, let y, let w, let h, let stroke):
            return #"<rect x="\#(n(x))" y="\#(n(y))" width="\#(n(w))" height="\#(n(h))" fill="none" stroke="\#(stroke.svg)"/>"#
        case .line(let x1, let y1, let x2, let y2, let colour, let width, let dashed):
            return #"<line x1="\#(n(x1))" y1="\#(n(y1))" x2="\#(n(x2))" y2="\#(n(y2))" stroke="\#(colour.svg)""#
                + (width == 1 ? "" : #" stroke-width="\#(n(width))""#) + (dashed ? #" stroke-dasharray="4 3""# : "") + "/>"
        case .polyline(let points, let colour, let opacity, let width):
            let pts = points.map { String(format: "%.1f,%.1f", $0.x, $0.y) }.joined(separator: " ")
            return #"<polyline fill="none" stroke="\#(colour.svg)" stroke-opacity="\#(n(opacity))" stroke-width="\#(n(width))" points="\#(pts)"/>"#
        case .circle(let x, let y, let r, let colour):
            return String(format: #"<circle cx="%.1f" cy="%.1f" "#, x, y) + #"r="\#(n(r))" fill="\#(colour.svg)"/>"#
        case .text(let s, let x, let y, let anchor, let size, let colour, let vertical):
            let position = vertical ? #"transform="translate(\#(n(x)) \#(n(y))) rotate(-90)""# : #"x="\#(n(x))" y="\#(n(y))""#
            return "<text \(position) text-anchor=\"\(anchor.rawValue)\""
                + (size == 12 ? "" : #" font-size="\#(n(size))""#) + (colour == .black ? "" : #" fill="\#(colour.svg)""#)
                + ">\(PlotShape.escape(s))</text>"
        }
    }

    /// A coordinate, length or opacity to two decimals, without trailing zeros (`360`, `0.25`, `1.5`).
    private func n(_ v: Double) -> String {
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

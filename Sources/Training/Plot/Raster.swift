import Foundation

/// An RGB image that ``PlotShape``s are drawn into, at `scale` pixels per
/// SVG unit, for the PNG of a plot. Strokes are drawn as coverage masks and
/// composited once, so a faint line stays faint where it crosses itself;
/// there is no anti-aliasing. Text uses ``BitmapFont`` at a whole multiple
/// of its pixels, chosen from the font size.
struct Raster {
    let width: Int, height: Int, scale: Double
    private(set) var rgb: [UInt8]

    init(width: Double, height: Double, scale: Double) {
        self.width = Int((width * scale).rounded())
        self.height = Int((height * scale).rounded())
        self.scale = scale
        rgb = [UInt8](repeating: 255, count: self.width * self.height * 3)
    }

    mutating func draw(_ shape: PlotShape) {
        switch shape {
        case .rect(let x, let y, let w, let h, let stroke):
            let corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
            strokePath(corners, colour: stroke, opacity: 1, width: 1, dashed: false)
        case .line(let x1, let y1, let x2, let y2, let colour, let width, let dashed):
            strokePath([(x1, y1), (x2, y2)], colour: colour, opacity: 1, width: width, dashed: dashed)
        case .polyline(let points, let colour, let opacity, let width):
            strokePath(points.map { ($0.x, $0.y) }, colour: colour, opacity: opacity, width: width, dashed: false)
        case .circle(let cx, let cy, let r, let colour):
            var mask = Set<Int>()
            stamp(cx * scale, cy * scale, radius: r * scale, into: &mask)
            composite(mask, colour: colour, opacity: 1)
        case .text(let s, let x, let y, let anchor, let size, let colour, let vertical):
            text(s, x: x, y: y, anchor: anchor, size: size, colour: colour, vertical: vertical)
        }
    }

    /// The PNG file of the image.
    func png() -> [UInt8] { PNGEncoder.encode(width: width, height: height, rgb: rgb) }

    /// A stroke through `points` (SVG units) of `width`, dashed 4 on 3 off as the SVG's `stroke-dasharray="4 3"`.
    private mutating func strokePath(_ points: [(Double, Double)], colour: PlotColour, opacity: Double, width: Double, dashed: Bool) {
        var mask = Set<Int>()
        let radius = max(width * scale / 2, 0.5)
        var travelled = 0.0                                        // along the path, in SVG units, for the dash pattern
        for (a, b) in zip(points, points.dropFirst()) {
            let (dx, dy) = (b.0 - a.0, b.1 - a.1)
            let length = (dx * dx + dy * dy).squareRoot()
            let steps = max(1, Int((length * scale * 3).rounded(.up)))   // a third of a pixel apart
            for k in 0...steps {
                let t = Double(k) / Double(steps)
                if dashed && (travelled + t * length).truncatingRemainder(dividingBy: 7) >= 4 { continue }
                stamp((a.0 + t * dx) * scale, (a.1 + t * dy) * scale, radius: radius, into: &mask)
            }
            travelled += length
        }
        composite(mask, colour: colour, opacity: opacity)
    }

    /// The pixels whose centres lie within `radius` of (px, py), in image pixels.
    private func stamp(_ px: Double, _ py: Double, radius: Double, into mask: inout Set<Int>) {
        let r = max(radius, 0.5)
        for y in Int((py - r).rounded(.down))...Int((py + r).rounded(.up)) where y >= 0 && y < height {
            for x in Int((px - r).rounded(.down))...Int((px + r).rounded(.up)) where x >= 0 && x < width {
                let (cx, cy) = (Double(x) + 0.5 - px, Double(y) + 0.5 - py)
                if cx * cx + cy * cy <= r * r { mask.insert(y * width + x) }
            }
        }
    }

    private mutating func composite(_ mask: Set<Int>, colour: PlotColour, opacity: Double) {
        let a = min(max(opacity, 0), 1)
        for pixel in mask {
            let i = pixel * 3
            for (k, c) in [colour.red, colour.green, colour.blue].enumerated() {
                rgb[i + k] = UInt8((Double(rgb[i + k]) * (1 - a) + Double(c) * a).rounded())
            }
        }
    }

    /// Text on its baseline at (x, y): glyphs of `size` SVG units are drawn
    /// at the nearest whole multiple of the font's 7-pixel cap height.
    private mutating func text(_ s: String, x: Double, y: Double, anchor: PlotShape.Anchor, size: Double, colour: PlotColour,
                               vertical: Bool) {
        let pixel = max(1, Int((size * scale * 0.72 / Double(BitmapFont.glyphHeight)).rounded()))
        let characters = Array(s)
        let extent = Double(characters.count * BitmapFont.advance - 1) * Double(pixel)
        let shift = anchor == .start ? 0 : anchor == .middle ? extent / 2 : extent
        // Along the text (u) and up from the baseline (v), in image pixels.
        let (ox, oy) = (x * scale, y * scale)
        var mask = Set<Int>()
        for (index, character) in characters.enumerated() {
            for (row, bits) in BitmapFont.rows(of: character).enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    let u0 = Double((index * BitmapFont.advance + column) * pixel) - shift
                    let v0 = Double((BitmapFont.glyphHeight - row - BitmapFont.descent(of: character)) * pixel)
                    for du in 0..<pixel {
                        for dv in 0..<pixel {
                            let u = u0 + Double(du), v = v0 - Double(dv)
                            let (px, py) = vertical ? (ox - v, oy - u) : (ox + u, oy - v)
                            let (ix, iy) = (Int(px.rounded(.down)), Int(py.rounded(.down)))
                            if ix >= 0 && ix < width && iy >= 0 && iy < height { mask.insert(iy * width + ix) }
                        }
                    }
                }
            }
        }
        composite(mask, colour: colour, opacity: 1)
    }
}

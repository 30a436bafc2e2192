import Foundation

/// A C2 curve made of quintic Bezier segments with linear extrapolation outside [xStart, xEnd]:
/// the representation of OpenSim's SmoothSegmentedFunction (SmoothSegmentedFunction.cpp,
/// SegmentedQuinticBezierToolkit.cpp). Control points are built once; evaluation allocates nothing.
public struct SmoothSegmentedCurve: Sendable {
    /// 6 control points per segment, segment-major.
    public private(set) var px: [Double]
    public private(set) var py: [Double]
    public let xStart, xEnd, yStart, yEnd, slopeStart, slopeEnd: Double
    public var segmentCount: Int { px.count / 6 }

    init(segments: [(x: [Double], y: [Double])], xStart: Double, xEnd: Double, yStart: Double, yEnd: Double,
         slopeStart: Double, slopeEnd: Double) {
        let x = segments.flatMap { $0.x }, y = segments.flatMap { $0.y }, cx = Self.powerForm(x), cy = Self.powerForm(y)
        px = x; py = y
        self.xStart = xStart; self.xEnd = xEnd; self.yStart = yStart; self.yEnd = yEnd
        self.slopeStart = slopeStart; self.slopeEnd = slopeEnd
        let joints = (0..<(x.count / 6)).map { x[6 * $0] } + [x[x.count - 1]]
        jointX = joints
        var coefficients: [Double] = [], cells: [(offset: Int, count: Int, perUnit: Double)] = [], starts: [SIMD2<Double>] = []
        for segment in 0..<(joints.count - 1) {
            let a = joints[segment], b = joints[segment + 1]
            func exact(_ at: Double) -> (Double, Double, Double) {
                Self.exactDerivatives(at, segment: segment, points: x, y, powers: cx, cy)
            }
            var count = 32, built: [Double] = [], width = 0.0
            while true {  // doubled until within tolerance mid-cell, where the leading error term, ∝ t³(1 − t)³, peaks
                built = Self.quintics(from: a, to: b, cells: count, exact)
                width = (b - a) / Double(count)
                var worst = 0.0, steepest = 0.0
                built.withUnsafeBufferPointer { q in
                    for i in 0..<count {
                        let reference = exact(a + (Double(i) + 0.5) * width)
                        worst = max(worst, abs(Self.horner(q, 6 * i, 0.5) - reference.0)); steepest = max(steepest, abs(reference.1))
                    }
                }
                // The reference itself is good to its x-residual (1e-14) times the slope.
                if worst <= Self.valueTolerance * max(1, steepest) || count >= 8192 { break }
                count *= 2
            }
            cells.append((coefficients.count / 6, count, Double(count) / (b - a)))
            starts += (0..<count).map { SIMD2(a + Double($0) * width, width) }
            coefficients += built
        }
        valueCoefficients = coefficients; valueCells = cells; cellStarts = starts
    }

    // MARK: evaluation (what the simulation calls)

    /// Evaluating a Bezier curve at x means inverting x(u), Newton's work. Instead, per segment, equal cells in x, and
    /// per cell the quintic (power form in the cell's own 0…1) with the Bezier segment's value, slope and curvature at
    /// both ends (quintic Hermite: C2, as the curve is). Cells are doubled until the quintics stay within
    /// `valueTolerance` (times the slope where it is steeper than 1) of the curve at the cells' middles, so
    /// values are the curve's to rounding (a test bounds them); a value then costs five multiply-adds.
    static let valueTolerance = 1e-13
    let valueCoefficients: [Double]
    /// x at each segment start, then xEnd.
    let jointX: [Double]
    /// Per segment: its first cell, its number of cells and cells per unit of x.
    let valueCells: [(offset: Int, count: Int, perUnit: Double)]
    /// Per cell, over all segments in order: where it starts in x and its width (for `solveIncreasing`).
    let cellStarts: [SIMD2<Double>]

    /// Quintic Hermite coefficients (6 per cell) over `cells` equal cells of [a, b], from (value, slope, curvature).
    static func quintics(from a: Double, to b: Double, cells: Int, _ derivatives: (Double) -> (Double, Double, Double)) -> [Double] {
        let width = (b - a) / Double(cells)
        var out: [Double] = [], left = derivatives(a)
        for i in 1...cells {
            let right = derivatives(i == cells ? b : a + Double(i) * width)
            let (y0, m0, c0) = (left.0, left.1 * width, left.2 * width * width)
            let (y1, m1, c1) = (right.0, right.1 * width, right.2 * width * width)
            out += [y0, m0, c0 / 2, 10 * (y1 - y0) - 6 * m0 - 4 * m1 - 1.5 * c0 + 0.5 * c1,
                    -15 * (y1 - y0) + 8 * m0 + 7 * m1 + 1.5 * c0 - c1, 6 * (y1 - y0) - 3 * m0 - 3 * m1 - 0.5 * c0 + 0.5 * c1]
            left = right
        }
        return out
    }

    /// Bernstein control points p0…p5 → power-form coefficients c0 + c1·u + … + c5·u⁵, segment by segment (for the
    /// derivatives that build the cells).
    static func powerForm(_ p: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: p.count)
        for o in stride(from: 0, to: p.count, by: 6) {
            let (p0, p1, p2, p3, p4, p5) = (p[o], p[o + 1], p[o + 2], p[o + 3], p[o + 4], p[o + 5])
            c[o] = p0
            c[o + 1] = 5 * (p1 - p0)
            c[o + 2] = 10 * (p2 - 2 * p1 + p0)
            c[o + 3] = 10 * (p3 - 3 * p2 + 3 * p1 - p0)
            c[o + 4] = 5 * (p4 - 4 * p3 + 6 * p2 - 4 * p1 + p0)
            c[o + 5] = p5 - 5 * p4 + 10 * p3 - 10 * p2 + 5 * p1 - p0
        }
        return c
    }

    /// The quintic c[o] + c[o+1]·u + … + c[o+5]·u⁵ by Horner's rule (a cell's, or a segment's power form), and below
    /// its derivative in u.
    @inline(__always)
    static func horner(_ c: UnsafeBufferPointer<Double>, _ o: Int, _ u: Double) -> Double {
        ((((c[o + 5] * u + c[o + 4]) * u + c[o + 3]) * u + c[o + 2]) * u + c[o + 1]) * u + c[o]
    }

    @inline(__always)
    static func hornerDu(_ c: UnsafeBufferPointer<Double>, _ o: Int, _ u: Double) -> Double {
        (((5 * c[o + 5] * u + 4 * c[o + 4]) * u + 3 * c[o + 3]) * u + 2 * c[o + 2]) * u + c[o + 1]
    }

    /// Value at x.
    @inline(__always) public func value(_ x: Double) -> Double { evaluate(x, slope: false).value }

    /// Value and slope at x.
    @inline(__always) public func evaluate(_ x: Double) -> (value: Double, slope: Double) { evaluate(x, slope: true) }

    /// From the cell quintic at x (the slope is its derivative over the cell width).
    @inline(__always)
    private func evaluate(_ x: Double, slope wanted: Bool) -> (value: Double, slope: Double) {
        if x < xStart { return (yStart + slopeStart * (x - xStart), slopeStart) }
        if x > xEnd { return (yEnd + slopeEnd * (x - xEnd), slopeEnd) }
        return valueCoefficients.withUnsafeBufferPointer { c in jointX.withUnsafeBufferPointer { joints in
            valueCells.withUnsafeBufferPointer { cells in
                var s = 0
                let last = joints.count - 2
                while s < last && x > joints[s + 1] { s += 1 }
                let f = (x - joints[s]) * cells[s].perUnit
                let i = min(max(Int(f), 0), cells[s].count - 1), t = f - Double(i), o = 6 * (cells[s].offset + i)
                return (Self.horner(c, o, t), wanted ? Self.hornerDu(c, o, t) * cells[s].perUnit : 0)
            }
        } }
    }

    /// Solves c·f(x) + b·x = t for x, where the left side increases with x (b ≥ 0, c ≥ 0), returning x and f(x):
    /// the value cells' ends bracket the root, then Newton on the cell's quintic, safeguarded by bisection, to a
    /// residual of 1e-14 relative to max(1, |t|). `hint` holds the cell where the caller's last root was: the bracket is
    /// searched outward from it (galloping), which for a muscle solved at every stage usually takes a few cells instead
    /// of the dozen of a bisection over all; the bracket, and so the root, do not depend on it.
    @inline(__always)
    public func solveIncreasing(scale c: Double, slope b: Double, target t: Double,
                                hint: UnsafeMutablePointer<Int>? = nil) -> (x: Double, value: Double) {
        if let outside = solveOnExtensions(scale: c, slope: b, target: t) { return outside }
        return valueCoefficients.withUnsafeBufferPointer { q in cellStarts.withUnsafeBufferPointer { starts in
            // g at the start of cell i (i = cell count: the curve's end).
            @inline(__always) func g(_ i: Int) -> Double {
                i < starts.count ? c * q[6 * i] + b * starts[i].x - t : c * yEnd + b * xEnd - t
            }
            var lo = 0, hi = starts.count  // g(0) ≤ 0 < g(end) here (else the root is on an extension)
            if let hint, hint.pointee > 0 && hint.pointee < hi {  // gallop from the hint: g(lo) ≤ 0 < g(hi) after
                var step = 1
                if g(hint.pointee) <= 0 {
                    lo = hint.pointee
                    while lo + step < hi && g(lo + step) <= 0 { lo += step; step *= 2 }
                    hi = min(lo + step, hi)
                } else {
                    hi = hint.pointee
                    while hi - step > 0 && g(hi - step) > 0 { hi -= step; step *= 2 }
                    lo = max(hi - step, 0)
                }
            }
            while hi - lo > 1 {  // last cell start with g ≤ 0
                let mid = (lo + hi) / 2
                if g(mid) <= 0 { lo = mid } else { hi = mid }
            }
            hint?.pointee = lo
            // In cell lo, x = x0 + w·s for s in [0, 1]: c·P(s) + b·(x0 + w·s) − t is one quintic in s.
            let o = 6 * lo, x0 = starts[lo].x, w = starts[lo].y
            let k0 = c * q[o] + b * x0 - t, k1 = c * q[o + 1] + b * w, k2 = c * q[o + 2], k3 = c * q[o + 3]
            let k4 = c * q[o + 4], k5 = c * q[o + 5]
            let g1 = g(lo + 1)
            let start = g1 > k0 ? -k0 / (g1 - k0) : 0
            let root = Self.safeguardedNewton(target: t, lo: 0, hi: 1, start: start) { s in
                (((((k5 * s + k4) * s + k3) * s + k2) * s + k1) * s + k0, (((5 * k5 * s + 4 * k4) * s + 3 * k3) * s + 2 * k2) * s + k1)
            }
            return (x0 + w * root, Self.horner(q, o, root))
        } }
    }

    /// gx·x(u) + gy·y(u) = target on segment s, increasing in u, by Newton from `start` safeguarded by bisection
    /// in [lo, hi], to a residual of 1e-14 relative to max(1, |target|).
    @inline(__always)
    private func newton(segment s: Int, gx: Double, gy: Double, target: Double, lo: Double, hi: Double, start: Double) -> Double {
        withPoints { bx, by in Self.newton(bx, by, segment: s, gx: gx, gy: gy, target: target, lo: lo, hi: hi, start: start) }
    }

    @inline(__always)
    private static func newton(_ bx: UnsafeBufferPointer<Double>, _ by: UnsafeBufferPointer<Double>, segment s: Int,
                               gx: Double, gy: Double, target: Double, lo: Double, hi: Double, start: Double) -> Double {
        let o = 6 * s
        return safeguardedNewton(target: target, lo: lo, hi: hi, start: start) { u in
            (gx * bezier(bx, o, u) + gy * bezier(by, o, u) - target, gx * bezierDu(bx, o, u) + gy * bezierDu(by, o, u))
        }
    }

    /// The root in [lo, hi] of an increasing residual (value, derivative) in u, by Newton from `start` safeguarded by
    /// bisection, to 1e-14 relative to max(1, |target|).
    @inline(__always)
    private static func safeguardedNewton(target: Double, lo: Double, hi: Double, start: Double,
                                          _ residual: (Double) -> (Double, Double)) -> Double {
        let tolerance = 1e-14 * max(1, abs(target))
        var uLo = lo, uHi = hi, u = start
        for _ in 0..<100 {
            let (r, dr) = residual(u)
            if abs(r) <= tolerance { break }
            if r > 0 { uHi = u } else { uLo = u }
            var un = dr != 0 ? u - r / dr : 0.5 * (uLo + uHi)
            if !(un > uLo && un < uHi) { un = 0.5 * (uLo + uHi) }
            if un == u { break }
            u = un
        }
        return u
    }

    /// c·f(x) + b·x = t where the root lies left or right of the Bezier segments, on a linear extension; else nil.
    @inline(__always)
    private func solveOnExtensions(scale c: Double, slope b: Double, target t: Double) -> (x: Double, value: Double)? {
        if c * yStart + b * xStart > t {
            let k = c * slopeStart + b
            let x = k > 0 ? xStart + (t - c * yStart - b * xStart) / k : xStart
            return (x, yStart + slopeStart * (x - xStart))
        }
        if c * yEnd + b * xEnd < t {
            let k = c * slopeEnd + b
            let x = k > 0 ? xEnd + (t - c * yEnd - b * xEnd) / k : xEnd
            return (x, yEnd + slopeEnd * (x - xEnd))
        }
        return nil
    }

    // MARK: exact Bezier evaluation (tests compare against it)

    /// SegmentedQuinticBezierToolkit::calcQuinticBezierCornerControlPoints: both end tangents meet at
    /// a corner (xC, yC); inner points sit `curviness` of the way toward it.
    static func corner(_ x0: Double, _ y0: Double, _ dydx0: Double, _ x1: Double, _ y1: Double, _ dydx1: Double,
                       _ curviness: Double) -> (x: [Double], y: [Double]) {
        var xC: Double
        if abs(dydx0 - dydx1) > Double.ulpOfOne.squareRoot() {
            xC = (y1 - y0 - x1 * dydx1 + x0 * dydx0) / (dydx0 - dydx1)
        } else {
            xC = (x1 + x0) / 2
        }
        let yC = (xC - x1) * dydx1 + y1
        let x0m = x0 + curviness * (xC - x0), y0m = y0 + curviness * (yC - y0)
        let x1m = x1 + curviness * (xC - x1), y1m = y1 + curviness * (yC - y1)
        return ([x0, x0m, x0m, x1m, x1m, x1], [y0, y0m, y0m, y1m, y1m, y1])
    }

    @inline(__always)
    static func bezier(_ p: UnsafeBufferPointer<Double>, _ o: Int, _ u: Double) -> Double {
        let v = 1 - u
        let u2 = u * u, v2 = v * v
        return v2 * v2 * v * p[o] + 5 * u * v2 * v2 * p[o + 1] + 10 * u2 * v2 * v * p[o + 2]
            + 10 * u2 * u * v2 * p[o + 3] + 5 * u2 * u2 * v * p[o + 4] + u2 * u2 * u * p[o + 5]
    }

    @inline(__always)
    static func bezierDu(_ p: UnsafeBufferPointer<Double>, _ o: Int, _ u: Double) -> Double {
        let v = 1 - u
        let d0 = p[o + 1] - p[o], d1 = p[o + 2] - p[o + 1], d2 = p[o + 3] - p[o + 2]
        let d3 = p[o + 4] - p[o + 3], d4 = p[o + 5] - p[o + 4]
        return 5 * (v * v * v * v * d0 + 4 * u * v * v * v * d1 + 6 * u * u * v * v * d2
                    + 4 * u * u * u * v * d3 + u * u * u * u * d4)
    }

    /// Value and slope at x on the Bezier curve itself.
    public func exactEvaluate(_ x: Double) -> (value: Double, slope: Double) {
        if x < xStart { return (yStart + slopeStart * (x - xStart), slopeStart) }
        if x > xEnd { return (yEnd + slopeEnd * (x - xEnd), slopeEnd) }
        let (s, u) = parameter(gx: 1, gy: 0, target: x)
        return withPoints { bx, by in
            let o = 6 * s
            let y = Self.bezier(by, o, u), dxdu = Self.bezierDu(bx, o, u), dydu = Self.bezierDu(by, o, u)
            return (y, dxdu != 0 ? dydu / dxdu : (u < 0.5 ? slopeStartOf(s) : slopeEndOf(s)))
        }
    }

    /// Value, slope and curvature at x on Bezier segment s itself (control points px, py; the same in power form
    /// cx, cy), for building the value cells.
    static func exactDerivatives(_ x: Double, segment s: Int, points px: [Double], _ py: [Double],
                                 powers cx: [Double], _ cy: [Double]) -> (Double, Double, Double) {
        let o = 6 * s
        let u = px.withUnsafeBufferPointer { bx in py.withUnsafeBufferPointer { by in
            newton(bx, by, segment: s, gx: 1, gy: 0, target: x, lo: 0, hi: 1, start: 0.5)
        } }
        return cx.withUnsafeBufferPointer { cx in cy.withUnsafeBufferPointer { cy in
            let xu = hornerDu(cx, o, u), yu = hornerDu(cy, o, u)
            let xuu = ((20 * cx[o + 5] * u + 12 * cx[o + 4]) * u + 6 * cx[o + 3]) * u + 2 * cx[o + 2]
            let yuu = ((20 * cy[o + 5] * u + 12 * cy[o + 4]) * u + 6 * cy[o + 3]) * u + 2 * cy[o + 2]
            return (horner(cy, o, u), yu / xu, (yuu * xu - yu * xuu) / (xu * xu * xu))
        } }
    }

    /// `solveIncreasing` on the Bezier curve itself: Newton on the Bezier parameter.
    public func exactSolveIncreasing(scale c: Double, slope b: Double, target t: Double) -> (x: Double, value: Double) {
        if let outside = solveOnExtensions(scale: c, slope: b, target: t) { return outside }
        let (s, u) = parameter(gx: b, gy: c, target: t)
        return withPoints { bx, by in (Self.bezier(bx, 6 * s, u), Self.bezier(by, 6 * s, u)) }
    }

    @inline(__always)
    private func withPoints<R>(_ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>) -> R) -> R {
        px.withUnsafeBufferPointer { bx in py.withUnsafeBufferPointer { by in body(bx, by) } }
    }

    /// The segment and Bezier parameter where gx·x(u) + gy·y(u) = target, for a left side that increases along the
    /// curve and crosses the target on it, without the cells (the reference the tests hold the cells to): the first
    /// segment whose end reaches the target, then Newton from its middle safeguarded by bisection over [0, 1].
    private func parameter(gx: Double, gy: Double, target: Double) -> (segment: Int, u: Double) {
        for s in 0..<segmentCount where gx * px[6 * s + 5] + gy * py[6 * s + 5] >= target {
            return (s, newton(segment: s, gx: gx, gy: gy, target: target, lo: 0, hi: 1, start: 0.5))
        }
        return (segmentCount - 1, 1)
    }

    private func slopeStartOf(_ s: Int) -> Double {
        let o = 6 * s
        return (py[o + 1] - py[o]) / (px[o + 1] - px[o])
    }
    private func slopeEndOf(_ s: Int) -> Double {
        let o = 6 * s
        return (py[o + 5] - py[o + 4]) / (px[o + 5] - px[o + 4])
    }

}

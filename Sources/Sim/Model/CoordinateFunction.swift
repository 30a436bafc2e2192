/// A function of one coordinate as OpenSim's transform axes and moving path points use them, with first and second
/// derivatives (needed exactly for joint velocities and the velocity-product terms of the dynamics).
public indirect enum CoordinateFunction: Equatable, Codable, Sendable {
    case constant(Double)
    /// slope·x + intercept (OpenSim LinearFunction coefficients "slope intercept").
    case linear(slope: Double, intercept: Double)
    /// Σ cᵢ·x^(n−1−i), highest power first (OpenSim PolynomialFunction).
    case polynomial([Double])
    case spline(CubicSpline)
    case multiplier(Double, CoordinateFunction)

    /// (value, d/dx, d²/dx²) at x.
    public func evaluate(_ x: Double) -> (Double, Double, Double) {
        switch self {
        case .constant(let c): return (c, 0, 0)
        case .linear(let a, let b): return (a * x + b, a, 0)
        case .polynomial(let c):
            var v = 0.0, d = 0.0, dd = 0.0
            for coefficient in c { dd = dd * x + 2 * d; d = d * x + v; v = v * x + coefficient }
            return (v, d, dd)
        case .spline(let s): return s.evaluate(x)
        case .multiplier(let k, let f):
            let (v, d, dd) = f.evaluate(x)
            return (k * v, k * d, k * dd)
        }
    }

    public var isConstant: Bool {
        switch self {
        case .constant: return true
        case .multiplier(_, let f): return f.isConstant
        default: return false
        }
    }
}

/// A piecewise cubic y = y_k + b_k·dx + c_k·dx² + d_k·dx³ on [x_k, x_{k+1}], linear beyond the ends with the end slopes.
public struct CubicSpline: Equatable, Codable, Sendable {
    public let x: [Double], y: [Double]
    let b: [Double], c: [Double], d: [Double]
    /// Knots and coefficients in one run, x, y, b, c, d of knot k at 5k: what `evaluate` reads.
    let packed: [Double]

    init(x: [Double], y: [Double], b: [Double], c: [Double], d: [Double]) {
        self.x = x; self.y = y; self.b = b; self.c = c; self.d = d
        packed = x.indices.flatMap { [x[$0], y[$0], b[$0], c[$0], d[$0]] }
    }

    enum CodingKeys: String, CodingKey { case x, y, b, c, d }

    public init(from decoder: Decoder) throws {
        let k = try decoder.container(keyedBy: CodingKeys.self)
        self.init(x: try k.decode([Double].self, forKey: .x), y: try k.decode([Double].self, forKey: .y),
                  b: try k.decode([Double].self, forKey: .b), c: try k.decode([Double].self, forKey: .c),
                  d: try k.decode([Double].self, forKey: .d))
    }

    /// SIMM's spline (OpenSim SimmSpline): the Forsythe–Malcolm–Moler cubic whose end third derivatives match those
    /// of the cubics through the first and last four points; two points give a line.
    /// Source: Forsythe, Malcolm & Moler, Computer Methods for Mathematical Computations (1977), routine SPLINE,
    /// as used by OpenSim's SimmSpline::calcCoefficients.
    public static func simm(x: [Double], y: [Double]) throws -> CubicSpline {
        let n = x.count
        guard n >= 2, y.count == n else { throw SimError.invalid("a spline needs at least 2 points and as many x as y values") }
        let tiny = 1e-12
        var b = [Double](repeating: 0, count: n), c = b, d = b
        if n == 2 {
            let slope = (y[1] - y[0]) / max(tiny, x[1] - x[0])
            return CubicSpline(x: x, y: y, b: [slope, slope], c: [0, 0], d: [0, 0])
        }
        let nm1 = n - 1, nm2 = n - 2
        d[0] = max(tiny, x[1] - x[0])
        c[1] = (y[1] - y[0]) / d[0]
        for i in 1..<nm1 {
            d[i] = max(tiny, x[i + 1] - x[i])
            b[i] = 2 * (d[i - 1] + d[i])
            c[i + 1] = (y[i + 1] - y[i]) / d[i]
            c[i] = c[i + 1] - c[i]
        }
        b[0] = -d[0]; b[nm1] = -d[nm2]; c[0] = 0; c[nm1] = 0
        if n > 3 {
            let d31 = max(tiny, x[3] - x[1]), d20 = max(tiny, x[2] - x[0])
            let d1 = max(tiny, x[nm1] - x[n - 3]), d2 = max(tiny, x[nm2] - x[n - 4])
            let d30 = max(tiny, x[3] - x[0]), d3 = max(tiny, x[nm1] - x[n - 4])
            c[0] = (c[2] / d31 - c[1] / d20) * d[0] * d[0] / d30
            c[nm1] = -(c[nm2] / d1 - c[n - 3] / d2) * d[nm2] * d[nm2] / d3
        }
        for i in 1..<n {
            let t = d[i - 1] / b[i - 1]
            b[i] -= t * d[i - 1]
            c[i] -= t * c[i - 1]
        }
        c[nm1] /= b[nm1]
        for i in stride(from: nm2, through: 0, by: -1) { c[i] = (c[i] - d[i] * c[i + 1]) / b[i] }
        b[nm1] = (y[nm1] - y[nm2]) / d[nm2] + d[nm2] * (c[nm2] + 2 * c[nm1])
        for i in 0..<nm1 {
            b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2 * c[i])
            d[i] = (c[i + 1] - c[i]) / d[i]
            c[i] *= 3
        }
        c[nm1] *= 3
        d[nm1] = d[nm2]
        return CubicSpline(x: x, y: y, b: b, c: c, d: d)
    }

    /// A natural cubic spline (zero second derivative at both ends), as OpenSim's NaturalCubicSpline.
    public static func natural(x: [Double], y: [Double]) throws -> CubicSpline {
        let n = x.count
        guard n >= 2, y.count == n else { throw SimError.invalid("a spline needs at least 2 points and as many x as y values") }
        if n == 2 { return try simm(x: x, y: y) }
        var h = [Double](repeating: 0, count: n - 1)
        for i in 0..<(n - 1) { h[i] = x[i + 1] - x[i] }
        // Solve for second derivatives m with m0 = m_{n-1} = 0 (tridiagonal, Thomas algorithm).
        var m = [Double](repeating: 0, count: n), diag = m, rhs = m, upper = m
        for i in 1..<(n - 1) {
            diag[i] = 2 * (h[i - 1] + h[i]); upper[i] = h[i]
            rhs[i] = 6 * ((y[i + 1] - y[i]) / h[i] - (y[i] - y[i - 1]) / h[i - 1])
        }
        for i in 2..<(n - 1) {
            let w = h[i - 1] / diag[i - 1]
            diag[i] -= w * upper[i - 1]; rhs[i] -= w * rhs[i - 1]
        }
        for i in stride(from: n - 2, through: 1, by: -1) { m[i] = (rhs[i] - upper[i] * m[i + 1]) / diag[i] }
        var b = [Double](repeating: 0, count: n), c = b, d = b
        for i in 0..<(n - 1) {
            b[i] = (y[i + 1] - y[i]) / h[i] - h[i] * (2 * m[i] + m[i + 1]) / 6
            c[i] = m[i] / 2
            d[i] = (m[i + 1] - m[i]) / (6 * h[i])
        }
        b[n - 1] = b[n - 2] + 2 * c[n - 2] * h[n - 2] + 3 * d[n - 2] * h[n - 2] * h[n - 2]
        return CubicSpline(x: x, y: y, b: b, c: c, d: d)
    }

    /// (value, d/dt, d²/dt²) at t from a `packed` run: binary search for the interval holding t.
    @inline(__always)
    static func evaluate(packed p: UnsafeBufferPointer<Double>, at t: Double) -> (Double, Double, Double) {
        let n = p.count / 5
        if t < p[0] { return (p[1] + (t - p[0]) * p[2], p[2], 0) }
        let last = 5 * (n - 1)
        if t > p[last] { return (p[last + 1] + (t - p[last]) * p[last + 2], p[last + 2], 0) }
        var lo = 0, hi = n - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if t < p[5 * mid] { hi = mid } else { lo = mid }
        }
        let k = 5 * min(lo, n - 2), dx = t - p[k]
        let (y, b, c, d) = (p[k + 1], p[k + 2], p[k + 3], p[k + 4])
        return (y + dx * (b + dx * (c + dx * d)), b + dx * (2 * c + 3 * dx * d), 2 * c + 6 * dx * d)
    }

    public func evaluate(_ t: Double) -> (Double, Double, Double) {
        packed.withUnsafeBufferPointer { Self.evaluate(packed: $0, at: t) }
    }
}

/// A `CoordinateFunction` for the evaluation loops: its value when constant, slope and intercept when linear, and a
/// spline's knots and coefficients in one run (x, y, b, c, d per knot). Reading these copies nothing reference-counted,
/// where matching the (indirect) function would copy its spline's arrays at every call.
struct PackedFunction: Sendable {
    let function: CoordinateFunction
    let constantValue: Double, linear: Bool, slope: Double, intercept: Double, spline: [Double]

    init(_ function: CoordinateFunction) {
        self.function = function
        constantValue = function.evaluate(0).0
        if case .linear(let a, let b) = function { (linear, slope, intercept) = (true, a, b) } else { (linear, slope, intercept) = (false, 0, 0) }
        if case .spline(let s) = function { spline = s.packed } else { spline = [] }
    }

    /// (value, d/dq, d²/dq²) at q.
    @inline(__always) func evaluate(_ q: Double) -> (Double, Double, Double) {
        if linear { return (slope * q + intercept, slope, 0) }
        if !spline.isEmpty { return spline.withUnsafeBufferPointer { CubicSpline.evaluate(packed: $0, at: q) } }
        return function.evaluate(q)
    }
}

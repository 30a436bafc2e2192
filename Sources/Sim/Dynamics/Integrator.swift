import Foundation
import JSONConfig

/// Advances a `SimData` in time with step-size control to a relative accuracy, by the explicit Dormand–Prince 5(4)
/// or the linearly implicit Rosenbrock-W 3(2) of RosenbrockW.swift, or in fixed steps of the classic 4th-order
/// Runge–Kutta. Its buffers are allocated once.
public struct Integrator {
    /// `adaptive` (named "explicit"), `stiff` and `fixed`, as above.
    public enum Mode: Equatable, Sendable {
        case adaptive(accuracy: Double), stiff(accuracy: Double), fixed(step: Double)
    }
    public var mode: Mode
    /// Optional controls as a function of time, evaluated at every stage (open-loop excitations); when nil the
    /// controls in `SimData` are held over each `advance`.
    public var controlLaw: ((Double, inout [Double]) -> Void)?
    public internal(set) var steps = 0
    public internal(set) var rejected = 0
    var h = 1e-3
    /// Step-size memory of the stabilized (PI) controller: the last accepted error, and whether the last try failed.
    var previousError = 1e-4, lastRejected = false
    var y: [Double], y0: [Double]
    var k: [[Double]]
    var zRates: [Double]
    /// The stiff mode's Jacobian approximation and factors, its four stages (one flat buffer) and a work vector.
    var jacobian: StiffJacobian
    var stages: [Double], scratch: [Double]
    /// The rates f(y) at the last step start or `advance` end, with what they were taken at (time, state, controls,
    /// and the data's kinematics generation just after): a step retried after a rejection, and an `advance` that
    /// starts where the last ended with the same controls, begin from that point again and need not evaluate it
    /// (Simbody likewise starts a step from the derivatives it realized at the previous one's end).
    var startRates: [Double], startState: [Double], startControls: [Double], startTime = Double.nan
    var startGeneration: UInt64 = 0
    let n: Int, nz: Int

    public init(model: Model, mode: Mode) {
        self.mode = mode
        n = model.coordinateCount; nz = model.stateCount
        let size = 2 * n + nz
        y = [Double](repeating: 0, count: size); y0 = y
        k = [[Double]](repeating: y, count: 7)
        zRates = [Double](repeating: 0, count: nz)
        jacobian = StiffJacobian(model: model)
        stages = [Double](repeating: 0, count: 4 * size); scratch = y
        startRates = y; startState = y; startControls = [Double](repeating: 0, count: model.controlCount)
    }

    // Dormand–Prince coefficients (Dormand & Prince 1980; Hairer, Nørsett & Wanner, Solving ODEs I, Table 5.2).
    static let c: [Double] = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1]
    static let a: [[Double]] = [[], [1.0 / 5], [3.0 / 40, 9.0 / 40], [44.0 / 45, -56.0 / 15, 32.0 / 9],
                                [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
                                [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
                                [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84]]
    static let e: [Double] = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40]

    static let rk4Stages: [(Int, Double)] = [(1, 0.5), (2, 0.5), (3, 1.0)]

    private mutating func pack(_ d: SimData) {
        for i in 0..<n { y[i] = d.q[i]; y[n + i] = d.u[i] }
        for i in 0..<nz { y[2 * n + i] = d.z[i] }
    }

    /// Rates at state `state` (written into `d` first) and time t, into k[stage].
    mutating func rates(_ model: Model, _ d: inout SimData, _ state: [Double], _ t: Double, stage: Int,
                        controlsSet: Bool = false) throws {
        let (n, nz) = (self.n, self.nz)
        state.withUnsafeBufferPointer { state in
            d.q.withUnsafeMutableBufferPointer { q in d.u.withUnsafeMutableBufferPointer { u in
                for i in 0..<n { q[i] = state[i]; u[i] = state[n + i] }
            } }
            d.z.withUnsafeMutableBufferPointer { z in for i in 0..<nz { z[i] = state[2 * n + i] } }
        }
        d.time = t
        if !controlsSet { controlLaw?(t, &d.controls) }
        try model.computeAccelerations(&d, stateRates: &zRates)
        let (u, udot, zRates) = (d.u, d.scratch.udot, self.zRates)
        k[stage].withUnsafeMutableBufferPointer { k in
            for i in 0..<n { k[i] = u[i]; k[n + i] = udot[i] }
            for i in 0..<nz { k[2 * n + i] = zRates[i] }
            if !model.angularSpeedAngles.isEmpty { state.withUnsafeBufferPointer { model.anglesRates(q: $0, rates: k) } }
        }
    }

    /// `rates` into k[stage] at a step start (state `y`, time t), from the cache when it holds this point and these
    /// controls. With `evaluated`, the data must also hold the evaluation there (for W): the cache serves only while
    /// the data's kinematics are still those it was taken with. Returns whether it evaluated.
    @discardableResult
    mutating func stepStartRates(_ model: Model, _ d: inout SimData, _ t: Double, stage: Int, evaluated: Bool) throws -> Bool {
        controlLaw?(t, &d.controls)
        var cached = t == startTime && (!evaluated || d.generation == startGeneration)
        if cached { for i in 0..<y.count where y[i] != startState[i] { cached = false; break } }
        if cached { for i in 0..<startControls.count where d.controls[i] != startControls[i] { cached = false; break } }
        if cached {
            for i in 0..<y.count { k[stage][i] = startRates[i] }
            return false
        }
        try rates(model, &d, y, t, stage: stage, controlsSet: true)
        remember(k[stage], at: t, d)
        return true
    }

    mutating func remember(_ rates: [Double], at t: Double, _ d: SimData) {
        copy(rates, into: &startRates); copy(y, into: &startState); copy(d.controls, into: &startControls)
        startTime = t; startGeneration = d.generation
    }

    /// Integrates from `data.time` to `end`, leaving `data` at `end` with its kinematics and forces evaluated there.
    public mutating func advance(_ model: Model, _ d: inout SimData, to end: Double) throws {
        pack(d)
        var t = d.time
        let size = y.count
        switch mode {
        case .stiff(let accuracy):
            try advanceRosenbrock(model, &d, from: t, to: end, accuracy: accuracy)
        case .fixed(let step):
            while t < end - 1e-12 {
                let hStep = min(step, end - t)
                copy(y, into: &y0)  // element-wise: assigning would share the buffer and copy-on-write each step
                try rates(model, &d, y0, t, stage: 0)
                for (stage, frac) in Self.rk4Stages {
                    for i in 0..<size { y[i] = y0[i] + frac * hStep * k[stage - 1][i] }
                    try rates(model, &d, y, t + frac * hStep, stage: stage)
                }
                for i in 0..<size { y[i] = y0[i] + hStep / 6 * (k[0][i] + 2 * k[1][i] + 2 * k[2][i] + k[3][i]) }
                t += hStep; steps += 1
                projectOnConstraints(model, &d)
                try check(model, t)
            }
        case .adaptive(let accuracy):
            try stepStartRates(model, &d, t, stage: 0, evaluated: false)
            while t < end - 1e-12 {
                let hStep = stepToward(end, from: t)
                copy(y, into: &y0)  // element-wise: assigning would share the buffer and copy-on-write each step
                // A stage that lands on a state with non-finite forces (a trial step too long for a stiff moment)
                // is a rejected step, not a failure, until the step size collapses.
                do {
                    for s in 1...6 {
                        for i in 0..<size {
                            var sum = 0.0
                            for j in 0..<s { sum += Self.a[s][j] * k[j][i] }
                            y[i] = y0[i] + hStep * sum
                        }
                        try rates(model, &d, y, t + Self.c[s] * hStep, stage: s)
                    }
                    // y now holds the 5th-order solution (stage 6 uses the b weights); k[6] is its rate (FSAL).
                    for i in 0..<size { y[i] = y0[i] + hStep * (Self.a[6][0] * k[0][i] + Self.a[6][2] * k[2][i] + Self.a[6][3] * k[3][i] + Self.a[6][4] * k[4][i] + Self.a[6][5] * k[5][i]) }
                    try rates(model, &d, y, t + hStep, stage: 6)
                } catch let error as SimError {
                    guard hStep > 1e-9 else { throw error }
                    rejected += 1
                    copy(y0, into: &y)
                    h = hStep * 0.25
                    continue
                }
                for i in 0..<size {
                    var e = 0.0
                    for j in 0..<7 { e += Self.e[j] * k[j][i] }
                    scratch[i] = hStep * e
                }
                let errorNorm = self.errorNorm(scratch, accuracy: accuracy)
                if errorNorm <= 1 || (hStep < 1e-10 && errorNorm.isFinite) {
                    t += hStep; steps += 1
                    projectOnConstraints(model, &d)
                    k.swapAt(0, 6)  // first-same-as-last: the accepted step's end rate starts the next
                    try check(model, t)
                    accepted(hStep, error: errorNorm, exponent: 0.17, beta: 0.04)  // DOPRI5's values
                } else {
                    rejected += 1
                    copy(y0, into: &y)
                    if hStep < 1e-10 {  // nothing finite left to try
                        throw SimError.nonFinite("non-finite state near t = \(t) that no step size avoids")
                    }
                    rejectedStep(hStep, error: errorNorm, exponent: 0.17)
                }
            }
        }
        // Leave data at the final state with everything evaluated there, on the constraints (the acceleration-level
        // constraint leaves an integration-error drift, which this projection removes).
        projectOnConstraints(model, &d)
        try rates(model, &d, y, end, stage: 4)
        remember(k[4], at: end, d)
    }

    /// The error estimate `estimate` of a step from y0 to y as a fraction of the allowed error (≤ 1 accepts): the largest
    /// over the states of the error relative to the state's size, with a unit floor so small quantities are held
    /// absolutely. NaN or a non-finite state gives infinity.
    func errorNorm(_ estimate: [Double], accuracy: Double) -> Double {
        var norm = 0.0
        for i in 0..<y.count {
            let r = abs(estimate[i]) / (accuracy * max(1, abs(y0[i]), abs(y[i])))
            norm = r.isNaN || !y[i].isFinite ? .infinity : max(norm, r)  // max() would drop a NaN
        }
        return norm
    }

    /// The size of the next step from t toward the interval's `end`: the planned one, all that remains when that
    /// fits, and half of the remainder when it is under two steps, so that no sliver of a step is left for last.
    func stepToward(_ end: Double, from t: Double) -> Double {
        let remaining = end - t
        return remaining <= h ? remaining : remaining < 2 * h ? remaining / 2 : h
    }

    /// The next step size after an accepted step: Hairer's stabilized control (Solving ODEs I, II.4), where the
    /// previous error damps the growth (`beta`), which on stability-limited stretches halves the rejected tries;
    /// no growth right after a rejection.
    mutating func accepted(_ hStep: Double, error: Double, exponent: Double, beta: Double) {
        var factor = 0.9 * Foundation.pow(max(error, 1e-10), -exponent) * Foundation.pow(previousError, beta)
        factor = min(5, max(0.2, factor))
        if lastRejected { factor = min(factor, 1) }
        h = hStep * factor
        previousError = max(error, 1e-4); lastRejected = false
    }

    /// The step size to retry with after a rejected step.
    mutating func rejectedStep(_ hStep: Double, error: Double, exponent: Double) {
        h = hStep * max(0.2, 0.9 * Foundation.pow(error, -exponent))
        lastRejected = true
    }

    @inline(__always) func copy(_ source: [Double], into target: inout [Double]) {
        source.withUnsafeBufferPointer { source in
            target.withUnsafeMutableBufferPointer { target in for i in source.indices { target[i] = source[i] } }
        }
    }

    /// Puts the state back on the constraints after an accepted step, as OpenSim's integrator projects at every step
    /// (the acceleration-level constraint alone lets positions drift by the integration error).
    mutating func projectOnConstraints(_ model: Model, _ d: inout SimData) {
        guard model.constraintRows > 0 else { return }
        for i in 0..<n { d.q[i] = y[i]; d.u[i] = y[n + i] }
        model.satisfyConstraints(&d)
        for i in 0..<n { y[i] = d.q[i]; y[n + i] = d.u[i] }
    }

    func check(_ model: Model, _ t: Double) throws {
        for i in 0..<y.count where !y[i].isFinite {
            let what = i < 2 * n ? (i < n ? "value" : "speed") + " of \(model.coordinates[i % n].name)" : "force-element state \(i - 2 * n)"
            throw SimError.nonFinite("non-finite \(what) at t = \(t)")
        }
    }
}

/// The variable-step integrators by the names configs and the command line use.
public enum IntegratorKind: String, ConfigOption {
    /// Linearly implicit Rosenbrock-W: steps over contact friction and fiber relaxation.
    case stiff
    /// Dormand–Prince 5(4).
    case explicit

    public func mode(accuracy: Double) -> Integrator.Mode {
        self == .stiff ? .stiff(accuracy: accuracy) : .adaptive(accuracy: accuracy)
    }
}

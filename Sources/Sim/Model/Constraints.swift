/// OpenSim's CoordinateCouplerConstraint with one independent coordinate: q_dependent = scale·f(q_independent), as a
/// holonomic constraint (a patella or knee-translation coordinate that follows the knee angle). The dynamics enforce
/// it at the acceleration level with Lagrange multipliers (`Model.enforceCouplers`), and positions and speeds are put
/// back on it (`Model.satisfyCouplers`) where OpenSim's assembly and its integrator's projection put them.
/// Source: OpenSim 4.6 CoordinateCouplerConstraint (a Simbody CoordinateCoupler on f(q_i) − q_d).
public struct CoordinateCoupler: Sendable {
    public let name: String
    public let dependent: Int, independent: Int
    public let function: CoordinateFunction
    let packed: PackedFunction

    public init(name: String, dependent: Int, independent: Int, function: CoordinateFunction) {
        self.name = name; self.dependent = dependent; self.independent = independent; self.function = function
        packed = PackedFunction(function)
    }
}

/// OpenSim's PointOnLineConstraint with its line fixed in ground: a point of the follower body stays on a line, two
/// equations e_k·(P − L₀) = 0 with e₁, e₂ perpendicular to the line. Enforced with the couplers' Lagrange multipliers;
/// positions and speeds are projected back onto it (least squares, as Simbody's projection) at the end of each
/// `advance` and wherever a state is set. Source: OpenSim 4.6 PointOnLineConstraint (Simbody Constraint::PointOnLine).
public struct PointOnLine: Sendable {
    public let name: String
    public let follower: Int
    public let point: Vec3
    public let linePoint: Vec3, direction: Vec3
    /// Two unit vectors perpendicular to the line and to each other.
    let normals: (Vec3, Vec3)

    public init(name: String, follower: Int, point: Vec3, linePoint: Vec3, direction: Vec3) {
        self.name = name; self.follower = follower; self.point = point; self.linePoint = linePoint
        let d = direction / norm(direction)
        self.direction = d
        let least = abs(d.x) <= abs(d.y) && abs(d.x) <= abs(d.z) ? Vec3(1, 0, 0) : abs(d.y) <= abs(d.z) ? Vec3(0, 1, 0) : Vec3(0, 0, 1)
        let e1 = cross(d, least) / norm(cross(d, least))
        normals = (e1, cross(d, e1))
    }
}

extension Model {
    /// Turns the speeds in `rates[0..<n]` (as q̇ = u leaves them) into the angle rates of the joints whose speeds are
    /// angular velocities: q̇ = N(q)·R_FMᵀ·ω_F, with q the body-fixed X-Y-Z angles (read from `q`).
    @inline(__always)
    func anglesRates(q: UnsafeBufferPointer<Double>, rates: UnsafeMutableBufferPointer<Double>) {
        for (a, b, c) in angularSpeedAngles {
            let angles = Vec3(q[a], q[b], q[c])
            let omega = Mat3.bodyFixedXYZ(angles).transposed * Vec3(rates[a], rates[b], rates[c])
            let r = Mat3.angleRateMatrix(angles) * omega
            rates[a] = r.x; rates[b] = r.y; rates[c] = r.z
        }
    }

    /// The number of constraint equations: one per coupler, two per point on a line.
    var constraintRows: Int { couplers.count + 2 * pointsOnLines.count }

    /// Row r of the constraint Jacobian G (over the speeds, zero on locked coordinates) into `row`, and the bias b
    /// with G·u̇ = b. Needs `updateKinematics`.
    func constraintRow(_ r: Int, _ d: SimData, into row: Buffer<Double>) -> Double {
        for k in 0..<coordinateCount { row[k] = 0 }
        if r < couplers.count {
            let c = couplers[r]
            let (_, slope, curvature) = c.packed.evaluate(d.q[c.independent])
            if !coordinates[c.dependent].locked { row[c.dependent] = 1 }
            if !coordinates[c.independent].locked { row[c.independent] -= slope }
            let ui = d.u[c.independent]
            return curvature * ui * ui
        }
        let p = pointsOnLines[(r - couplers.count) / 2]
        let e = (r - couplers.count) % 2 == 0 ? p.normals.0 : p.normals.1
        let s = d.scratch, b = p.follower
        let x = d.position(of: p.point, on: b), arm = x - s.origin[b], w = s.angularVelocity[b]
        var j = b
        while j >= 0 {
            for c in joints[j].coordinates where !coordinates[c].locked {
                row[c] = dot(e, s.columnLinear[c] + cross(s.columnAngular[c], x - s.jointOrigin[j]))
            }
            j = joints[j].parent
        }
        return -dot(e, s.linearBias[b] + cross(s.angularBias[b], arm) + cross(w, cross(w, arm)))
    }

    /// The position error of row r (zero on the constraint).
    func constraintError(_ r: Int, _ d: SimData) -> Double {
        if r < couplers.count { let c = couplers[r]; return d.q[c.dependent] - c.packed.evaluate(d.q[c.independent]).0 }
        let p = pointsOnLines[(r - couplers.count) / 2]
        let e = (r - couplers.count) % 2 == 0 ? p.normals.0 : p.normals.1
        return dot(e, d.position(of: p.point, on: p.follower) - p.linePoint)
    }

    /// Puts positions and speeds on the constraints: couplers exactly (q_d = f(q_i), u_d = f′·u_i), points on lines by
    /// least-squares Newton steps, Δq = −Gᵀ(GGᵀ)⁻¹·error, then Δu = −Gᵀ(GGᵀ)⁻¹·G·u. Works in the data's constraint
    /// scratch (no allocation: it runs after every integrator step of a constrained model).
    public func satisfyConstraints(_ d: inout SimData) {
        for c in couplers where !coordinates[c.dependent].locked {
            let (f, slope, _) = c.packed.evaluate(d.q[c.independent])
            d.q[c.dependent] = f
            d.u[c.dependent] = slope * d.u[c.independent]
        }
        guard !pointsOnLines.isEmpty else { return }
        let n = coordinateCount, first = couplers.count, m = constraintRows - first
        /// G's point-on-line rows into the scratch (after `updateKinematics`), GGᵀ factored, and `values` moved by
        /// −Gᵀ(GGᵀ)⁻¹ times the right sides the scratch's multipliers hold.
        func leastSquaresStep(_ s: Scratch, _ values: inout [Double]) {
            let (rows, a, b, pivots) = (s.constraintRowValues, s.constraintSystem, s.constraintMultipliers, s.constraintPivots)
            DenseLU.rowProducts(rows.base, rows.base, rows: m, length: n, into: a.base)
            guard DenseLU.factor(a.mutable, m, pivots: pivots.mutable) else { return }
            DenseLU.solve(a.readOnly, m, pivots: pivots.readOnly, b.mutable)
            for c in 0..<n {
                var sum = 0.0
                for i in 0..<m { sum += rows[i * n + c] * b[i] }
                values[c] -= sum
            }
        }
        func fillRows(_ s: Scratch) {
            for i in 0..<m { _ = constraintRow(first + i, d, into: Buffer(base: s.constraintRowValues.base + i * n, count: n)) }
        }
        var current = false  // whether the kinematics are those of the present q
        for _ in 0..<10 {
            updateKinematics(&d)
            let s = d.scratch
            var converged = true
            for i in 0..<m {
                s.constraintMultipliers[i] = constraintError(first + i, d)
                if abs(s.constraintMultipliers[i]) >= 1e-12 { converged = false }
            }
            if converged { current = true; break }
            fillRows(s)
            leastSquaresStep(s, &d.q)
        }
        if !current { updateKinematics(&d) }
        let s = d.scratch
        fillRows(s)
        for i in 0..<m {
            var sum = 0.0
            for c in 0..<n { sum += s.constraintRowValues[i * n + c] * d.u[c] }
            s.constraintMultipliers[i] = sum
        }
        leastSquaresStep(s, &d.u)
    }

    /// OpenSim's moment arm about each coordinate with the couplers moving their dependent coordinates along
    /// (MomentArmSolver): the unit-tension generalized forces `tau` summed with the coupling vector C, the speeds on
    /// the constraints per unit speed of that coordinate. About an independent coordinate, τ_i + Σ f′·τ_d over its
    /// dependents; about a dependent one, that sum divided by its f′.
    func coupledMomentArms(_ tau: [Double], _ q: [Double]) -> [Double] {
        var arms = tau
        for c in couplers { arms[c.independent] += c.packed.evaluate(q[c.independent]).1 * tau[c.dependent] }
        for c in couplers {
            let slope = c.packed.evaluate(q[c.independent]).1
            if slope != 0 { arms[c.dependent] = arms[c.independent] / slope }
        }
        return arms
    }

    /// u̇ ← u̇ − M⁻¹Gᵀλ with (G·M⁻¹·Gᵀ)·λ = G·u̇ − b over every constraint row (`constraintRow`; for a coupler
    /// u̇_d − f′·u̇_i = f″·u_i², the second derivative of q_d − f(q_i) = 0). Uses the mass-matrix factor that
    /// `solveAccelerations` left in the scratch.
    func enforceConstraints(_ d: inout SimData) {
        let s = d.scratch, n = coordinateCount, m = constraintRows
        let (rows, columns, system, multipliers) = (s.constraintRowValues, s.constraintColumns, s.constraintSystem, s.constraintMultipliers)
        for r in 0..<m {
            let row = Buffer(base: rows.base + r * n, count: n), column = Buffer(base: columns.base + r * n, count: n)
            let bias = constraintRow(r, d, into: row)
            var residual = -bias
            for k in 0..<n { column[k] = row[k]; residual += row[k] * s.udot[k] }
            substitute(column, s)
            multipliers[r] = residual
        }
        DenseLU.rowProducts(rows.base, columns.base, rows: m, length: n, into: system.base)
        // Redundant or fully locked constraints leave a singular system: nothing to enforce.
        guard DenseLU.factor(system.mutable, m, pivots: s.constraintPivots.mutable) else { return }
        DenseLU.solve(system.readOnly, m, pivots: s.constraintPivots.readOnly, multipliers.mutable)
        for k in 0..<m {
            let lambda = multipliers[k]
            for i in 0..<n { s.udot[i] -= columns[k * n + i] * lambda }
        }
    }
}

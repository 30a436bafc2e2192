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

extension Model {
    /// Puts the dependent coordinates on their constraints: q_d = f(q_i), u_d = f′(q_i)·u_i (a locked dependent
    /// coordinate is left alone).
    public func satisfyCouplers(_ d: inout SimData) {
        for c in couplers where !coordinates[c.dependent].locked {
            let (f, slope, _) = c.packed.evaluate(d.q[c.independent])
            d.q[c.dependent] = f
            d.u[c.dependent] = slope * d.u[c.independent]
        }
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

    /// u̇ ← u̇ − M⁻¹Gᵀλ with (G·M⁻¹·Gᵀ)·λ = G·u̇ − b, where row r of G·u̇ = b is u̇_d − f′·u̇_i = f″·u_i² (the second
    /// derivative of q_d − f(q_i) = 0). Uses the mass-matrix factor that `solveAccelerations` left in the scratch.
    func enforceCouplers(_ d: inout SimData) {
        let s = d.scratch, n = coordinateCount, m = couplers.count
        let (columns, system, multipliers) = (s.couplerColumns, s.couplerSystem, s.couplerMultipliers)
        for (r, c) in couplers.enumerated() {
            let (_, slope, curvature) = c.packed.evaluate(d.q[c.independent])
            let column = Buffer(base: columns.base + r * n, count: n)
            for k in 0..<n { column[k] = 0 }
            column[c.dependent] = 1
            column[c.independent] -= slope
            substitute(column, s)
            let ui = d.u[c.independent]
            multipliers[r] = s.udot[c.dependent] - slope * s.udot[c.independent] - curvature * ui * ui
        }
        for (r, c) in couplers.enumerated() {
            let slope = c.packed.evaluate(d.q[c.independent]).1
            for k in 0..<m { system[r * m + k] = columns[k * n + c.dependent] - slope * columns[k * n + c.independent] }
        }
        guard solveDense(system, multipliers, m) else { return }  // both coordinates locked: nothing to enforce
        for k in 0..<m {
            let lambda = multipliers[k]
            for i in 0..<n { s.udot[i] -= columns[k * n + i] * lambda }
        }
    }

    /// Solves A·x = b in place (b becomes x) by Gaussian elimination with partial pivoting; false if A is singular.
    private func solveDense(_ a: Buffer<Double>, _ b: Buffer<Double>, _ m: Int) -> Bool {
        for k in 0..<m {
            var p = k
            for i in (k + 1)..<max(m, k + 1) where abs(a[i * m + k]) > abs(a[p * m + k]) { p = i }
            guard abs(a[p * m + k]) > 1e-300 else { return false }
            if p != k {
                for j in 0..<m { let t = a[k * m + j]; a[k * m + j] = a[p * m + j]; a[p * m + j] = t }
                let t = b[k]; b[k] = b[p]; b[p] = t
            }
            for i in (k + 1)..<max(m, k + 1) {
                let f = a[i * m + k] / a[k * m + k]
                for j in k..<m { a[i * m + j] -= f * a[k * m + j] }
                b[i] -= f * b[k]
            }
        }
        for k in stride(from: m - 1, through: 0, by: -1) {
            var sum = b[k]
            for j in (k + 1)..<max(m, k + 1) { sum -= a[k * m + j] * b[j] }
            b[k] = sum / a[k * m + k]
        }
        return true
    }
}

import Sim

/// Numerical inverse kinematics for synthetic references: finds the coordinates that put the foot contact spheres
/// and the whole-body centre of mass where asked, by damped Gauss–Newton on the model's own forward kinematics
/// (`pointJacobian`). Targets are weighted least squares ("hard", weight 1) plus a weak pull of every unknown towards
/// a reference pose, which picks one solution where the targets leave freedom and costs O(weight) elsewhere.
struct FootPlacement {
    enum Target {
        /// Centre of contact sphere `sphere` at this ground position (all three components).
        case sphereCenter(Int, Vec3)
        /// Bottom (lowest point) of contact sphere `sphere` at height y.
        case sphereBottom(Int, Double)
        /// Whole-body centre of mass component `axis` (0 x, 1 y, 2 z) at `value`.
        case centerOfMass(axis: Int, value: Double)
        /// Centre-of-mass component `axis` equal to the mean of the foot sphere centres' same component.
        case centerOfMassOverFeet(axis: Int)
    }

    let model: Model
    /// Coordinates the solver may change; the others keep the values given.
    let unknowns: [Int]
    let spheres: [ContactGeometrySet.Sphere]
    var d: SimData

    init(model: Model, unknowns: [Int]) {
        self.model = model; self.unknowns = unknowns
        spheres = model.contactGeometry.spheres.filter { $0.body >= 0 }
        d = SimData(model: model)
    }

    /// Centre-of-mass Jacobian: the mass-weighted mean of the body mass centres' point Jacobians.
    private func comJacobian() -> [Vec3] {
        var columns = [Vec3](repeating: .zero, count: model.coordinateCount)
        let total = model.totalMass
        for (i, body) in model.bodies.enumerated() where body.mass > 0 {
            let j = model.pointJacobian(d, body: i, point: body.massCenter)
            for k in columns.indices { columns[k] += j[k] * (body.mass / total) }
        }
        return columns
    }

    private func component(_ v: Vec3, _ axis: Int) -> Double { axis == 0 ? v.x : (axis == 1 ? v.y : v.z) }

    /// Residuals and their Jacobian rows (over `unknowns`) at the current `d.q`.
    private mutating func evaluate(_ targets: [Target]) -> (r: [Double], rows: [[Double]]) {
        model.updateKinematics(&d)
        var r: [Double] = [], rows: [[Double]] = []
        var com: (Vec3, [Vec3])?
        func comData(_ me: inout FootPlacement) -> (Vec3, [Vec3]) {
            if let com { return com }
            let value = (me.model.centerOfMass(me.d).position, me.comJacobian())
            com = value
            return value
        }
        for target in targets {
            switch target {
            case .sphereCenter(let s, let goal):
                let sphere = spheres[s]
                let x = d.position(of: sphere.center, on: sphere.body)
                let j = model.pointJacobian(d, body: sphere.body, point: sphere.center)
                for axis in 0..<3 {
                    r.append(component(x, axis) - component(goal, axis))
                    rows.append(unknowns.map { component(j[$0], axis) })
                }
            case .sphereBottom(let s, let height):
                let sphere = spheres[s]
                let x = d.position(of: sphere.center, on: sphere.body)
                let j = model.pointJacobian(d, body: sphere.body, point: sphere.center)
                r.append(x.y - sphere.radius - height)
                rows.append(unknowns.map { j[$0].y })
            case .centerOfMass(let axis, let value):
                let (c, j) = comData(&self)
                r.append(component(c, axis) - value)
                rows.append(unknowns.map { component(j[$0], axis) })
            case .centerOfMassOverFeet(let axis):
                let (c, j) = comData(&self)
                var mean = 0.0
                var meanRow = [Double](repeating: 0, count: unknowns.count)
                for sphere in spheres {
                    mean += component(d.position(of: sphere.center, on: sphere.body), axis)
                    let js = model.pointJacobian(d, body: sphere.body, point: sphere.center)
                    for (k, u) in unknowns.enumerated() { meanRow[k] += component(js[u], axis) }
                }
                let n = Double(spheres.count)
                r.append(component(c, axis) - mean / n)
                rows.append(unknowns.enumerated().map { k, u in component(j[u], axis) - meanRow[k] / n })
            }
        }
        return (r, rows)
    }

    /// Solves from the current `d.q`; `reference` (full coordinate vector) is what the weak pull aims at.
    /// Returns the largest target residual left.
    @discardableResult
    mutating func solve(_ targets: [Target], reference: [Double], pull: Double = 1e-8, iterations: Int = 60) -> Double {
        let n = unknowns.count
        var worst = Double.infinity
        for _ in 0..<iterations {
            let (r, rows) = evaluate(targets)
            worst = r.map(abs).max() ?? 0
            // Normal equations (JᵀJ + pull·I)·δ = −(Jᵀr + pull·(q − q_ref)).
            var a = [Double](repeating: 0, count: n * n), b = [Double](repeating: 0, count: n)
            for (row, value) in zip(rows, r) {
                for i in 0..<n where row[i] != 0 {
                    b[i] -= row[i] * value
                    for k in 0..<n { a[i * n + k] += row[i] * row[k] }
                }
            }
            for (i, u) in unknowns.enumerated() { a[i * n + i] += pull; b[i] -= pull * (d.q[u] - reference[u]) }
            guard let step = FootPlacement.solveSymmetric(a, b, n) else { break }
            var size = 0.0
            for (i, u) in unknowns.enumerated() { d.q[u] += step[i]; size = max(size, abs(step[i])) }
            if size < 1e-13 { break }
        }
        model.updateKinematics(&d)
        return worst
    }

    /// Cholesky solve of a symmetric positive definite system (row-major n×n); nil when not positive definite.
    static func solveSymmetric(_ matrix: [Double], _ rhs: [Double], _ n: Int) -> [Double]? {
        var l = matrix
        for j in 0..<n {
            var s = l[j * n + j]
            for k in 0..<j { s -= l[j * n + k] * l[j * n + k] }
            guard s > 0 else { return nil }
            let diagonal = s.squareRoot()
            l[j * n + j] = diagonal
            for i in (j + 1)..<max(j + 1, n) {
                var t = l[i * n + j]
                for k in 0..<j { t -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = t / diagonal
            }
        }
        var y = rhs
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
            y[i] /= l[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<max(i + 1, n) { y[i] -= l[k * n + i] * y[k] }
            y[i] /= l[i * n + i]
        }
        return y
    }
}

/// The Jacobian approximation W of the stiff integrator (`RosenbrockW.swift`), kept in blocks over positions q,
/// speeds u and force-element states z: q̇ = u exactly, and
///   M·u̇ ≈ ∂τ/∂q·δq + ∂τ/∂u·δu + ∂τ/∂z·δz,   ż ≈ ∂ż/∂q·δq + ∂ż/∂u·δu + ∂ż/∂z·δz,
/// with τ the force elements' generalized forces and M the mass matrix where W is taken. Each element adds its own
/// derivatives (a muscle through its moment arms and its states, a contact through its point's Jacobian, a limit
/// force on its coordinate); gravity and the velocity-product terms are left out: they are not stiff, and a W-method
/// keeps its order for any W. The solve keeps M on the u rows instead of forming M⁻¹·∂τ/∂(q, u, z).
public struct StiffJacobian {
    let n: Int, nz: Int
    /// Row-major: tq, tu (n×n), tz (n×nz); zq, zu (nz×n, nonzero only in each row's `sparseColumns`); zz only inside
    /// each element's own block of at most two states: row i's entries for its block's states are zz[2i], zz[2i + 1].
    var tq: [Double], tu: [Double], tz: [Double]
    var zq: [Double], zu: [Double], zz: [Double]
    /// The mass matrix where W was taken, over the unlocked coordinates (a locked one's row and column are the
    /// identity's: its speed does not change).
    var mass: [Double]
    /// Each force element's state block (start, count), for the block-diagonal solves.
    let blocks: [(start: Int, count: Int)]
    // Scratch for the elements and the solve.
    var columns: [Vec3], contactColumns: [Vec3], movedForce: [Vec3], appliedForce: [Vec3]
    /// `addPointForce`'s lists of the coordinates that move the applied and the moving point.
    var appliedOn: [Int], movingOn: [Int]
    var arms: [Double], lengthArms: [Double], vector: [Double]
    /// Per step (η = hγ), writing B· for the z rows (zq, zu, zz): S = M − η²·tq − η·tu − η²·tz·Z·(ηBq + Bu) factored
    /// (identity rows for locked coordinates), Z = (I − ηBz)⁻¹ (kept in blocks as zz is) and P = Z·(ηBq + Bu).
    var s: [Double], pivots: [Int], zInverse: [Double], eta = -1.0
    /// Per coordinate, whether it is locked.
    let locked: [Bool]
    /// Per z row, the coordinates its block's rows of Bq and Bu touch (a muscle's spanned coordinates), as the element
    /// that adds them lists them: row i's list is `sparseColumns[i·n ..< i·n + sparseCount[i]]`. Those rows of Bq, Bu
    /// and P, and column i of tz (the state acts on the same coordinates), are zero elsewhere.
    var sparseColumns: [Int], sparseCount: [Int]
    /// The sparse parts as flat lists of entries (laid out by `flatten` once per W): Bq's (z row, column, value),
    /// tz's on unlocked coordinates (coordinate, z row, value), and P's (z row, column, and per step η·P), P's row i
    /// from `pStart[i]` to `pStart[i + 1]`. Each z row's block (start, count).
    var zqRow: [Int], zqColumn: [Int], zqValue: [Double], zqCount = 0
    var tzRow: [Int], tzState: [Int], tzValue: [Double], tzCount = 0
    var pRow: [Int], pColumn: [Int], pValue: [Double], pStart: [Int]
    let rowBlock: [(start: Int, count: Int)]
    /// The constraints where W was taken: the rows of G (m × n), and per step S⁻¹·Gᵀ (m columns of n) and the factored
    /// G·S⁻¹·Gᵀ (m × m, with its pivots), so the solve keeps the u increments on the constraints (`solve`).
    let constraintCount: Int
    var constraintRows: [Double], constraintColumns: [Double], constraintSystem: [Double], constraintPivots: [Int]
    var lambda: [Double]

    init(model: Model) {
        n = model.coordinateCount; nz = model.stateCount
        tq = [Double](repeating: 0, count: n * n); tu = tq; mass = tq; s = tq
        tz = [Double](repeating: 0, count: n * nz)
        locked = model.coordinates.map(\.locked)
        zq = [Double](repeating: 0, count: nz * n); zu = zq
        zz = [Double](repeating: 0, count: 2 * nz); zInverse = zz
        blocks = model.forces.indices.filter { model.forces[$0].stateCount > 0 }
            .map { (model.stateOffsets[$0], model.forces[$0].stateCount) }
        columns = [Vec3](repeating: .zero, count: n); contactColumns = columns; movedForce = columns; appliedForce = columns
        appliedOn = [Int](repeating: 0, count: n); movingOn = appliedOn
        arms = [Double](repeating: 0, count: n); lengthArms = arms; vector = arms
        pivots = [Int](repeating: 0, count: n)
        sparseColumns = [Int](repeating: 0, count: nz * n); sparseCount = [Int](repeating: 0, count: nz)
        zqRow = sparseColumns; zqColumn = sparseColumns; zqValue = [Double](repeating: 0, count: nz * n)
        tzRow = sparseColumns; tzState = sparseColumns; tzValue = zqValue
        pRow = sparseColumns; pColumn = sparseColumns; pValue = zqValue; pStart = [Int](repeating: 0, count: nz + 1)
        var rows = [(start: Int, count: Int)](repeating: (0, 0), count: nz)
        for block in blocks { for i in block.start..<(block.start + block.count) { rows[i] = block } }
        rowBlock = rows
        constraintCount = model.constraintRows
        constraintRows = [Double](repeating: 0, count: constraintCount * n); constraintColumns = constraintRows
        constraintSystem = [Double](repeating: 0, count: constraintCount * constraintCount)
        constraintPivots = [Int](repeating: 0, count: constraintCount); lambda = [Double](repeating: 0, count: constraintCount)
    }

    /// Lays out the flat entry lists, once the elements have added their derivatives.
    mutating func flatten() {
        zqCount = 0; tzCount = 0
        var pCount = 0
        for i in 0..<nz {
            pStart[i] = pCount
            for k in 0..<sparseCount[i] {
                let c = sparseColumns[i * n + k]
                if zq[i * n + c] != 0 { zqRow[zqCount] = i; zqColumn[zqCount] = c; zqValue[zqCount] = zq[i * n + c]; zqCount += 1 }
                if !locked[c] && tz[c * nz + i] != 0 { tzRow[tzCount] = c; tzState[tzCount] = i; tzValue[tzCount] = tz[c * nz + i]; tzCount += 1 }
                pRow[pCount] = i; pColumn[pCount] = c; pCount += 1
            }
        }
        pStart[nz] = pCount
    }

    mutating func clear() {
        for i in tq.indices { tq[i] = 0; tu[i] = 0 }
        for i in tz.indices { tz[i] = 0 }
        for i in 0..<nz {
            for k in 0..<sparseCount[i] { let c = sparseColumns[i * n + k]; zq[i * n + c] = 0; zu[i * n + c] = 0 }
            sparseCount[i] = 0
        }
        for i in zz.indices { zz[i] = 0 }
        eta = -1
    }

    /// Bz's entry in row i for column j of the same block (0 elsewhere).
    func zz(_ i: Int, _ j: Int, blockStart: Int) -> Double { zz[2 * i + j - blockStart] }

    // MARK: what force elements add

    /// A generalized force on coordinate k with derivatives in q_k and u_k.
    mutating func addCoordinateForce(_ k: Int, dq: Double, du: Double) {
        tq[k * n + k] += dq; tu[k * n + k] += du
    }

    /// A force F applied at a point with motion columns `applied` (∂v/∂u, ground), depending on the position of a
    /// point with columns `moving` (dF/dx) and on the applied point's velocity (dF/dv): τ = Jᵀ·F.
    mutating func addPointForce(applied: [Vec3], moving: [Vec3], dFdx: Mat3, dFdv: Mat3) {
        // Only the coordinates that move either point (a contact's: its body's chain) take part; the products run
        // over lists of them, through buffers (a subscript assignment to a stored array checks it is uniquely held).
        var appliedCount = 0, movingCount = 0
        for b in 0..<n {
            if applied[b] != .zero { appliedOn[appliedCount] = b; appliedForce[appliedCount] = dFdv * applied[b]; appliedCount += 1 }
            if moving[b] != .zero { movingOn[movingCount] = b; movedForce[movingCount] = dFdx * moving[b]; movingCount += 1 }
        }
        let (n, appliedOn, movingOn, appliedForce, movedForce) = (self.n, self.appliedOn, self.movingOn, self.appliedForce, self.movedForce)
        tq.withUnsafeMutableBufferPointer { tq in tu.withUnsafeMutableBufferPointer { tu in
            for i in 0..<appliedCount {
                let a = appliedOn[i], column = applied[a]
                for j in 0..<movingCount { tq[a * n + movingOn[j]] += dot(column, movedForce[j]) }
                for j in 0..<appliedCount { tu[a * n + appliedOn[j]] += dot(column, appliedForce[j]) }
            }
        } }
    }

    /// A contact on `body` whose force `law(centre, velocity)` (ground frame) depends on its sphere centre's position
    /// and the contact point's velocity: forward differences of the law in both, carried to the coordinates through
    /// the two points' Jacobians (`addPointForce`).
    mutating func addContact(_ model: Model, _ d: SimData, body: Int, center: Vec3, contact: Vec3, velocity: Vec3,
                             law: (Vec3, Vec3) -> Vec3) {
        let base = law(center, velocity), hx = 1e-8, hv = 1e-7
        func alongX(_ axis: Vec3) -> Vec3 { (law(center + hx * axis, velocity) - base) / hx }
        func alongV(_ axis: Vec3) -> Vec3 { (law(center, velocity + hv * axis) - base) / hv }
        let ex = Vec3(1, 0, 0), ey = Vec3(0, 1, 0), ez = Vec3(0, 0, 1)
        // The differences are the columns; Mat3 is row-major.
        let dFdx = Mat3(alongX(ex), alongX(ey), alongX(ez)).transposed
        let dFdv = Mat3(alongV(ex), alongV(ey), alongV(ez)).transposed
        model.pointColumns(d, body: body, at: contact, into: &contactColumns)
        model.pointColumns(d, body: body, at: center, into: &columns)
        addPointForce(applied: contactColumns, moving: columns, dFdx: dFdx, dFdv: dFdv)
    }

    /// A path tension F(z, L, V) from an element whose (one or two) states start at `state`: τ = r·F with the
    /// transmitting moment arms r in `arms`, V = −r·u, and L changing as −g·δq with g in `lengthArms` (g = r but
    /// where a moving point's coordinate is out of range); and its state rates ż(z, L, V).
    mutating func addPathTension(state: Int, count: Int, dFdL: Double, dFdV: Double,
                                 dFdz: (Double, Double), dzdL: (Double, Double), dzdV: (Double, Double),
                                 dzdz: ((Double, Double), (Double, Double))) {
        @inline(__always) func pick(_ t: (Double, Double), _ i: Int) -> Double { i == 0 ? t.0 : t.1 }
        let r = arms, g = lengthArms
        for a in 0..<n where r[a] != 0 {
            for b in 0..<n {
                tq[a * n + b] -= r[a] * dFdL * g[b]
                tu[a * n + b] -= r[a] * dFdV * r[b]
            }
            for j in 0..<count { tz[a * nz + state + j] += r[a] * pick(dFdz, j) }
        }
        for i in 0..<count {
            let row = state + i
            // Only the coordinates the path spans; they are this row's sparse columns.
            for b in 0..<n where r[b] != 0 || g[b] != 0 {
                if !sparseColumns[(row * n)..<(row * n + sparseCount[row])].contains(b) {
                    sparseColumns[row * n + sparseCount[row]] = b; sparseCount[row] += 1
                }
                zq[row * n + b] -= pick(dzdL, i) * g[b]
                zu[row * n + b] -= pick(dzdV, i) * r[b]
            }
            for j in 0..<count { zz[2 * row + j] += pick(i == 0 ? dzdz.0 : dzdz.1, j) }
        }
    }
}

extension Model {
    /// Fills `jacobian` at the state in `d`, which must hold a full evaluation there (kinematics, mass matrix).
    func stiffJacobian(_ d: inout SimData, _ jacobian: inout StiffJacobian) {
        jacobian.clear()
        for (i, f) in forces.enumerated() {
            f.addJacobian(model: self, data: &d, slots: slots(i), into: &jacobian)
        }
        let n = coordinateCount
        for r in 0..<n {
            for c in 0..<n {
                jacobian.mass[r * n + c] = jacobian.locked[r] || jacobian.locked[c] ? (r == c ? 1 : 0) : d.scratch.massMatrix[r * n + c]
            }
        }
        jacobian.flatten()
        if jacobian.constraintCount > 0 {
            jacobian.constraintRows.withUnsafeMutableBufferPointer { rows in
                for r in 0..<jacobian.constraintCount {
                    _ = constraintRow(r, d, into: Buffer(base: rows.baseAddress! + r * n, count: n))
                }
            }
        }
    }

    /// M⁻¹ times the u-row blocks of `jacobian` (taken at `d`), ∂u̇/∂(q, u, z) with zero rows for locked coordinates,
    /// each n × (n, n, nz) row-major: what W's u rows amount to, for tests.
    func accelerationBlocks(_ d: SimData, _ jacobian: StiffJacobian) -> (q: [Double], u: [Double], z: [Double]) {
        let n = coordinateCount
        func solved(_ source: [Double], width: Int) -> [Double] {
            var target = source, column = [Double](repeating: 0, count: n)
            for c in 0..<width {
                for k in 0..<n { column[k] = source[k * width + c] }
                substitute(&column, d.scratch)
                for k in 0..<n { target[k * width + c] = column[k] }
            }
            return target
        }
        return (solved(jacobian.tq, width: n), solved(jacobian.tu, width: n), solved(jacobian.tz, width: stateCount))
    }

    /// Point columns ∂v/∂u (ground) of the point of `body` now at ground position x, into `columns` (zero off the
    /// body's chain).
    func pointColumns(_ d: SimData, body: Int, at x: Vec3, into columns: inout [Vec3]) {
        for k in 0..<coordinateCount { columns[k] = .zero }
        forEachPointColumn(d, body: body, at: x) { k, column in columns[k] = column }
    }

    /// Calls `visit(k, ∂v/∂u_k)` (ground) for each coordinate k on the chain of `body`, for its point now at ground
    /// position x (nothing for ground).
    @inline(__always) func forEachPointColumn(_ d: SimData, body: Int, at x: Vec3, _ visit: (Int, Vec3) -> Void) {
        let s = d.scratch
        var j = body
        while j >= 0 {
            for k in joints[j].coordinates { visit(k, s.columnLinear[k] + cross(s.columnAngular[k], x - s.jointOrigin[j])) }
            j = joints[j].parent
        }
    }
}

extension StiffJacobian {
    /// Factors the step's matrices for η = hγ (once per step size).
    mutating func prepare(eta: Double) {
        self.eta = eta
        let (n, nz) = (self.n, self.nz)
        // Z = (I − ηBz)⁻¹ block by block (blocks of one or two states), stored as zz is.
        for (start, count) in blocks {
            if count == 1 {
                zInverse[2 * start] = 1 / (1 - eta * zz[2 * start])
            } else {
                let a = 1 - eta * zz[2 * start], b = -eta * zz[2 * start + 1]
                let c = -eta * zz[2 * start + 2], e = 1 - eta * zz[2 * start + 3]
                let det = a * e - b * c
                zInverse[2 * start] = e / det; zInverse[2 * start + 1] = -b / det
                zInverse[2 * start + 2] = -c / det; zInverse[2 * start + 3] = a / det
            }
        }
        // η·P = η·Z·(ηBq + Bu), within each block and on the coordinates the block touches.
        for e in 0..<pStart[nz] {
            let i = pRow[e], c = pColumn[e], (start, count) = rowBlock[i]
            var sum = 0.0
            for j in start..<(start + count) { sum += zInverse[2 * i + j - start] * (eta * zq[j * n + c] + zu[j * n + c]) }
            pValue[e] = eta * sum
        }
        // S = M − η²tq − ηtu − η²tz·P on the unlocked rows (a locked row is the identity's), then LU with pivoting.
        for r in 0..<n {
            if locked[r] {
                for c in 0..<n { s[r * n + c] = r == c ? 1 : 0 }
                continue
            }
            for c in 0..<n { s[r * n + c] = mass[r * n + c] - eta * eta * tq[r * n + c] - eta * tu[r * n + c] }
        }
        for e in 0..<tzCount {  // tz's column j lives on z row j's coordinates, as P's row j does
            let r = tzRow[e], j = tzState[e], w = eta * tzValue[e]
            for f in pStart[j]..<pStart[j + 1] { s[r * n + pColumn[f]] -= w * pValue[f] }
        }
        _ = s.withUnsafeMutableBufferPointer { s in pivots.withUnsafeMutableBufferPointer { DenseLU.factor(s, n, pivots: $0) } }
        // Constraints: S⁻¹·Gᵀ and G·S⁻¹·Gᵀ, factored.
        let m = constraintCount
        guard m > 0 else { return }
        for k in 0..<m {
            for c in 0..<n { vector[c] = constraintRows[k * n + c] }
            luSolve(&vector)
            for c in 0..<n { constraintColumns[k * n + c] = vector[c] }
        }
        constraintRows.withUnsafeBufferPointer { g in constraintColumns.withUnsafeBufferPointer { x in
            constraintSystem.withUnsafeMutableBufferPointer { DenseLU.rowProducts(g.baseAddress!, x.baseAddress!, rows: m, length: n, into: $0.baseAddress!) }
        } }
        _ = constraintSystem.withUnsafeMutableBufferPointer { a in constraintPivots.withUnsafeMutableBufferPointer { DenseLU.factor(a, m, pivots: $0) } }
    }

    /// u ← S⁻¹·u by the LU of `prepare`.
    func luSolve(_ u: inout [Double]) {
        u.withUnsafeMutableBufferPointer { u in s.withUnsafeBufferPointer { s in pivots.withUnsafeBufferPointer { DenseLU.solve(s, n, pivots: $0, u) } } }
    }

    /// x ← (I − ηW)⁻¹·x over the packed state, by eliminating q and z onto u (see `prepare`).
    mutating func solve(_ x: inout [Double]) {
        let (n, eta) = (self.n, self.eta)
        x.withUnsafeMutableBufferPointer { x in vector.withUnsafeMutableBufferPointer { u in
            let z = x.baseAddress! + 2 * n
            // Right side for u: M·r_u + η·tq·r_q (r_u on a locked row) ...
            mass.withUnsafeBufferPointer { mass in tq.withUnsafeBufferPointer { tq in
                for r in 0..<n {
                    if locked[r] { u[r] = x[n + r]; continue }
                    var sum = 0.0, inertial = 0.0
                    for c in 0..<n { inertial += mass[r * n + c] * x[n + c]; sum += tq[r * n + c] * x[c] }
                    u[r] = inertial + eta * sum
                }
            } }
            // ... + η·tz·(Z·w) with w = r_z + η·Bq·r_q, Z·w kept in place of r_z ...
            for e in 0..<zqCount { z[zqRow[e]] += eta * zqValue[e] * x[zqColumn[e]] }
            for (start, count) in blocks {
                if count == 1 {
                    z[start] *= zInverse[2 * start]
                } else {
                    let w0 = z[start], w1 = z[start + 1]
                    z[start] = zInverse[2 * start] * w0 + zInverse[2 * start + 1] * w1
                    z[start + 1] = zInverse[2 * start + 2] * w0 + zInverse[2 * start + 3] * w1
                }
            }
            for e in 0..<tzCount { u[tzRow[e]] += eta * tzValue[e] * z[tzState[e]] }
            // ... then S·x_u = it by the LU of `prepare`.
            s.withUnsafeBufferPointer { s in pivots.withUnsafeBufferPointer { DenseLU.solve(s, n, pivots: $0, u) } }
            // On the constraints: x_u ← x_u − S⁻¹Gᵀλ with G·x_u = G·r_u (the rates r already satisfy them; W alone,
            // which knows no constraint, would push the increment off them), the saddle-point solve by its Schur
            // complement G·S⁻¹·Gᵀ.
            let m = constraintCount
            if m > 0 {
                for k in 0..<m {
                    var sum = 0.0
                    for c in 0..<n { sum += constraintRows[k * n + c] * (u[c] - x[n + c]) }
                    lambda[k] = sum
                }
                constraintSystem.withUnsafeBufferPointer { a in constraintPivots.withUnsafeBufferPointer { p in
                    lambda.withUnsafeMutableBufferPointer { DenseLU.solve(a, m, pivots: p, $0) }
                } }
                for k in 0..<m { for c in 0..<n { u[c] -= constraintColumns[k * n + c] * lambda[k] } }
            }
            // Back: x_z = Z·w + η·P·x_u, x_q = r_q + η·x_u, x_u.
            for e in 0..<pStart[nz] { z[pRow[e]] += pValue[e] * u[pColumn[e]] }
            for k in 0..<n {
                x[k] += eta * u[k]
                x[n + k] = u[k]
            }
        } }
    }
}

import Foundation

/// The `stiff` mode: ROS34PW2 of Rang & Angermann, "New Rosenbrock W-methods of order 3 for partial differential
/// algebraic equations of index 1", BIT 45 (2005) 761–787: 4 stages, order 3 with an embedded order 2, L-stable,
/// stiffly accurate, and a W-method, so it keeps its order for any approximation W of the Jacobian. W is the
/// `StiffJacobian` of the force elements, taken at the start of every `advance` call, after a rejected step once the
/// solution has moved on from where it was taken, and past a force law's kink (steps end on kinks: `Model.timeToKink`).
/// Explicit methods must resolve the fastest relaxation in the model (contact friction on a loaded foot, a stiff
/// tendon against a damped fiber) with steps of about a millisecond; this one steps over it.
extension Integrator {
    /// The method as published: γ, α_ij, γ_ij (i > j), b_i, b̂_i, and the stage times c_i = Σ_j α_ij.
    static let wGamma = 0.43586652150845900
    static let wAlpha: [[Double]] = [[], [0.87173304301691801], [0.84457060015369423, -0.11299064236484185], [0, 0, 1]]
    static let wGammas: [[Double]] = [[], [-0.87173304301691801], [-0.90338057013044082, 0.054180672388095326],
                                      [0.24212380706095346, -1.2232505839045147, 0.54526025533510214]]
    static let wB: [Double] = [0.24212380706095346, -1.2232505839045147, 1.5452602553351020, 0.43586652150845900]
    static let wBHat: [Double] = [0.37810903145819369, -0.096042292212423178, 0.5, 0.21793326075422950]
    static let wC: [Double] = [0, 0.87173304301691801, 0.73157995778885238, 1]

    /// The same method in the variables U_i = Σ_j Γ_ij K_j (Hairer & Wanner, Solving ODEs II, §IV.7, eq. 7.25'),
    /// which needs no product with W: (I − hγW)·U_i = hγ·f(y0 + Σ a_ij U_j) + γ·Σ c_ij U_j, y1 = y0 + Σ m_i U_i.
    /// a = αΓ⁻¹, C = I/γ − Γ⁻¹, m = bΓ⁻¹, and the error weights e = (b − b̂)Γ⁻¹.
    /// a and C row-major (4 × 4, zero on and above the diagonal), in SIMD values so the step loop reads them without
    /// reference counting.
    static let transformed: (a: SIMD16<Double>, c: SIMD16<Double>, m: SIMD4<Double>, e: SIMD4<Double>) = {
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: 4), count: 4)  // Γ⁻¹, lower triangular
        for i in 0..<4 {
            inverse[i][i] = 1 / wGamma
            for j in stride(from: i - 1, through: 0, by: -1) {
                var sum = 0.0
                for k in j..<i { sum += wGammas[i][k] * inverse[k][j] }
                inverse[i][j] = -sum / wGamma
            }
        }
        func times(_ row: [Double]) -> [Double] {  // row · Γ⁻¹ over the first row.count columns
            (0..<row.count).map { j in (j..<row.count).reduce(0) { $0 + row[$1] * inverse[$1][j] } }
        }
        var a = SIMD16<Double>(), c = SIMD16<Double>()
        for i in 0..<4 {
            for (j, value) in times(wAlpha[i]).enumerated() { a[4 * i + j] = value }
            for j in 0..<i { c[4 * i + j] = -inverse[i][j] }
        }
        func four(_ v: [Double]) -> SIMD4<Double> { SIMD4(v[0], v[1], v[2], v[3]) }
        return (a, c, four(times(wB)), four(times(zip(wB, wBHat).map { $0 - $1 })))
    }()
    static let stageTimes = SIMD4(wC[0], wC[1], wC[2], wC[3])

    /// Integrates `y` (already packed from `d`) from t0 to `end`. `stages` holds U_0..U_3 one after another, k[4]
    /// the rates f(Y_i), `scratch` the right-hand side and then U_i (and at the end the error estimate).
    mutating func advanceRosenbrock(_ model: Model, _ d: inout SimData, from t0: Double, to end: Double,
                                    accuracy: Double) throws {
        var t = t0
        let size = y.count
        let (a, c, m, e) = Self.transformed
        let gamma = Self.wGamma
        var needJacobian = true, jacobianAt = t  // W is taken at the first step and where a rejection leaves it stale
        var kinks: (from: Double, time: Double?) = (.nan, nil)
        while t < end - 1e-12 {
            var hStep = stepToward(end, from: t), eta = hStep * gamma
            let planned = h
            var cut = false  // the step ends at a force law's kink
            copy(y, into: &y0)
            do {
                for s in 0..<4 {
                    stages.withUnsafeBufferPointer { U in
                        y0.withUnsafeBufferPointer { y0 in
                            y.withUnsafeMutableBufferPointer { y in
                                scratch.withUnsafeMutableBufferPointer { r in
                                    for i in 0..<size {
                                        var sum = 0.0, coupling = 0.0
                                        for j in 0..<s { sum += a[4 * s + j] * U[j * size + i]; coupling += c[4 * s + j] * U[j * size + i] }
                                        y[i] = y0[i] + sum
                                        r[i] = gamma * coupling
                                    }
                                }
                            }
                        }
                    }
                    if s > 0 {
                        try rates(model, &d, y, t + Self.stageTimes[s] * hStep, stage: 4)
                    } else {
                        let evaluated = try stepStartRates(model, &d, t, stage: 4, evaluated: needJacobian) || needJacobian
                        if needJacobian {  // the data now holds the evaluation at y0
                            model.stiffJacobian(&d, &jacobian)
                            jacobianAt = t; needJacobian = false
                        }
                        // The next kink, from the evaluation at y0 (a retry after a rejection starts where it was taken).
                        if evaluated { kinks = (t, model.timeToKink(d, after: 1e-3 * hStep, within: hStep)) }
                    }
                    if s == 0 {
                        if kinks.from == t, let kink = kinks.time, kink < hStep { (hStep, eta, cut) = (kink, kink * gamma, true) }
                        jacobian.prepare(eta: eta)
                    }
                    k[4].withUnsafeBufferPointer { f in
                        scratch.withUnsafeMutableBufferPointer { r in for i in 0..<size { r[i] += eta * f[i] } }
                    }
                    jacobian.solve(&scratch)
                    scratch.withUnsafeBufferPointer { r in
                        stages.withUnsafeMutableBufferPointer { U in for i in 0..<size { U[s * size + i] = r[i] } }
                    }
                }
            } catch let error as SimError {
                guard hStep > 1e-9 else { throw error }
                rejected += 1; lastRejected = true
                copy(y0, into: &y)
                h = hStep * 0.25
                needJacobian = jacobianAt != t
                continue
            }
            let (m0, m1, m2, m3) = (m[0], m[1], m[2], m[3]), (e0, e1, e2, e3) = (e[0], e[1], e[2], e[3])
            stages.withUnsafeBufferPointer { U in
                y0.withUnsafeBufferPointer { y0 in
                    y.withUnsafeMutableBufferPointer { y in
                        scratch.withUnsafeMutableBufferPointer { r in
                            for i in 0..<size {
                                let u0 = U[i], u1 = U[size + i], u2 = U[2 * size + i], u3 = U[3 * size + i]
                                y[i] = y0[i] + m0 * u0 + m1 * u1 + m2 * u2 + m3 * u3
                                r[i] = e0 * u0 + e1 * u1 + e2 * u2 + e3 * u3
                            }
                        }
                    }
                }
            }
            // Shampine's filter (Hairer & Wanner II, §IV.8): (I − hγW)⁻¹ on the estimate, so the stiff components,
            // which the method damps, do not count as error. About a tenth fewer steps on the gait models.
            jacobian.solve(&scratch)
            let errorNorm = self.errorNorm(scratch, accuracy: accuracy)
            if errorNorm <= 1 || (hStep < 1e-10 && errorNorm.isFinite) {
                t += hStep; steps += 1
                projectOnConstraints(model, &d)
                try check(model, t)
                accepted(hStep, error: errorNorm, exponent: 0.28, beta: 0.06)  // an order-2 estimate: 1/3 − 0.75β
                // A step cut short at a kink does not shrink the next, and W is taken again past it: the force law's
                // slope changes there.
                if cut { h = max(h, planned); needJacobian = true }
            } else {
                rejected += 1
                copy(y0, into: &y)
                if hStep < 1e-10 { throw SimError.nonFinite("non-finite state near t = \(t) that no step size avoids") }
                rejectedStep(hStep, error: errorNorm, exponent: 1.0 / 3)
                needJacobian = jacobianAt != t
            }
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
        for c in 0..<n {
            var pivot = c
            for r in c..<n where abs(s[r * n + c]) > abs(s[pivot * n + c]) { pivot = r }
            pivots[c] = pivot
            if pivot != c { for x in 0..<n { s.swapAt(c * n + x, pivot * n + x) } }
            let diagonal = s[c * n + c]
            guard diagonal != 0 else { continue }
            for r in (c + 1)..<max(n, c + 1) {
                let m = s[r * n + c] / diagonal
                s[r * n + c] = m
                if m != 0 { for x in (c + 1)..<n { s[r * n + x] -= m * s[c * n + x] } }
            }
        }
        // Constraints: S⁻¹·Gᵀ and G·S⁻¹·Gᵀ, factored.
        let m = constraintCount
        guard m > 0 else { return }
        for k in 0..<m {
            for c in 0..<n { vector[c] = constraintRows[k * n + c] }
            luSolve(&vector)
            for c in 0..<n { constraintColumns[k * n + c] = vector[c] }
        }
        for r in 0..<m {
            for k in 0..<m {
                var sum = 0.0
                for c in 0..<n { sum += constraintRows[r * n + c] * constraintColumns[k * n + c] }
                constraintSystem[r * m + k] = sum
            }
        }
        for c in 0..<m {
            var pivot = c
            for r in c..<m where abs(constraintSystem[r * m + c]) > abs(constraintSystem[pivot * m + c]) { pivot = r }
            constraintPivots[c] = pivot
            if pivot != c { for x in 0..<m { constraintSystem.swapAt(c * m + x, pivot * m + x) } }
            let diagonal = constraintSystem[c * m + c]
            guard diagonal != 0 else { continue }
            for r in (c + 1)..<max(m, c + 1) {
                let f = constraintSystem[r * m + c] / diagonal
                constraintSystem[r * m + c] = f
                if f != 0 { for x in (c + 1)..<m { constraintSystem[r * m + x] -= f * constraintSystem[c * m + x] } }
            }
        }
    }

    /// u ← S⁻¹·u by the LU of `prepare`.
    func luSolve(_ u: inout [Double]) {
        let n = self.n
        for c in 0..<n where pivots[c] != c { u.swapAt(c, pivots[c]) }
        for r in 0..<n {
            var sum = u[r]
            for c in 0..<r { sum -= s[r * n + c] * u[c] }
            u[r] = sum
        }
        for r in stride(from: n - 1, through: 0, by: -1) {
            var sum = u[r]
            for c in (r + 1)..<max(n, r + 1) { sum -= s[r * n + c] * u[c] }
            u[r] = s[r * n + r] != 0 ? sum / s[r * n + r] : 0
        }
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
            for c in 0..<n where pivots[c] != c { u.swapAt(c, pivots[c]) }
            s.withUnsafeBufferPointer { s in
                for r in 0..<n {
                    var sum = u[r]
                    for c in 0..<r { sum -= s[r * n + c] * u[c] }
                    u[r] = sum
                }
                for r in stride(from: n - 1, through: 0, by: -1) {
                    var sum = u[r]
                    for c in (r + 1)..<max(n, r + 1) { sum -= s[r * n + c] * u[c] }
                    u[r] = s[r * n + r] != 0 ? sum / s[r * n + r] : 0
                }
            }
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
                for c in 0..<m where constraintPivots[c] != c { lambda.swapAt(c, constraintPivots[c]) }
                for r in 0..<m { for c in 0..<r { lambda[r] -= constraintSystem[r * m + c] * lambda[c] } }
                for r in stride(from: m - 1, through: 0, by: -1) {
                    for c in (r + 1)..<max(m, r + 1) { lambda[r] -= constraintSystem[r * m + c] * lambda[c] }
                    lambda[r] = constraintSystem[r * m + r] != 0 ? lambda[r] / constraintSystem[r * m + r] : 0
                }
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

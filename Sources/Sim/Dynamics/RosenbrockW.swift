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

extension Model {
    /// Generalized forces of the body forces accumulated in `data` (plus gravity and the velocity-product terms
    /// when asked), added into `data.generalized`: Σ over bodies of Jᵀ·(F, M), computed by summing each subtree's
    /// force and moment (about ground) and projecting onto every joint's motion columns.
    func projectBodyForces(_ d: inout SimData, gravity includeGravity: Bool, inertial includeInertial: Bool) {
        for (b, body) in bodies.enumerated() {
            let c = d.position(of: body.massCenter, on: b)
            var f = Vec3.zero, m = Vec3.zero
            if includeGravity { f += body.mass * gravity }
            if includeInertial {
                // −m·a_c and −(I·α + ω × I·ω) with the accelerations of q̈ = 0.
                let r = d.rotation[b] * body.massCenter
                let w = d.angularVelocity[b], alpha = d.angularBias[b]
                let ac = d.linearBias[b] + cross(alpha, r) + cross(w, cross(w, r))
                let inertia = d.rotation[b] * body.inertia * d.rotation[b].transposed
                f -= body.mass * ac
                m -= inertia * alpha + cross(w, inertia * w)
            }
            d.bodyForce[b] += f
            d.bodyMoment[b] += m + cross(c, f)
        }
        // Subtree sums, children before parents.
        for j in joints.indices.reversed() {
            let joint = joints[j], b = joint.child
            let fSub = d.bodyForce[b], mSub = d.bodyMoment[b]
            let arm = d.jointOrigin[j]
            for k in joint.coordinates {
                // Power of the subtree wrench in the joint's unit motion: ω_k·(M − p_M × F) + v_k·F.
                d.generalized[k] += dot(d.columnAngular[k], mSub - cross(arm, fSub)) + dot(d.columnLinear[k], fSub)
            }
            if joint.parent >= 0 {
                d.bodyForce[joint.parent] += fSub
                d.bodyMoment[joint.parent] += mSub
            }
        }
    }

    /// Joint-space mass matrix M(q) into `data.massMatrix` (needs `updateKinematics`): Σ_b m·J_vᵀJ_v + J_ωᵀ·I·J_ω
    /// over the coordinates of each body's ancestor joints.
    func computeMassMatrix(_ d: inout SimData) {
        let n = coordinateCount
        for i in 0..<(n * n) { d.massMatrix[i] = 0 }
        for (b, body) in bodies.enumerated() {
            let c = d.position(of: body.massCenter, on: b)
            let inertia = d.rotation[b] * body.inertia * d.rotation[b].transposed
            var j = b
            while j >= 0 {
                for k in joints[j].coordinates {
                    let wk = d.columnAngular[k], vk = d.columnLinear[k] + cross(wk, c - d.jointOrigin[j])
                    let iw = inertia * wk
                    var l = b
                    while l >= 0 {
                        for m in joints[l].coordinates where m <= k {
                            let wm = d.columnAngular[m], vm = d.columnLinear[m] + cross(wm, c - d.jointOrigin[l])
                            let value = body.mass * dot(vk, vm) + dot(iw, wm)
                            d.massMatrix[k * n + m] += value
                            if m != k { d.massMatrix[m * n + k] += value }
                        }
                        l = joints[l].parent
                    }
                }
                j = joints[j].parent
            }
        }
    }

    /// Mass matrix (for tests and tools).
    public func massMatrix(_ d: inout SimData) -> [Double] {
        updateKinematics(&d); computeMassMatrix(&d); return d.massMatrix
    }

    /// Generalized gravity forces g(q) and velocity-product forces −c(q, u), convention M·u̇ = g + (−c) + τ.
    public func biasForces(_ d: inout SimData) -> (gravity: [Double], velocity: [Double]) {
        updateKinematics(&d)
        clearForces(&d)
        projectBodyForces(&d, gravity: true, inertial: false)
        let g = d.generalized
        clearForces(&d)
        projectBodyForces(&d, gravity: false, inertial: true)
        return (g, d.generalized)
    }

    @inline(__always) func clearForces(_ d: inout SimData) {
        for b in bodies.indices { d.bodyForce[b] = .zero; d.bodyMoment[b] = .zero }
        for k in 0..<coordinateCount { d.generalized[k] = 0 }
    }

    /// u̇ from M·u̇ = τ over the unlocked coordinates (locked ones have u̇ = 0), by Cholesky factorization.
    /// Returns false if the mass matrix is not positive definite.
    func solveAccelerations(_ d: inout SimData) -> Bool {
        let n = coordinateCount, free = d.free, m = free.count
        for a in 0..<m { for b in 0...a { d.factor[a * m + b] = d.massMatrix[free[a] * n + free[b]] } }
        for a in 0..<m {
            var s = d.factor[a * m + a]
            for k in 0..<a { s -= d.factor[a * m + k] * d.factor[a * m + k] }
            guard s > 0 else { return false }
            let diag = s.squareRoot()
            d.factor[a * m + a] = diag
            for b in (a + 1)..<max(m, a + 1) {
                var t = d.factor[b * m + a]
                for k in 0..<a { t -= d.factor[b * m + k] * d.factor[a * m + k] }
                d.factor[b * m + a] = t / diag
            }
        }
        for k in 0..<n { d.udot[k] = 0 }
        // Forward then back substitution, using udot's free slots as the vector.
        for a in 0..<m {
            var s = d.generalized[free[a]]
            for k in 0..<a { s -= d.factor[a * m + k] * d.udot[free[k]] }
            d.udot[free[a]] = s / d.factor[a * m + a]
        }
        for a in stride(from: m - 1, through: 0, by: -1) {
            var s = d.udot[free[a]]
            for k in (a + 1)..<max(m, a + 1) { s -= d.factor[k * m + a] * d.udot[free[k]] }
            d.udot[free[a]] = s / d.factor[a * m + a]
        }
        return true
    }
}

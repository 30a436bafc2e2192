extension Model {
    /// Generalized forces of the body forces accumulated in `data` (plus gravity and the velocity-product terms
    /// when asked), added into `data.generalized`: Σ over bodies of Jᵀ·(F, M), computed by summing each subtree's
    /// force and moment (about ground) and projecting onto every joint's motion columns.
    func projectBodyForces(_ d: inout SimData, gravity includeGravity: Bool, inertial includeInertial: Bool) {
        if let planar {
            planar.projectBodyForces(self, &d, gravity: includeGravity, inertial: includeInertial)
        } else {
            generalProjectBodyForces(&d, gravity: includeGravity, inertial: includeInertial)
        }
    }

    /// `projectBodyForces` in three dimensions, for any model (the reference the planar routine is held to).
    func generalProjectBodyForces(_ d: inout SimData, gravity includeGravity: Bool, inertial includeInertial: Bool) {
        let g = gravity, s = d.scratch
        let (rotation, origin, angularVelocity, angularBias, linearBias) = (s.rotation, s.origin, s.angularVelocity, s.angularBias, s.linearBias)
        let (jointOrigin, columnAngular, columnLinear) = (s.jointOrigin, s.columnAngular, s.columnLinear)
        let (bodyForce, bodyMoment, generalized) = (s.bodyForce, s.bodyMoment, s.generalized)
        if includeGravity || includeInertial { foldedBodies.withUnsafeBufferPointer { bodies in massive.withUnsafeBufferPointer { massive in
            for b in massive {
                let mass = bodies[b].mass, rotation = rotation[b]
                let r = rotation * bodies[b].massCenter
                let c = origin[b] + r
                var f = Vec3.zero, m = Vec3.zero
                if includeGravity { f += mass * g }
                if includeInertial {
                    // −m·a_c and −(I·α + ω × I·ω) with the accelerations of q̈ = 0.
                    let w = angularVelocity[b], alpha = angularBias[b]
                    let ac = linearBias[b] + cross(alpha, r) + cross(w, cross(w, r))
                    let inertia = rotation * bodies[b].inertia * rotation.transposed
                    f -= mass * ac
                    m -= inertia * alpha + cross(w, inertia * w)
                }
                bodyForce[b] += f
                bodyMoment[b] += m + cross(c, f)
            }
        } } }
        // Subtree sums, children before parents.
        joints.withUnsafeBufferPointer { joints in
            for j in joints.indices.reversed() {
                let b = joints[j].child, parent = joints[j].parent
                let fSub = bodyForce[b], mSub = bodyMoment[b]
                let mAtJoint = mSub - cross(jointOrigin[j], fSub)
                for k in joints[j].coordinates {
                    // Power of the subtree wrench in the joint's unit motion: ω_k·(M − p_M × F) + v_k·F.
                    generalized[k] += dot(columnAngular[k], mAtJoint) + dot(columnLinear[k], fSub)
                }
                if parent >= 0 {
                    bodyForce[parent] += fSub
                    bodyMoment[parent] += mSub
                }
            }
        }
    }

    /// Joint-space mass matrix M(q) into `data.massMatrix` (needs `updateKinematics`), by composite rigid bodies:
    /// each joint's columns see the whole subtree it moves as one body. With subtree mass m, first moment h = Σm·c and
    /// inertia J about the ground origin, and motion columns (ω, v) taken at the ground origin,
    /// M_kl = m·v_k·v_l + v_k·(ω_l × h) + v_l·(ω_k × h) + ω_k·J·ω_l (Featherstone's CRBA in ground coordinates).
    func computeMassMatrix(_ d: inout SimData) {
        if let planar { planar.massMatrix(self, &d) } else { generalMassMatrix(&d) }
    }

    /// `computeMassMatrix` in three dimensions, for any model (the reference the planar routine is held to).
    func generalMassMatrix(_ d: inout SimData) {
        let n = coordinateCount, s = d.scratch
        let (rotation, origin, jointOrigin, columnAngular, columnLinear) = (s.rotation, s.origin, s.jointOrigin, s.columnAngular, s.columnLinear)
        let (compositeMass, compositeMoment, compositeInertia) = (s.compositeMass, s.compositeMoment, s.compositeInertia)
        let (originColumn, massMatrix) = (s.originColumn, s.massMatrix)
        foldedBodies.withUnsafeBufferPointer { bodies in joints.withUnsafeBufferPointer { joints in
            // Entries off the tree's chains are never written: they stay zero from the scratch's allocation.
            for b in bodies.indices {
                let r = rotation[b], mass = bodies[b].mass
                guard mass > 0 else {  // folded into its parent
                    compositeMass[b] = 0; compositeMoment[b] = .zero; compositeInertia[b] = Mat3(.zero, .zero, .zero)
                    continue
                }
                let c = origin[b] + r * bodies[b].massCenter
                let inertia = r * bodies[b].inertia * r.transposed
                let cc = dot(c, c)
                compositeMass[b] = mass
                compositeMoment[b] = mass * c
                compositeInertia[b] = Mat3(inertia.r0 + mass * (Vec3(cc, 0, 0) - c.x * c),
                                           inertia.r1 + mass * (Vec3(0, cc, 0) - c.y * c),
                                           inertia.r2 + mass * (Vec3(0, 0, cc) - c.z * c))
            }
            for j in joints.indices.reversed() where joints[j].parent >= 0 {
                let p = joints[j].parent, b = joints[j].child
                compositeMass[p] += compositeMass[b]
                compositeMoment[p] += compositeMoment[b]
                let a = compositeInertia[p], c = compositeInertia[b]
                compositeInertia[p] = Mat3(a.r0 + c.r0, a.r1 + c.r1, a.r2 + c.r2)
            }
            // Every column's linear part taken at the ground origin, once.
            for j in joints.indices {
                for k in joints[j].coordinates { originColumn[k] = columnLinear[k] - cross(columnAngular[k], jointOrigin[j]) }
            }
            for j in joints.indices {
                let b = joints[j].child
                let m = compositeMass[b], h = compositeMoment[b], inertia = compositeInertia[b]
                for k in joints[j].coordinates {
                    let wk = columnAngular[k], vk = originColumn[k]
                    // With v_k·(ω_l × h) = ω_l·(h × v_k), each pair below costs four dot products.
                    let jw = inertia * wk, wkh = cross(wk, h), hvk = cross(h, vk), mvk = m * vk
                    var i = j
                    while i >= 0 {
                        for l in joints[i].coordinates where i != j || l <= k {
                            let wl = columnAngular[l], vl = originColumn[l]
                            let value = dot(mvk, vl) + dot(wl, hvk) + dot(vl, wkh) + dot(jw, wl)
                            massMatrix[k * n + l] = value
                            massMatrix[l * n + k] = value
                        }
                        i = joints[i].parent
                    }
                }
            }
        } }
    }

    /// Mass matrix (for tests and tools).
    public func massMatrix(_ d: inout SimData) -> [Double] {
        updateKinematics(&d); computeMassMatrix(&d); return d.scratch.massMatrix.array
    }

    /// Generalized gravity forces g(q) and velocity-product forces −c(q, u), convention M·u̇ = g + (−c) + τ.
    public func biasForces(_ d: inout SimData) -> (gravity: [Double], velocity: [Double]) {
        updateKinematics(&d)
        clearForces(&d)
        projectBodyForces(&d, gravity: true, inertial: false)
        let g = d.scratch.generalized.array
        clearForces(&d)
        projectBodyForces(&d, gravity: false, inertial: true)
        return (g, d.scratch.generalized.array)
    }

    @inline(__always) func clearForces(_ d: inout SimData) {
        let s = d.scratch
        for b in bodies.indices { s.bodyForce[b] = .zero; s.bodyMoment[b] = .zero }
        for k in 0..<coordinateCount { s.generalized[k] = 0 }
    }

    /// u̇ from M·u̇ = τ over the unlocked coordinates (locked ones have u̇ = 0), by the factorization M = LᵀL that
    /// follows the tree (Featherstone, Rigid Body Dynamics Algorithms, 2008, §6.5, "LTL"): eliminating from the leaves,
    /// L keeps M's sparsity (row k holds k's ancestors only), where a Cholesky factorization from the root fills in
    /// between branches. Returns false if the mass matrix is not positive definite.
    func solveAccelerations(_ d: inout SimData) -> Bool {
        let s = d.scratch, n = coordinateCount, m = s.unlocked.count
        let (free, massMatrix, factor) = (s.unlocked, s.massMatrix, s.factor)
        let ok = freeParent.withUnsafeBufferPointer { parent in
            for a in 0..<m {
                var b = a
                while b >= 0 { factor[a * m + b] = massMatrix[free[a] * n + free[b]]; b = parent[b] }
            }
            for k in stride(from: m - 1, through: 0, by: -1) {
                let pivot = factor[k * m + k]
                guard pivot > 0 else { return false }
                let diagonal = pivot.squareRoot()
                factor[k * m + k] = diagonal
                var i = parent[k]
                while i >= 0 { factor[k * m + i] /= diagonal; i = parent[i] }
                i = parent[k]
                while i >= 0 {
                    let lki = factor[k * m + i]
                    var j = i
                    while j >= 0 { factor[i * m + j] -= lki * factor[k * m + j]; j = parent[j] }
                    i = parent[i]
                }
            }
            return true
        }
        guard ok else { return false }
        for k in 0..<n { s.udot[k] = s.generalized[k] }
        substitute(s.udot, s)
        return true
    }

    /// x ← M⁻¹x with the factor `solveAccelerations` left in `s`, in place: Lᵀy = x from the leaves, then Lx = y
    /// from the root. Locked coordinates get 0.
    func substitute(_ x: Buffer<Double>, _ s: Scratch) {
        let (factor, free, m) = (s.factor, s.unlocked, s.unlocked.count)
        var lockedAt = 0
        for k in x.indices {  // locked coordinates do not accelerate
            if lockedAt < m && free[lockedAt] == k { lockedAt += 1 } else { x[k] = 0 }
        }
        freeParent.withUnsafeBufferPointer { parent in
            for k in stride(from: m - 1, through: 0, by: -1) {
                let y = x[free[k]] / factor[k * m + k]
                x[free[k]] = y
                var j = parent[k]
                while j >= 0 { x[free[j]] -= factor[k * m + j] * y; j = parent[j] }
            }
            for k in 0..<m {
                var sum = x[free[k]], j = parent[k]
                while j >= 0 { sum -= factor[k * m + j] * x[free[j]]; j = parent[j] }
                x[free[k]] = sum / factor[k * m + k]
            }
        }
    }

    /// `substitute` on an array.
    func substitute(_ x: inout [Double], _ s: Scratch) {
        x.withUnsafeMutableBufferPointer { x in substitute(Buffer(base: x.baseAddress!, count: x.count), s) }
    }
}

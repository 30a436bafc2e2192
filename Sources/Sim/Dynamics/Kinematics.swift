extension Model {
    /// Forward kinematics from `data.q`, `data.u`: body poses and velocities, joint motion columns, and the
    /// velocity-product accelerations, walking the tree from ground (bodies are in topological order).
    public func updateKinematics(_ d: inout SimData) {
        d.ownScratch()
        d.generation &+= 1
        if let planar { planar.kinematics(self, &d) } else { generalKinematics(&d) }
        placePathPoints(&d)
    }

    /// Ground position and velocity of every muscle path point and whether it is active, in one pass over all paths:
    /// a point fixed on a body only follows the body; a moving point (a few) goes through its path's functions.
    func placePathPoints(_ d: inout SimData) {
        let planar = self.planar != nil  // bodies turn about z only: the 2D turn of the location is enough
        let s = d.scratch
        let (rotation, origin, velocity, angularVelocity) = (s.rotation, s.origin, s.velocity, s.angularVelocity)
        let (position, pointVelocity, active) = (s.placedPosition, s.placedVelocity, s.placedActive)
        pathSites.withUnsafeBufferPointer { sites in d.q.withUnsafeBufferPointer { q in
            // Unconditional points are active from the scratch's creation on.
            for i in conditionalSites {
                let value = q[sites[i].condition]
                active[i] = value >= sites[i].lower && value <= sites[i].upper
            }
            for i in placedSites where active[i] {
                let b = sites[i].body, l = sites[i].location
                guard b >= 0 else { position[i] = l; pointVelocity[i] = .zero; continue }
                if planar {
                    let c = rotation[b].r0.x, s = rotation[b].r1.x, w = angularVelocity[b].z
                    let r = Vec3(c * l.x - s * l.y, s * l.x + c * l.y, l.z)
                    position[i] = origin[b] + r
                    pointVelocity[i] = velocity[b] + Vec3(-w * r.y, w * r.x, 0)
                } else {
                    let r = rotation[b] * l
                    position[i] = origin[b] + r
                    pointVelocity[i] = velocity[b] + cross(angularVelocity[b], r)
                }
            }
        } }
        for m in movingPathPoints.indices {
            movingPathPoints[m].path.placeMoving(point: movingPathPoints[m].point, at: movingPathPoints[m].site, d)
        }
    }

    /// `updateKinematics` with 3×3 rotations, for any model (the reference the planar routine is held to).
    func generalKinematics(_ d: inout SimData) {
        let s = d.scratch
        for c in 0..<coordinateCount { s.columnAngular[c] = .zero; s.columnLinear[c] = .zero }
        // Joints and their plans are read in place (joints[j].field): binding one would copy it and retain its arrays.
        for j in joints.indices {
            let b = joints[j].child, p = joints[j].parent
            let pR: Mat3, pO: Vec3, pW: Vec3, pV: Vec3, pA: Vec3, pLA: Vec3
            if p < 0 {
                (pR, pO, pW, pV, pA, pLA) = (.identity, .zero, .zero, .zero, .zero, .zero)
            } else {
                (pR, pO, pW, pV, pA, pLA) = (s.rotation[p], s.origin[p], s.angularVelocity[p], s.velocity[p], s.angularBias[p], s.linearBias[p])
            }
            if let fixed = plans[j].fixed {
                // The child moves with its parent: one placement, and the parent's motion carried to the new origin.
                let r = pR * fixed.offset
                s.rotation[b] = pR * fixed.rotation; s.origin[b] = pO + r
                s.angularVelocity[b] = pW; s.velocity[b] = pV + cross(pW, r)
                s.angularBias[b] = pA; s.linearBias[b] = pLA + cross(pA, r) + cross(pW, cross(pW, r))
                s.jointOrigin[j] = pO + pR * fixed.jointOrigin
                continue
            }
            // Joint transform X_FM(q) and its rates, in F. Each rotation axis is carried by the rotations before it.
            // The velocity-product term of the axis in slot r is (ω_r × a)·ḟ + a·f''·q̇², where ω_r is, as Simbody's
            // FunctionBased mobilizer takes it (OpenSim's CustomJoint), the angular velocity of the joint's first
            // coordinate for slot 1 and of all its coordinates but the third for slot 2: the rotation before the axis
            // when each coordinate turns its own axis, an approximation when one coordinate turns several (a walker
            // knee), which we follow so the answers agree. Source: Simbody MobilizedBody_FunctionBased buildHdot.
            var rFM = Mat3.identity, rotated = false
            var wFM = Vec3.zero, wBias = Vec3.zero
            // Simbody's case only: the angular velocities that carry slots 1 and 2, and those slots' own rates.
            var wFirst = Vec3.zero, wButThird = Vec3.zero, slot1 = Vec3.zero, slot2 = Vec3.zero
            for r in plans[j].rotations.indices {
                let axis = plans[j].rotations[r].axis
                var value: Double
                if let c = plans[j].rotations[r].coordinate, plans[j].angularSpeeds {
                    // u is ω_FM along F's axis: a fixed column, no velocity-product term.
                    value = d.q[c]
                    s.columnAngular[c] += axis
                    wFM += axis * d.u[c]
                } else if let c = plans[j].rotations[r].coordinate {
                    let a = rotated ? rFM * axis : axis
                    let (f, df, ddf) = plans[j].rotations[r].evaluate(d.q[c])
                    value = f
                    let rate = df * d.u[c]
                    s.columnAngular[c] += a * df
                    // d/dt (a·ḟ) = (ω_before × a)·ḟ + a·f''·q̇²  (the q̈ part belongs to the column).
                    if plans[j].slotPerCoordinate {
                        wBias += cross(wFM, a * rate)
                    } else {
                        if c == plans[j].firstCoordinate { wFirst += a * rate }
                        if c != plans[j].thirdCoordinate { wButThird += a * rate }
                        if plans[j].rotationSlots[r] == 1 { slot1 += a * rate } else if plans[j].rotationSlots[r] == 2 { slot2 += a * rate }
                    }
                    wBias += a * (ddf * d.u[c] * d.u[c])
                    wFM += a * rate
                } else {
                    value = plans[j].rotations[r].constantValue
                }
                if value != 0 {
                    let turn = Mat3.rotation(axis: axis, angle: value)
                    rFM = rotated ? rFM * turn : turn
                    rotated = true
                }
            }
            if !plans[j].slotPerCoordinate { wBias += cross(wFirst, slot1) + cross(wButThird, slot2) }
            var pFM = plans[j].fixedTranslation, vFM = Vec3.zero, vBias = Vec3.zero
            for t in plans[j].translations.indices {
                let axis = plans[j].translations[t].axis, c = plans[j].translations[t].coordinate!
                let (f, df, ddf) = plans[j].translations[t].evaluate(d.q[c])
                pFM += axis * f
                vFM += axis * (df * d.u[c])
                s.columnLinear[c] += axis * df
                vBias += axis * (ddf * d.u[c] * d.u[c])
            }
            // Into ground.
            let rGF = plans[j].parentFrameAligned ? pR : pR * joints[j].parentRotation
            let oF = pO + pR * joints[j].parentOffset
            let rG = rGF * pFM
            let oM = oF + rG
            let rGM = rotated ? rGF * rFM : rGF
            let rB = plans[j].childFrameAligned ? rGM : rGM * joints[j].childRotation.transposed
            let oB = oM - rB * joints[j].childOffset
            let wRel = rGF * wFM, vRel = rGF * vFM
            let w = pW + wRel
            let fromParent = oF - pO
            let vM = pV + cross(pW, fromParent + rG) + vRel
            let alpha = pA + cross(pW, wRel) + rGF * wBias
            let aF = pLA + cross(pA, fromParent) + cross(pW, cross(pW, fromParent))
            let aM = aF + cross(pA, rG) + cross(pW, cross(pW, rG)) + 2 * cross(pW, vRel) + rGF * vBias
            let mToB = oB - oM
            s.rotation[b] = rB; s.origin[b] = oB; s.angularVelocity[b] = w
            s.velocity[b] = vM + cross(w, mToB)
            s.angularBias[b] = alpha
            s.linearBias[b] = aM + cross(alpha, mToB) + cross(w, cross(w, mToB))
            s.jointOrigin[j] = oM
            for c in joints[j].coordinates {
                s.columnAngular[c] = rGF * s.columnAngular[c]
                s.columnLinear[c] = rGF * s.columnLinear[c]
            }
        }
    }

    /// Whole-model centre of mass position and velocity in ground.
    public func centerOfMass(_ d: SimData) -> (position: Vec3, velocity: Vec3) {
        var p = Vec3.zero, v = Vec3.zero, m = 0.0
        for (i, body) in bodies.enumerated() {
            p += body.mass * d.position(of: body.massCenter, on: i)
            v += body.mass * d.velocity(of: body.massCenter, on: i)
            m += body.mass
        }
        return (p / m, v / m)
    }
}

extension Model {
    /// Linear-velocity Jacobian of a point fixed on `body` (body frame): column k is the point's velocity in ground
    /// per unit speed of coordinate k (zero for coordinates not between the body and ground). Needs `updateKinematics`.
    public func pointJacobian(_ d: SimData, body: Int, point: Vec3) -> [Vec3] {
        var columns = [Vec3](repeating: .zero, count: coordinateCount)
        let x = d.position(of: point, on: body)
        var j = body
        while j >= 0 {
            for k in joints[j].coordinates { columns[k] = d.scratch.columnLinear[k] + cross(d.scratch.columnAngular[k], x - d.scratch.jointOrigin[j]) }
            j = joints[j].parent
        }
        return columns
    }
}

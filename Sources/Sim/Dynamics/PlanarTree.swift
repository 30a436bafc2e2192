import Foundation

/// A model whose bodies all move in the ground's x-y plane: every joint frame is turned about z only, every rotation
/// axis is z and every coordinate-driven translation lies in x-y (constant offsets may leave the plane), and gravity
/// lies in the plane. The planar gait model is one. For such a model kinematics, the mass matrix and the projection
/// of body forces run on angles and plane vectors instead of 3×3 rotations, with the same results: the general
/// routines stay the reference, and a test holds the two together on every planar built-in model.
struct PlanarTree {
    struct JointData {
        /// Angles of F in the parent body and of M in the child body, with their cosines and sines.
        let parentAngle: Double, parentCos: Double, parentSin: Double
        let childAngle: Double
        let parentOffset: Vec3, childOffset: Vec3
        /// The rotation axes driven by a coordinate (all about ±z: `sign`), and the constant turn of the others.
        let rotations: [(axis: TransformAxis, sign: Double)]
        let fixedAngle: Double
        /// The translations driven by a coordinate (in x-y of F) and the constant ones summed (any direction).
        let translations: [TransformAxis]
        let fixedTranslation: Vec3
        /// A joint that no coordinate moves: the child's angle and origin in the parent body, and the joint origin M.
        let weld: (angle: Double, cos: Double, sin: Double, offset: Vec3, jointOrigin: Vec3)?
    }
    let joints: [JointData]
    /// Per body, the folded mass properties in the plane: mass, centre of mass (body frame) and inertia about z
    /// through the centre of mass.
    let mass: [Double], center: [Vec3], inertiaZ: [Double]
    let gravity: Vec3

    /// nil when the model is not planar in this sense.
    init?(joints modelJoints: [Joint], plans: [JointPlan], foldedBodies: [Body], gravity: Vec3) {
        let tolerance = 1e-12
        func zAngle(_ r: Mat3) -> Double? {
            guard abs(r.r0.z) < tolerance, abs(r.r1.z) < tolerance, abs(r.r2.x) < tolerance, abs(r.r2.y) < tolerance,
                  abs(r.r2.z - 1) < tolerance else { return nil }
            return atan2(r.r1.x, r.r0.x)
        }
        func isZ(_ axis: Vec3) -> Bool { abs(axis.x) < tolerance && abs(axis.y) < tolerance }
        guard abs(gravity.z) < tolerance else { return nil }
        var data: [JointData] = []
        for (j, joint) in modelJoints.enumerated() {
            let plan = plans[j]
            guard let parentAngle = zAngle(joint.parentRotation), let childAngle = zAngle(joint.childRotation),
                  plan.rotations.allSatisfy({ isZ($0.axis) }), plan.translations.allSatisfy({ abs($0.axis.z) < tolerance })
            else { return nil }
            var weld: (Double, Double, Double, Vec3, Vec3)?
            if let fixed = plan.fixed {
                guard let angle = zAngle(fixed.rotation) else { return nil }
                weld = (angle, cos(angle), sin(angle), fixed.offset, fixed.jointOrigin)
            }
            let driven = plan.rotations.filter { $0.coordinate != nil }
            let fixedAngle = plan.rotations.filter { $0.coordinate == nil }.reduce(0) { $0 + $1.axis.z * $1.constantValue }
            data.append(JointData(parentAngle: parentAngle, parentCos: cos(parentAngle), parentSin: sin(parentAngle),
                                  childAngle: childAngle, parentOffset: joint.parentOffset, childOffset: joint.childOffset,
                                  rotations: driven.map { ($0, $0.axis.z) }, fixedAngle: fixedAngle,
                                  translations: plan.translations, fixedTranslation: plan.fixedTranslation, weld: weld))
        }
        joints = data
        mass = foldedBodies.map(\.mass); center = foldedBodies.map(\.massCenter)
        inertiaZ = foldedBodies.map(\.inertia.r2.z)
        self.gravity = gravity
    }

    /// (x, y) turned by the angle with this cosine and sine; z kept.
    @inline(__always) static func turn(_ v: Vec3, _ c: Double, _ s: Double) -> Vec3 {
        Vec3(c * v.x - s * v.y, s * v.x + c * v.y, v.z)
    }
    /// ω·ẑ × v for a turn rate ω about z (in the plane).
    @inline(__always) static func spin(_ w: Double, _ v: Vec3) -> Vec3 { Vec3(-w * v.y, w * v.x, 0) }
    /// ẑ·(a × b).
    @inline(__always) static func crossZ(_ a: Vec3, _ b: Vec3) -> Double { a.x * b.y - a.y * b.x }

    /// `Model.updateKinematics` for this planar model: the same quantities, written as 3D values.
    func kinematics(_ model: Model, _ d: inout SimData) {
        let s = d.scratch
        let (rotation, origin, bodyAngle, angularVelocity, velocity) = (s.rotation, s.origin, s.angle, s.angularVelocity, s.velocity)
        let (angularBias, linearBias, jointOrigin, columnAngular, columnLinear) = (s.angularBias, s.linearBias, s.jointOrigin, s.columnAngular, s.columnLinear)
        model.joints.withUnsafeBufferPointer { modelJoints in joints.withUnsafeBufferPointer { joints in
        d.q.withUnsafeBufferPointer { q in d.u.withUnsafeBufferPointer { u in
            for c in columnAngular.indices { columnAngular[c] = .zero; columnLinear[c] = .zero }
            for j in joints.indices {
                let b = modelJoints[j].child, p = modelJoints[j].parent
                // The parent's angle (its cosine and sine), origin, turn rate, velocity and the q̈ = 0 accelerations.
                var pAngle = 0.0, pC = 1.0, pS = 0.0, pO = Vec3.zero, pW = 0.0, pV = Vec3.zero, pA = 0.0, pLA = Vec3.zero
                if p >= 0 {
                    pC = rotation[p].r0.x; pS = rotation[p].r1.x; pAngle = bodyAngle[p]
                    pO = origin[p]; pW = angularVelocity[p].z; pV = velocity[p]; pA = angularBias[p].z; pLA = linearBias[p]
                }
                if let weld = joints[j].weld {
                    let r = Self.turn(weld.offset, pC, pS)
                    let c = pC * weld.cos - pS * weld.sin, s = pS * weld.cos + pC * weld.sin
                    rotation[b] = Mat3(Vec3(c, -s, 0), Vec3(s, c, 0), Vec3(0, 0, 1)); origin[b] = pO + r
                    bodyAngle[b] = pAngle + weld.angle
                    angularVelocity[b] = Vec3(0, 0, pW); velocity[b] = pV + Self.spin(pW, r)
                    angularBias[b] = Vec3(0, 0, pA); linearBias[b] = pLA + Self.spin(pA, r) - pW * pW * Vec3(r.x, r.y, 0)
                    jointOrigin[j] = pO + Self.turn(weld.jointOrigin, pC, pS)
                    continue
                }
                // Frame F, then the joint's turn (about z, so turns add) and its slide in F.
                let fC = pC * joints[j].parentCos - pS * joints[j].parentSin, fS = pS * joints[j].parentCos + pC * joints[j].parentSin
                var angle = joints[j].fixedAngle, rate = 0.0, bias = 0.0
                for r in joints[j].rotations.indices {
                    let c = joints[j].rotations[r].axis.coordinate!, sign = joints[j].rotations[r].sign
                    let (f, df, ddf) = joints[j].rotations[r].axis.evaluate(q[c])
                    angle += sign * f; rate += sign * df * u[c]; bias += sign * ddf * u[c] * u[c]
                    columnAngular[c].z += sign * df
                }
                var pFM = joints[j].fixedTranslation, vFM = Vec3.zero, vBias = Vec3.zero
                for t in joints[j].translations.indices {
                    let axis = joints[j].translations[t].axis, c = joints[j].translations[t].coordinate!
                    let (f, df, ddf) = joints[j].translations[t].evaluate(q[c])
                    pFM += axis * f; vFM += axis * (df * u[c]); vBias += axis * (ddf * u[c] * u[c])
                    columnLinear[c] += Self.turn(axis * df, fC, fS)
                }
                let oF = pO + Self.turn(joints[j].parentOffset, pC, pS)
                let rG = Self.turn(pFM, fC, fS), oM = oF + rG
                let angleB = pAngle + joints[j].parentAngle + angle - joints[j].childAngle
                let (bS, bC) = sinCos(angleB)
                let oB = oM - Self.turn(joints[j].childOffset, bC, bS)
                let vRel = Self.turn(vFM, fC, fS), w = pW + rate, alpha = pA + bias
                let reach = oM - pO  // parent origin to M
                let vM = pV + Self.spin(pW, reach) + vRel
                let aM = pLA + Self.spin(pA, reach) - pW * pW * Vec3(reach.x, reach.y, 0) + 2 * Self.spin(pW, vRel)
                    + Self.turn(vBias, fC, fS)
                let mToB = oB - oM
                rotation[b] = Mat3(Vec3(bC, -bS, 0), Vec3(bS, bC, 0), Vec3(0, 0, 1)); origin[b] = oB; bodyAngle[b] = angleB
                angularVelocity[b] = Vec3(0, 0, w); velocity[b] = vM + Self.spin(w, mToB)
                angularBias[b] = Vec3(0, 0, alpha)
                linearBias[b] = aM + Self.spin(alpha, mToB) - w * w * Vec3(mToB.x, mToB.y, 0)
                jointOrigin[j] = oM
            }
        } } } }
    }

    /// `Model.computeMassMatrix` for this planar model: composite rigid bodies with plane first moments and inertias
    /// about the ground origin's z axis.
    func massMatrix(_ model: Model, _ d: inout SimData) {
        let n = model.coordinateCount, s = d.scratch
        let (rotation, origin, jointOrigin, columnAngular, columnLinear) = (s.rotation, s.origin, s.jointOrigin, s.columnAngular, s.columnLinear)
        let (originColumn, compositeMass, compositeMoment) = (s.originColumn, s.compositeMass, s.compositeMoment)
        let (compositeInertia, massMatrix) = (s.compositeInertiaZ, s.massMatrix)
        model.joints.withUnsafeBufferPointer { joints in
        mass.withUnsafeBufferPointer { mass in center.withUnsafeBufferPointer { center in inertiaZ.withUnsafeBufferPointer { inertiaZ in
            // Entries off the tree's chains are never written: they stay zero from the scratch's allocation.
            for b in mass.indices {
                guard mass[b] > 0 else { compositeMass[b] = 0; compositeMoment[b] = .zero; compositeInertia[b] = 0; continue }
                let c = origin[b] + rotation[b] * center[b]
                compositeMass[b] = mass[b]
                compositeMoment[b] = Vec3(mass[b] * c.x, mass[b] * c.y, 0)
                compositeInertia[b] = inertiaZ[b] + mass[b] * (c.x * c.x + c.y * c.y)
            }
            for j in joints.indices.reversed() where joints[j].parent >= 0 {
                let p = joints[j].parent, b = joints[j].child
                compositeMass[p] += compositeMass[b]; compositeMoment[p] += compositeMoment[b]
                compositeInertia[p] += compositeInertia[b]
            }
            for j in joints.indices {
                for k in joints[j].coordinates { originColumn[k] = columnLinear[k] - Self.spin(columnAngular[k].z, jointOrigin[j]) }
            }
            for j in joints.indices {
                let b = joints[j].child
                let m = compositeMass[b], h = compositeMoment[b], inertia = compositeInertia[b]
                for k in joints[j].coordinates {
                    let wk = columnAngular[k].z, vk = originColumn[k]
                    // M_kl = m·v_k·v_l + v_k·(ω_l × h) + v_l·(ω_k × h) + ω_k·J·ω_l, all in the plane.
                    let hvk = Self.crossZ(h, vk), wkh = Self.spin(wk, h), jw = inertia * wk, mvk = m * vk
                    var i = j
                    while i >= 0 {
                        for l in joints[i].coordinates where i != j || l <= k {
                            let wl = columnAngular[l].z, vl = originColumn[l]
                            let value = mvk.x * vl.x + mvk.y * vl.y + wl * hvk + vl.x * wkh.x + vl.y * wkh.y + jw * wl
                            massMatrix[k * n + l] = value
                            massMatrix[l * n + k] = value
                        }
                        i = joints[i].parent
                    }
                }
            }
        } } } }
    }

    /// `Model.projectBodyForces` for this planar model: only the plane components of the body forces and the z
    /// moments act on its coordinates.
    func projectBodyForces(_ model: Model, _ d: inout SimData, gravity includeGravity: Bool, inertial includeInertial: Bool) {
        let g = gravity, s = d.scratch
        let (rotation, origin, angularVelocity, angularBias, linearBias) = (s.rotation, s.origin, s.angularVelocity, s.angularBias, s.linearBias)
        let (jointOrigin, columnAngular, columnLinear) = (s.jointOrigin, s.columnAngular, s.columnLinear)
        let (bodyForce, bodyMoment, generalized) = (s.bodyForce, s.bodyMoment, s.generalized)
        model.joints.withUnsafeBufferPointer { joints in
        mass.withUnsafeBufferPointer { mass in center.withUnsafeBufferPointer { center in inertiaZ.withUnsafeBufferPointer { inertiaZ in
            if includeGravity || includeInertial {
                for b in mass.indices where mass[b] > 0 {
                    let r = rotation[b] * center[b]
                    let c = origin[b] + r
                    var f = Vec3.zero, moment = 0.0
                    if includeGravity { f += mass[b] * g }
                    if includeInertial {
                        // −m·a_c and −I·α with the accelerations of q̈ = 0 (ω × I·ω has no z part in the plane).
                        let w = angularVelocity[b].z, alpha = angularBias[b].z
                        let ac = linearBias[b] + Self.spin(alpha, r) - w * w * Vec3(r.x, r.y, 0)
                        f -= mass[b] * ac
                        moment -= inertiaZ[b] * alpha
                    }
                    bodyForce[b] += f
                    bodyMoment[b].z += moment + Self.crossZ(c, f)
                }
            }
            for j in joints.indices.reversed() {
                let b = joints[j].child, parent = joints[j].parent
                let fSub = bodyForce[b], mSub = bodyMoment[b]
                let mAtJoint = mSub.z - Self.crossZ(jointOrigin[j], fSub)
                for k in joints[j].coordinates {
                    generalized[k] += columnAngular[k].z * mAtJoint + columnLinear[k].x * fSub.x + columnLinear[k].y * fSub.y
                }
                if parent >= 0 {
                    bodyForce[parent] += fSub
                    bodyMoment[parent] += mSub
                }
            }
        } } } }
    }
}

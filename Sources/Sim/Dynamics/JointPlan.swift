/// A joint as the kinematics evaluates it, prepared once per model. Rotation axes held at a constant zero angle are
/// dropped (they are the identity), constant translations are summed, and a joint whose transform depends on no
/// coordinate (a weld, or a custom joint of constants) becomes one fixed placement of its child in its parent.
struct JointPlan {
    /// The rotation axes that can turn, in order (each is carried by the ones before it), and each one's place among
    /// the joint's rotation axes (Simbody's slot, which its velocity-product terms depend on: `generalKinematics`).
    let rotations: [TransformAxis]
    let rotationSlots: [Int]
    /// Whether the rotation in slot k, where one turns, is the joint's k-th coordinate's alone (pin, ball, hip-like
    /// joints): then Simbody's velocity-product terms are the exact ones, and the kinematics takes its short path.
    let slotPerCoordinate: Bool
    /// The joint's first and third coordinates (−1 where it has none), for Simbody's velocity-product terms.
    let firstCoordinate: Int, thirdCoordinate: Int
    /// `Joint.angularVelocitySpeeds`: the rotation columns are F's axes, fixed, and carry no velocity-product term.
    let angularSpeeds: Bool
    /// The translation axes driven by a coordinate.
    let translations: [TransformAxis]
    /// The sum of the constant translations, in F.
    let fixedTranslation: Vec3
    let parentFrameAligned: Bool, childFrameAligned: Bool
    /// For a fixed joint: the child body's rotation and origin, and the joint origin M, in the parent body's frame.
    let fixed: (rotation: Mat3, offset: Vec3, jointOrigin: Vec3)?

    init(_ joint: Joint) {
        parentFrameAligned = joint.parentRotation == .identity
        childFrameAligned = joint.childRotation == .identity
        let kept = joint.rotations.indices.filter { joint.rotations[$0].coordinate != nil || joint.rotations[$0].constantValue != 0 }
        angularSpeeds = joint.angularVelocitySpeeds
        firstCoordinate = joint.coordinates.first ?? -1
        thirdCoordinate = joint.coordinates.count > 2 ? joint.coordinates[2] : -1
        rotations = kept.map { joint.rotations[$0] }
        rotationSlots = kept
        slotPerCoordinate = kept.allSatisfy { k in
            guard let c = joint.rotations[k].coordinate else { return true }
            return k < joint.coordinates.count && joint.coordinates[k] == c
                && joint.rotations.indices.allSatisfy { $0 == k || joint.rotations[$0].coordinate != c }
        }
        translations = joint.translations.filter { $0.coordinate != nil }
        fixedTranslation = joint.translations.filter { $0.coordinate == nil }
            .reduce(Vec3.zero) { $0 + $1.axis * $1.constantValue }
        guard joint.coordinates.isEmpty, rotations.allSatisfy({ $0.coordinate == nil }), translations.isEmpty else {
            fixed = nil; return
        }
        var rFM = Mat3.identity
        for r in rotations { rFM = rFM * Mat3.rotation(axis: r.axis, angle: r.constantValue) }
        let rotation = joint.parentRotation * rFM * joint.childRotation.transposed
        let jointOrigin = joint.parentOffset + joint.parentRotation * fixedTranslation
        fixed = (rotation, jointOrigin - rotation * joint.childOffset, jointOrigin)
    }
}

extension JointPlan {
    /// The bodies' mass properties with every fixed child folded into its parent (recursively; into nothing when the
    /// parent is ground): one rigid body of the same mass, centre of mass and inertia, so gravity, inertial forces and
    /// the mass matrix visit only the bodies that move on their own. The folded children keep zero mass here.
    static func foldedMassProperties(_ bodies: [Body], _ joints: [Joint], _ plans: [JointPlan]) -> [Body] {
        var folded = bodies
        for j in joints.indices.reversed() {  // children before parents
            guard let fixed = plans[j].fixed else { continue }
            let c = joints[j].child, p = joints[j].parent
            let child = folded[c]
            folded[c] = Body(name: child.name, mass: 0, massCenter: .zero, inertia: Mat3(.zero, .zero, .zero))
            guard p >= 0, child.mass > 0 else { continue }
            let parent = folded[p]
            let m = parent.mass + child.mass
            let childCenter = fixed.offset + fixed.rotation * child.massCenter
            let center = (parent.mass * parent.massCenter + child.mass * childCenter) / m
            // Each part's inertia about the common centre (parallel axes), the child's turned into the parent frame.
            func shifted(_ inertia: Mat3, _ mass: Double, _ d: Vec3) -> Mat3 {
                let dd = dot(d, d)
                return Mat3(inertia.r0 + mass * (Vec3(dd, 0, 0) - d.x * d), inertia.r1 + mass * (Vec3(0, dd, 0) - d.y * d),
                            inertia.r2 + mass * (Vec3(0, 0, dd) - d.z * d))
            }
            let a = shifted(parent.inertia, parent.mass, parent.massCenter - center)
            let b = shifted(fixed.rotation * child.inertia * fixed.rotation.transposed, child.mass, childCenter - center)
            folded[p] = Body(name: parent.name, mass: m, massCenter: center, inertia: Mat3(a.r0 + b.r0, a.r1 + b.r1, a.r2 + b.r2))
        }
        return folded
    }
}

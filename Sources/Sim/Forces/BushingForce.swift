import Foundation

/// A frame fixed on a body (−1: ground): where a two-frame force element attaches.
public struct BodyFrame: Sendable {
    public let body: Int
    public let rotation: Mat3
    public let offset: Vec3

    /// The frame's rotation and origin in ground.
    func pose(_ d: SimData) -> (rotation: Mat3, origin: Vec3) {
        body < 0 ? (rotation, offset) : (d.scratch.rotation[body] * rotation, d.position(of: offset, on: body))
    }
}

/// OpenSim's BushingForce: a linear spring-damper between frame 1 (F) and frame 2 (M) in the six deflections of M
/// from F: the body-fixed X-Y-Z angles of M's rotation in F and M's origin in F, with their time derivatives.
/// f = −K∘dq − D∘dq̇ (element-wise, rotations first); the angle torques act on frame 2 as the moment Nᵀ·f in M
/// (N maps M's angular velocity in M to the angle rates), the translational force at M's origin along F's axes,
/// and frame 1 takes the opposite. Source: OpenSim 4.6 BushingForce and TwoFrameLinker (computeDeflection,
/// computeDeflectionRate, convertInternalForceToForcesOnFrames); Simbody Rotation::calcNForBodyXYZInBodyFrame.
public final class BushingForce: ForceElement {
    public let name: String
    let frame1: BodyFrame, frame2: BodyFrame
    let rotationalStiffness, translationalStiffness, rotationalDamping, translationalDamping: Vec3

    public init(name: String, frame1: BodyFrame, frame2: BodyFrame, rotationalStiffness: Vec3, translationalStiffness: Vec3,
                rotationalDamping: Vec3, translationalDamping: Vec3) {
        self.name = name; self.frame1 = frame1; self.frame2 = frame2
        self.rotationalStiffness = rotationalStiffness; self.translationalStiffness = translationalStiffness
        self.rotationalDamping = rotationalDamping; self.translationalDamping = translationalDamping
    }

    /// Velocity and angular velocity in ground of the body point at `point` (ground: zero).
    private func motion(_ d: SimData, _ body: Int, _ point: Vec3) -> (velocity: Vec3, angular: Vec3) {
        body < 0 ? (.zero, .zero) : (d.velocity(of: d.scratch.rotation[body].transposed * (point - d.scratch.origin[body]), on: body),
                                     d.scratch.angularVelocity[body])
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        let (rF, oF) = frame1.pose(d), (rM, oM) = frame2.pose(d)
        let rFM = rF.transposed * rM
        let pFM = rF.transposed * (oM - oF)
        let angles = Mat3.bodyFixedXYZAngles(rFM)
        let (vF, wF) = motion(d, frame1.body, oF), (vM, wM) = motion(d, frame2.body, oM)
        // M's motion relative to F, as seen in F.
        let angularInF = rF.transposed * (wM - wF)
        let linearInF = rF.transposed * (vM - vF - cross(wF, oM - oF))
        let n = Mat3.angleRateMatrix(angles)
        let angleRates = n * (rFM.transposed * angularInF)
        let torques = -(rotationalStiffness * angles + rotationalDamping * angleRates)
        let force = -(translationalStiffness * pFM + translationalDamping * linearInF)
        let momentOnM = rM * (n.transposed * torques)
        let forceOnM = rF * force
        if frame2.body >= 0 { d.applyForce(forceOnM, at: oM, on: frame2.body); d.applyMoment(momentOnM, on: frame2.body) }
        if frame1.body >= 0 { d.applyForce(-forceOnM, at: oM, on: frame1.body); d.applyMoment(-momentOnM, on: frame1.body) }
    }
}

/// OpenSim's PointToPointSpring: a linear spring between a point of body 1 and a point of body 2,
/// tension k·(L − L₀) pulling the points together when stretched (pushing them apart when compressed).
/// Source: OpenSim 4.6 PointToPointSpring::computeForce.
public final class PointToPointSpring: ForceElement {
    public let name: String
    let body1: Int, point1: Vec3, body2: Int, point2: Vec3
    let stiffness, restLength: Double

    public init(name: String, body1: Int, point1: Vec3, body2: Int, point2: Vec3, stiffness: Double, restLength: Double) {
        self.name = name; self.body1 = body1; self.point1 = point1; self.body2 = body2; self.point2 = point2
        self.stiffness = stiffness; self.restLength = restLength
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        let p1 = body1 < 0 ? point1 : d.position(of: point1, on: body1)
        let p2 = body2 < 0 ? point2 : d.position(of: point2, on: body2)
        let length = norm(p2 - p1)
        guard length > 0 else { return }
        let force = (p2 - p1) * (stiffness * (length - restLength) / length)  // on body 1, toward body 2
        if body1 >= 0 { d.applyForce(force, at: p1, on: body1) }
        if body2 >= 0 { d.applyForce(-force, at: p2, on: body2) }
    }
}

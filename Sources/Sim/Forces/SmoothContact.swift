import Foundation

/// OpenSim's SmoothSphereHalfSpaceForce (Serrancolí et al. 2019, used by Moco): the Hunt–Crossley sphere/half-space
/// law with every switch replaced by a smooth one, so the force is differentiable in the state.
/// δ = indentation, k = ½·stiffness^(2/3); f_H = (4/3)·k·√(R·k)·(δ² + cf)^(3/4)·(½ + ½·tanh(bd·δ));
/// f = f_H·(1 + 1.5·c·v_n)·(½ + ½·tanh(bv·(v_n + 2/(3c)))); friction f·(min(v/vt, 1)·(μd + 2(μs − μd)/(1 + (v/vt)²)) + μv·v)
/// with slip speed v = √(|v_t|² + cf), acting at the point halfway into the indentation.
/// Source: Simbody SmoothSphereHalfSpaceForceImpl::calcForce (OpenSim 4.x).
public final class SmoothSphereHalfSpaceForce: ForceElement {
    public let name: String
    let sphere: ContactGeometrySet.Sphere
    let plane: ContactGeometrySet.HalfSpace
    public let stiffness, dissipation, staticFriction, dynamicFriction, viscousFriction, transitionVelocity: Double
    public let constantContactForce, hertzSmoothing, huntCrossleySmoothing: Double
    /// Force (x, y, z) on the sphere's body and its moment about the ground origin, ground frame.
    public var outputCount: Int { 6 }

    public init(name: String, sphere: ContactGeometrySet.Sphere, plane: ContactGeometrySet.HalfSpace, stiffness: Double,
                dissipation: Double, staticFriction: Double, dynamicFriction: Double, viscousFriction: Double,
                transitionVelocity: Double, constantContactForce: Double = 1e-5, hertzSmoothing: Double = 300,
                huntCrossleySmoothing: Double = 50) {
        self.name = name; self.sphere = sphere; self.plane = plane
        self.stiffness = stiffness; self.dissipation = dissipation
        self.staticFriction = staticFriction; self.dynamicFriction = dynamicFriction; self.viscousFriction = viscousFriction
        self.transitionVelocity = transitionVelocity; self.constantContactForce = constantContactForce
        self.hertzSmoothing = hertzSmoothing; self.huntCrossleySmoothing = huntCrossleySmoothing
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        let center = sphere.body < 0 ? sphere.center : d.position(of: sphere.center, on: sphere.body)
        let (outward, point) = planeInGround(d)
        let contact = contactPoint(center: center, outward: outward, planePoint: point)
        let onSphere = force(center: center, outward: outward, planePoint: point, velocity: relativeVelocity(d, at: contact))
        if sphere.body >= 0 { d.applyForce(onSphere, at: contact, on: sphere.body) }
        if plane.body >= 0 { d.applyForce(-onSphere, at: contact, on: plane.body) }
        let m = cross(contact, onSphere)
        d.scratch.outputs[slots.output] = onSphere.x; d.scratch.outputs[slots.output + 1] = onSphere.y; d.scratch.outputs[slots.output + 2] = onSphere.z
        d.scratch.outputs[slots.output + 3] = m.x; d.scratch.outputs[slots.output + 4] = m.y; d.scratch.outputs[slots.output + 5] = m.z
    }

    /// For a sphere on a body against a ground plane (`StiffJacobian.addContact`).
    public func addJacobian(model: Model, data d: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian) {
        guard sphere.body >= 0 && plane.body < 0 else { return }
        let center = d.position(of: sphere.center, on: sphere.body)
        let (outward, point) = planeInGround(d)
        let contact = contactPoint(center: center, outward: outward, planePoint: point)
        jacobian.addContact(model, d, body: sphere.body, center: center, contact: contact,
                            velocity: relativeVelocity(d, at: contact)) { c, v in
            force(center: c, outward: outward, planePoint: point, velocity: v)
        }
    }

    @inline(__always) private func planeInGround(_ d: SimData) -> (outward: Vec3, point: Vec3) {
        (plane.body < 0 ? plane.normal : d.scratch.rotation[plane.body] * plane.normal,
         plane.body < 0 ? plane.point : d.position(of: plane.point, on: plane.body))
    }

    /// The point halfway into the indentation.
    @inline(__always) private func contactPoint(center: Vec3, outward: Vec3, planePoint: Vec3) -> Vec3 {
        let depth = sphere.radius - dot(center - planePoint, outward)
        return center - outward * (sphere.radius - depth / 2)
    }

    /// Velocity of the sphere's body relative to the plane's at a ground point.
    @inline(__always) private func relativeVelocity(_ d: SimData, at contact: Vec3) -> Vec3 {
        d.velocity(ofGroundPoint: contact, on: sphere.body) - d.velocity(ofGroundPoint: contact, on: plane.body)
    }

    /// The law: force on the sphere for its centre and the contact point's relative velocity (ground frame).
    @inline(__always) private func force(center: Vec3, outward: Vec3, planePoint: Vec3, velocity v: Vec3) -> Vec3 {
        let inward = -outward
        let depth = sphere.radius - dot(center - planePoint, outward)
        let vn = dot(v, inward)
        let vt = v - inward * vn
        let cf = constantContactForce, c = dissipation
        let k = 0.5 * pow(stiffness, 2.0 / 3.0)
        let hertz = 4.0 / 3.0 * k * (sphere.radius * k).squareRoot() * pow((depth * depth + cf).squareRoot(), 1.5)
            * (0.5 + 0.5 * tanh(hertzSmoothing * depth))
        let normalForce = hertz * (1 + 1.5 * c * vn) * (0.5 + 0.5 * tanh(huntCrossleySmoothing * (vn + 2 / (3 * c))))
        let slip = (dot(vt, vt) + cf).squareRoot()
        let ratio = slip / transitionVelocity
        let friction = normalForce * (min(ratio, 1) * (dynamicFriction + 2 * (staticFriction - dynamicFriction) / (1 + ratio * ratio)) + viscousFriction * slip)
        return -(inward * normalForce + vt * (friction / slip))
    }
}

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
        let outward = plane.body < 0 ? plane.normal : d.rotation[plane.body] * plane.normal
        let point = plane.body < 0 ? plane.point : d.position(of: plane.point, on: plane.body)
        let inward = -outward
        let depth = sphere.radius - dot(center - point, outward)
        let contact = center + inward * (sphere.radius - depth / 2)
        var v = sphere.body < 0 ? Vec3.zero : d.velocity[sphere.body] + cross(d.angularVelocity[sphere.body], contact - d.origin[sphere.body])
        if plane.body >= 0 { v -= d.velocity[plane.body] + cross(d.angularVelocity[plane.body], contact - d.origin[plane.body]) }
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
        let onSphere = -(inward * normalForce + vt * (friction / slip))
        if sphere.body >= 0 { d.applyForce(onSphere, at: contact, on: sphere.body) }
        if plane.body >= 0 { d.applyForce(-onSphere, at: contact, on: plane.body) }
        let m = cross(contact, onSphere)
        d.outputs[slots.output] = onSphere.x; d.outputs[slots.output + 1] = onSphere.y; d.outputs[slots.output + 2] = onSphere.z
        d.outputs[slots.output + 3] = m.x; d.outputs[slots.output + 4] = m.y; d.outputs[slots.output + 5] = m.z
    }
}

/// Contact geometry of a model: spheres and half spaces fixed on bodies (body −1 is ground).
public struct ContactGeometrySet: Sendable {
    public struct Sphere: Sendable { public let name: String; public let body: Int; public let center: Vec3; public let radius: Double }
    /// The half space {x : (x − point)·normal ≤ 0}: `normal` points out of the solid, into free space.
    public struct HalfSpace: Sendable { public let name: String; public let body: Int; public let point: Vec3; public let normal: Vec3 }
    public var spheres: [Sphere] = []
    public var halfSpaces: [HalfSpace] = []
}

/// Simbody's Hunt–Crossley compliant contact between spheres and a half space, with its friction model.
/// Normal force f = (4/3)·k·√R·x^1.5·(1 + 1.5·c·ẋ) (≥ 0) for penetration x; two surfaces combine as
/// k = (k₁^(−2/3) + k₂^(−2/3))^(−3/2), c = (c₁k₂' + c₂k₁')/(k₁' + k₂') with k' = k^(2/3), μ = 2μ₁μ₂/(μ₁ + μ₂). Friction opposes the slip
/// velocity v with coefficient min(v/vt, 1)·(μd + 2(μs − μd)/(1 + (v/vt)²)) + μv·v, and the force acts at the point
/// halfway into the penetration. Source: Simbody HuntCrossleyForce (Sherman, Seth & Delp 2011), the closed forms
/// checked against OpenSim 4.6 in Tests/SimTests/Reference/README.md.
public final class HuntCrossleyForce: ForceElement {
    public struct Surface: Sendable {
        public let stiffness, dissipation, staticFriction, dynamicFriction, viscousFriction: Double
    }
    public let name: String
    let pairs: [(sphere: ContactGeometrySet.Sphere, plane: ContactGeometrySet.HalfSpace, k: Double, c: Double, us: Double, ud: Double, uv: Double)]
    let transitionVelocity: Double
    /// The surfaces as given (kept so the model can be written back out).
    let surfaces: [Surface]
    let planeSurface: Surface?

    /// Reports the total force (x, y, z) the contact applies to the model's non-ground bodies and its moment about
    /// the ground origin (x, y, z), ground frame.
    public var outputCount: Int { 6 }

    public init(name: String, spheres: [(ContactGeometrySet.Sphere, Surface)], plane: ContactGeometrySet.HalfSpace,
                planeSurface: Surface, transitionVelocity: Double) {
        self.name = name
        self.transitionVelocity = transitionVelocity
        self.surfaces = spheres.map(\.1)
        self.planeSurface = planeSurface
        pairs = spheres.map { sphere, s in
            let p = planeSurface
            let k = Foundation.pow(Foundation.pow(s.stiffness, -2.0 / 3) + Foundation.pow(p.stiffness, -2.0 / 3), -1.5)
            // Dissipations are weighted by the other surface's share of the compliance (stiffness^(2/3)).
            let ks = Foundation.pow(s.stiffness, 2.0 / 3), kp = Foundation.pow(p.stiffness, 2.0 / 3)
            let c = (s.dissipation * kp + p.dissipation * ks) / (ks + kp)
            func combine(_ a: Double, _ b: Double) -> Double { a + b == 0 ? 0 : 2 * a * b / (a + b) }
            return (sphere, plane, k, c, combine(s.staticFriction, p.staticFriction), combine(s.dynamicFriction, p.dynamicFriction),
                    combine(s.viscousFriction, p.viscousFriction))
        }
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        var total = Vec3.zero, moment = Vec3.zero
        for i in pairs.indices {
            let sphere = pairs[i].sphere, plane = pairs[i].plane
            let center = sphere.body < 0 ? sphere.center : d.position(of: sphere.center, on: sphere.body)
            let normal = plane.body < 0 ? plane.normal : d.rotation[plane.body] * plane.normal
            let point = plane.body < 0 ? plane.point : d.position(of: plane.point, on: plane.body)
            let (depth, contact) = penetration(i, center: center, normal: normal, planePoint: point)
            guard depth > 0 else { continue }
            var vRel = sphere.body < 0 ? Vec3.zero : d.velocity[sphere.body] + cross(d.angularVelocity[sphere.body], contact - d.origin[sphere.body])
            if plane.body >= 0 { vRel -= d.velocity[plane.body] + cross(d.angularVelocity[plane.body], contact - d.origin[plane.body]) }
            let force = self.force(i, depth: depth, normal: normal, velocity: vRel)
            if sphere.body >= 0 { d.applyForce(force, at: contact, on: sphere.body); total += force; moment += cross(contact, force) }
            if plane.body >= 0 { d.applyForce(-force, at: contact, on: plane.body); total -= force; moment -= cross(contact, force) }
        }
        d.outputs[slots.output] = total.x; d.outputs[slots.output + 1] = total.y; d.outputs[slots.output + 2] = total.z
        d.outputs[slots.output + 3] = moment.x; d.outputs[slots.output + 4] = moment.y; d.outputs[slots.output + 5] = moment.z
    }

    /// Penetration of pair i's sphere (centre in ground) into its plane, and the contact point halfway into it.
    @inline(__always)
    func penetration(_ i: Int, center: Vec3, normal: Vec3, planePoint: Vec3) -> (depth: Double, contact: Vec3) {
        let radius = pairs[i].sphere.radius
        let depth = radius - dot(center - planePoint, normal)
        return (depth, center - normal * (radius - depth / 2))
    }

    /// Force on pair i's sphere at a penetration, for the contact point's velocity relative to the plane.
    @inline(__always)
    func force(_ i: Int, depth: Double, normal: Vec3, velocity vRel: Vec3) -> Vec3 {
        guard depth > 0 else { return .zero }
        let radius = pairs[i].sphere.radius
        let approach = -dot(vRel, normal)
        let fn = max(0, 4.0 / 3.0 * pairs[i].k * radius.squareRoot() * depth * depth.squareRoot() * (1 + 1.5 * pairs[i].c * approach))
        var force = normal * fn
        let slip = vRel - normal * dot(vRel, normal)
        let v = norm(slip)
        if v > 0 && fn > 0 {
            let ratio = v / transitionVelocity
            let mu = min(ratio, 1) * (pairs[i].ud + 2 * (pairs[i].us - pairs[i].ud) / (1 + ratio * ratio)) + pairs[i].uv * v
            force -= slip * (mu * fn / v)
        }
        return force
    }

    /// For spheres on bodies against ground planes (`StiffJacobian.addContact`).
    public func addJacobian(model: Model, data d: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian) {
        for i in pairs.indices where pairs[i].sphere.body >= 0 && pairs[i].plane.body < 0 {
            let body = pairs[i].sphere.body, normal = pairs[i].plane.normal, point = pairs[i].plane.point
            let center = d.position(of: pairs[i].sphere.center, on: body)
            let (depth, contact) = penetration(i, center: center, normal: normal, planePoint: point)
            guard depth > 0 else { continue }
            let vRel = d.velocity[body] + cross(d.angularVelocity[body], contact - d.origin[body])
            jacobian.addContact(model, d, body: body, center: center, contact: contact, velocity: vRel) { c, v in
                force(i, depth: penetration(i, center: c, normal: normal, planePoint: point).depth, normal: normal, velocity: v)
            }
        }
    }
}

import Foundation

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
    /// One sphere against the plane, with the combined surface constants. Plain numbers only (no names), so the
    /// force loop copies no reference-counted fields.
    struct Pair {
        let sphereBody: Int, center: Vec3, radius: Double
        let planeBody: Int, planePoint: Vec3, normal: Vec3
        let k, c, us, ud, uv: Double
    }
    let pairs: [Pair]
    /// The geometry names, for writing the model back out.
    let sphereNames: [String], planeName: String
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
            return Pair(sphereBody: sphere.body, center: sphere.center, radius: sphere.radius, planeBody: plane.body,
                        planePoint: plane.point, normal: plane.normal, k: k, c: c,
                        us: combine(s.staticFriction, p.staticFriction), ud: combine(s.dynamicFriction, p.dynamicFriction),
                        uv: combine(s.viscousFriction, p.viscousFriction))
        }
        sphereNames = spheres.map(\.0.name)
        planeName = plane.name
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        var total = Vec3.zero, moment = Vec3.zero
        for i in pairs.indices {
            let pair = pairs[i]
            let center = pair.sphereBody < 0 ? pair.center : d.position(of: pair.center, on: pair.sphereBody)
            let normal = pair.planeBody < 0 ? pair.normal : d.scratch.rotation[pair.planeBody] * pair.normal
            let point = pair.planeBody < 0 ? pair.planePoint : d.position(of: pair.planePoint, on: pair.planeBody)
            let (depth, contact) = penetration(i, center: center, normal: normal, planePoint: point)
            guard depth > 0 else { continue }
            var vRel = pair.sphereBody < 0 ? Vec3.zero : d.scratch.velocity[pair.sphereBody] + cross(d.scratch.angularVelocity[pair.sphereBody], contact - d.scratch.origin[pair.sphereBody])
            if pair.planeBody >= 0 { vRel -= d.scratch.velocity[pair.planeBody] + cross(d.scratch.angularVelocity[pair.planeBody], contact - d.scratch.origin[pair.planeBody]) }
            let force = self.force(i, depth: depth, normal: normal, velocity: vRel)
            if pair.sphereBody >= 0 { d.applyForce(force, at: contact, on: pair.sphereBody); total += force; moment += cross(contact, force) }
            if pair.planeBody >= 0 { d.applyForce(-force, at: contact, on: pair.planeBody); total -= force; moment -= cross(contact, force) }
        }
        d.scratch.outputs[slots.output] = total.x; d.scratch.outputs[slots.output + 1] = total.y; d.scratch.outputs[slots.output + 2] = total.z
        d.scratch.outputs[slots.output + 3] = moment.x; d.scratch.outputs[slots.output + 4] = moment.y; d.scratch.outputs[slots.output + 5] = moment.z
    }

    /// Penetration of pair i's sphere (centre in ground) into its plane, and the contact point halfway into it.
    @inline(__always)
    func penetration(_ i: Int, center: Vec3, normal: Vec3, planePoint: Vec3) -> (depth: Double, contact: Vec3) {
        let radius = pairs[i].radius
        let depth = radius - dot(center - planePoint, normal)
        return (depth, center - normal * (radius - depth / 2))
    }

    /// Force on pair i's sphere at a penetration, for the contact point's velocity relative to the plane.
    @inline(__always)
    func force(_ i: Int, depth: Double, normal: Vec3, velocity vRel: Vec3) -> Vec3 {
        guard depth > 0 else { return .zero }
        let radius = pairs[i].radius
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
        for i in pairs.indices where pairs[i].sphereBody >= 0 && pairs[i].planeBody < 0 {
            let body = pairs[i].sphereBody, normal = pairs[i].normal, point = pairs[i].planePoint
            let center = d.position(of: pairs[i].center, on: body)
            let (depth, contact) = penetration(i, center: center, normal: normal, planePoint: point)
            guard depth > 0 else { continue }
            let vRel = d.scratch.velocity[body] + cross(d.scratch.angularVelocity[body], contact - d.scratch.origin[body])
            jacobian.addContact(model, d, body: body, center: center, contact: contact, velocity: vRel) { c, v in
                force(i, depth: penetration(i, center: c, normal: normal, planePoint: point).depth, normal: normal, velocity: v)
            }
        }
    }
}

import Foundation

/// Contact geometry of a model: spheres and half spaces fixed on bodies (body −1 is ground).
public struct ContactGeometrySet: Sendable {
    public struct Sphere: Sendable {
        public let name: String; public let body: Int; public let center: Vec3; public let radius: Double
        public init(name: String, body: Int, center: Vec3, radius: Double) { self.name = name; self.body = body; self.center = center; self.radius = radius }
    }
    /// The half space {x : (x − point)·normal ≤ 0}: `normal` points out of the solid, into free space.
    public struct HalfSpace: Sendable {
        public let name: String; public let body: Int; public let point: Vec3; public let normal: Vec3
        public init(name: String, body: Int, point: Vec3, normal: Vec3) { self.name = name; self.body = body; self.point = point; self.normal = normal }
    }
    public var spheres: [Sphere] = []
    public var halfSpaces: [HalfSpace] = []
}

/// Simbody's Hunt–Crossley compliant contact among spheres and half spaces, with its friction model: every sphere
/// against every half space and every other sphere of the set on another body. Normal force
/// f = (4/3)·k·√R·x^1.5·(1 + 1.5·c·ẋ) (≥ 0) for penetration x and effective radius R (the sphere's against a plane,
/// R₁R₂/(R₁ + R₂) between spheres); two surfaces combine as k = (k₁^(−2/3) + k₂^(−2/3))^(−3/2),
/// c = (c₁k₂' + c₂k₁')/(k₁' + k₂') with k' = k^(2/3), μ = 2μ₁μ₂/(μ₁ + μ₂). Friction opposes the slip velocity v with
/// coefficient min(v/vt, 1)·(μd + 2(μs − μd)/(1 + (v/vt)²)) + μv·v. The force acts where the two surfaces meet when
/// each deforms in proportion to its compliance: surface 1 by x·k₂'/(k₁' + k₂') (halfway for equal stiffness).
/// Source: Simbody HuntCrossleyForce (Sherman, Seth & Delp 2011) and its sphere–half-space and sphere–sphere contact
/// trackers, the closed forms checked against OpenSim 4.6 in Tests/SimTests/Reference/README.md.
public final class HuntCrossleyForce: ForceElement {
    public struct Surface: Sendable {
        public let stiffness, dissipation, staticFriction, dynamicFriction, viscousFriction: Double
        public init(stiffness: Double, dissipation: Double, staticFriction: Double, dynamicFriction: Double, viscousFriction: Double) {
            self.stiffness = stiffness; self.dissipation = dissipation; self.staticFriction = staticFriction
            self.dynamicFriction = dynamicFriction; self.viscousFriction = viscousFriction
        }
    }
    /// The combined constants of two surfaces in contact, surface 1 first.
    struct Law {
        let k, c, us, ud, uv: Double
        /// The share of the penetration taken by surface 1.
        let share1: Double

        init(_ a: Surface, _ b: Surface) {
            let ka = Foundation.pow(a.stiffness, 2.0 / 3), kb = Foundation.pow(b.stiffness, 2.0 / 3)
            k = Foundation.pow(ka * kb / (ka + kb), 1.5)
            // Dissipations are weighted by the other surface's share of the compliance.
            c = (a.dissipation * kb + b.dissipation * ka) / (ka + kb)
            share1 = kb / (ka + kb)
            func combine(_ x: Double, _ y: Double) -> Double { x + y == 0 ? 0 : 2 * x * y / (x + y) }
            us = combine(a.staticFriction, b.staticFriction); ud = combine(a.dynamicFriction, b.dynamicFriction)
            uv = combine(a.viscousFriction, b.viscousFriction)
        }

        /// Force on surface 2 at penetration `depth`, `normal` from surface 1 into surface 2, for the contact point's
        /// velocity on surface 2 relative to surface 1.
        @inline(__always)
        func force(depth: Double, radius: Double, normal: Vec3, velocity vRel: Vec3, transitionVelocity: Double) -> Vec3 {
            guard depth > 0 else { return .zero }
            let approach = -dot(vRel, normal)
            let fn = max(0, 4.0 / 3.0 * k * radius.squareRoot() * depth * depth.squareRoot() * (1 + 1.5 * c * approach))
            var force = normal * fn
            let slip = vRel - normal * dot(vRel, normal)
            let v = norm(slip)
            if v > 0 && fn > 0 {
                let ratio = v / transitionVelocity
                let mu = min(ratio, 1) * (ud + 2 * (us - ud) / (1 + ratio * ratio)) + uv * v
                force -= slip * (mu * fn / v)
            }
            return force
        }
    }
    public let name: String
    /// One sphere against a half space (surface 1). Plain numbers only (no names), so the force loop copies no
    /// reference-counted fields.
    struct Pair {
        let sphereBody: Int, center: Vec3, radius: Double
        let planeBody: Int, planePoint: Vec3, normal: Vec3
        let law: Law
    }
    /// Two spheres on different bodies, surface 1 first.
    struct SpherePair {
        let body1: Int, center1: Vec3, radius1: Double
        let body2: Int, center2: Vec3, radius2: Double
        let law: Law
        /// The effective radius r1·r2/(r1 + r2) of the Hertz law.
        let radius: Double
    }
    let pairs: [Pair], spherePairs: [SpherePair]
    /// The geometry names, for writing the model back out (`planeName` nil where the set is not one half space
    /// against spheres, which a model spec cannot express).
    let sphereNames: [String], planeName: String?
    let transitionVelocity: Double
    /// The surfaces as given (kept so the model can be written back out).
    let surfaces: [Surface]
    let planeSurface: Surface?

    /// Reports the total force (x, y, z) the contact applies to the model's non-ground bodies and its moment about
    /// the ground origin (x, y, z), ground frame.
    public var outputCount: Int { 6 }

    /// Spheres against one half space.
    public convenience init(name: String, spheres: [(ContactGeometrySet.Sphere, Surface)], plane: ContactGeometrySet.HalfSpace,
                            planeSurface: Surface, transitionVelocity: Double) {
        self.init(name: name, spheres: spheres, halfSpaces: [(plane, planeSurface)], transitionVelocity: transitionVelocity)
    }

    /// Any spheres and half spaces: each sphere meets each half space and each later sphere on another body.
    public init(name: String, spheres: [(ContactGeometrySet.Sphere, Surface)], halfSpaces: [(ContactGeometrySet.HalfSpace, Surface)],
                transitionVelocity: Double) {
        self.name = name
        self.transitionVelocity = transitionVelocity
        self.surfaces = spheres.map(\.1)
        pairs = halfSpaces.flatMap { plane, p in
            spheres.filter { $0.0.body != plane.body }.map { sphere, s in
                Pair(sphereBody: sphere.body, center: sphere.center, radius: sphere.radius, planeBody: plane.body,
                     planePoint: plane.point, normal: plane.normal, law: Law(p, s))
            }
        }
        spherePairs = spheres.indices.flatMap { i in
            spheres.indices.filter { $0 > i && spheres[$0].0.body != spheres[i].0.body }.map { j in
                let (a, sa) = spheres[i], (b, sb) = spheres[j]
                return SpherePair(body1: a.body, center1: a.center, radius1: a.radius, body2: b.body, center2: b.center,
                                  radius2: b.radius, law: Law(sa, sb), radius: a.radius * b.radius / (a.radius + b.radius))
            }
        }
        sphereNames = spheres.map(\.0.name)
        let simple = halfSpaces.count == 1 && spherePairs.isEmpty
        planeName = simple ? halfSpaces[0].0.name : nil
        planeSurface = simple ? halfSpaces[0].1 : nil
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
            let vRel = d.velocity(ofGroundPoint: contact, on: pair.sphereBody) - d.velocity(ofGroundPoint: contact, on: pair.planeBody)
            let force = self.force(i, depth: depth, normal: normal, velocity: vRel)
            if pair.sphereBody >= 0 { d.applyForce(force, at: contact, on: pair.sphereBody); total += force; moment += cross(contact, force) }
            if pair.planeBody >= 0 { d.applyForce(-force, at: contact, on: pair.planeBody); total -= force; moment -= cross(contact, force) }
        }
        for pair in spherePairs {
            let c1 = pair.body1 < 0 ? pair.center1 : d.position(of: pair.center1, on: pair.body1)
            let c2 = pair.body2 < 0 ? pair.center2 : d.position(of: pair.center2, on: pair.body2)
            let distance = norm(c2 - c1), depth = pair.radius1 + pair.radius2 - distance
            guard depth > 0, distance > 0 else { continue }
            let normal = (c2 - c1) / distance
            let contact = c1 + normal * (pair.radius1 - depth * pair.law.share1)
            let vRel = d.velocity(ofGroundPoint: contact, on: pair.body2) - d.velocity(ofGroundPoint: contact, on: pair.body1)
            let force = pair.law.force(depth: depth, radius: pair.radius, normal: normal,
                                       velocity: vRel, transitionVelocity: transitionVelocity)
            if pair.body2 >= 0 { d.applyForce(force, at: contact, on: pair.body2); total += force; moment += cross(contact, force) }
            if pair.body1 >= 0 { d.applyForce(-force, at: contact, on: pair.body1); total -= force; moment -= cross(contact, force) }
        }
        d.scratch.outputs[slots.output] = total.x; d.scratch.outputs[slots.output + 1] = total.y; d.scratch.outputs[slots.output + 2] = total.z
        d.scratch.outputs[slots.output + 3] = moment.x; d.scratch.outputs[slots.output + 4] = moment.y; d.scratch.outputs[slots.output + 5] = moment.z
    }

    /// Penetration of pair i's sphere (centre in ground) into its plane, and the contact point: the plane's surface
    /// pushed in by its share of the penetration.
    @inline(__always)
    func penetration(_ i: Int, center: Vec3, normal: Vec3, planePoint: Vec3) -> (depth: Double, contact: Vec3) {
        let radius = pairs[i].radius
        let depth = radius - dot(center - planePoint, normal)
        return (depth, center - normal * (radius - depth * (1 - pairs[i].law.share1)))
    }

    /// Force on pair i's sphere at a penetration, for the contact point's velocity relative to the plane.
    @inline(__always)
    func force(_ i: Int, depth: Double, normal: Vec3, velocity vRel: Vec3) -> Vec3 {
        pairs[i].law.force(depth: depth, radius: pairs[i].radius, normal: normal, velocity: vRel, transitionVelocity: transitionVelocity)
    }

    /// For spheres on bodies against ground planes (`StiffJacobian.addContact`).
    public func addJacobian(model: Model, data d: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian) {
        for i in pairs.indices where pairs[i].sphereBody >= 0 && pairs[i].planeBody < 0 {
            let body = pairs[i].sphereBody, normal = pairs[i].normal, point = pairs[i].planePoint
            let center = d.position(of: pairs[i].center, on: body)
            let (depth, contact) = penetration(i, center: center, normal: normal, planePoint: point)
            guard depth > 0 else { continue }
            let vRel = d.velocity(ofGroundPoint: contact, on: body)
            jacobian.addContact(model, d, body: body, center: center, contact: contact, velocity: vRel) { c, v in
                force(i, depth: penetration(i, center: c, normal: normal, planePoint: point).depth, normal: normal, velocity: v)
            }
        }
    }
}

import Foundation

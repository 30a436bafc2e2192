import Foundation

/// bioimitate's own compact, lossless description of a `Model` as JSON: what the built-in models ship as, and what
/// `bioimitate export-model` writes from any `.osim`. Loading it needs no OpenSim file.
public struct ModelSpec: Codable {
    public struct BodySpec: Codable { var name: String; var mass: Double; var massCenter: Vec3; var inertia: [Double] }
    public struct AxisSpec: Codable { var axis: Vec3; var coordinate: Int?; var function: CoordinateFunction }
    public struct JointSpec: Codable {
        var name: String; var parent: Int; var child: Int
        var parentRotation: [Double]; var parentOffset: Vec3; var childRotation: [Double]; var childOffset: Vec3
        var rotations: [AxisSpec]; var translations: [AxisSpec]; var coordinates: [Int]
        /// Absent when false (`Joint.angularVelocitySpeeds`).
        var angularVelocitySpeeds: Bool?
    }
    public struct CoordinateSpec: Codable {
        var name: String; var joint: Int; var motion: String; var defaultValue: Double; var defaultSpeed: Double
        var range: [Double]; var locked: Bool; var clamped: Bool
    }
    /// A CoordinateCouplerConstraint: q[dependent] = function(q[independent]).
    public struct CouplerSpec: Codable { var name: String; var dependent: Int; var independent: Int; var function: CoordinateFunction }
    public struct SphereSpec: Codable { var name: String; var body: Int; var center: Vec3; var radius: Double }
    public struct HalfSpaceSpec: Codable { var name: String; var body: Int; var point: Vec3; var normal: Vec3 }
    /// One force element; `kind` selects which fields apply.
    public struct ForceSpec: Codable {
        var kind: String
        var name: String
        var coordinate: Int?
        var numbers: [String: Double]?
        var spheres: [String]?
        var surfaces: [[Double]]?      // per sphere: stiffness, dissipation, μs, μd, μv
        var plane: String?
        var planeSurface: [Double]?
        var muscle: MuscleParameters?
        var rigidTendon: Bool?
    }

    public var format = 1
    public var name: String
    /// Where the figures come from, with license.
    public var source: String
    public var gravity: Vec3
    public var bodies: [BodySpec]
    public var joints: [JointSpec]
    public var coordinates: [CoordinateSpec]
    public var spheres: [SphereSpec]
    public var halfSpaces: [HalfSpaceSpec]
    public var forces: [ForceSpec]
    /// Absent in specs without constraints.
    public var couplers: [CouplerSpec]?
}

private func flat(_ m: Mat3) -> [Double] { [m.r0.x, m.r0.y, m.r0.z, m.r1.x, m.r1.y, m.r1.z, m.r2.x, m.r2.y, m.r2.z] }
private func mat(_ v: [Double]) -> Mat3 { Mat3(Vec3(v[0], v[1], v[2]), Vec3(v[3], v[4], v[5]), Vec3(v[6], v[7], v[8])) }

extension Model {
    /// The model as a spec. Throws for force elements the spec cannot express (e.g. timed point forces).
    public func spec(source: String) throws -> ModelSpec {
        guard pointsOnLines.isEmpty else { throw SimError.unsupported("\(name): point-on-line constraints cannot be written to a model spec") }
        let g = contactGeometry
        let forceSpecs: [ModelSpec.ForceSpec] = try forces.map { f in
            switch f {
            case let m as MuscleForce:
                return .init(kind: "Muscle", name: m.name, muscle: m.muscle.parameters, rigidTendon: m.muscle.rigidTendon)
            case let l as CoordinateLimitForce:
                return .init(kind: "CoordinateLimitForce", name: l.name, coordinate: l.coordinate,
                             numbers: ["upper": l.upper, "lower": l.lower, "upper_stiffness": l.upperStiffness,
                                       "lower_stiffness": l.lowerStiffness, "damping": l.damping, "transition": l.transition,
                                       "rotational": l.scale == 1 ? 0 : 1])
            case let a as CoordinateActuator:
                return .init(kind: "CoordinateActuator", name: a.name, coordinate: a.coordinate,
                             numbers: ["optimal_force": a.optimalForce, "min_control": a.minControl, "max_control": a.maxControl])
            case let h as HuntCrossleyForce:
                guard h.planeName != nil || h.pairs.isEmpty && h.spherePairs.isEmpty else {
                    throw SimError.unsupported("\(name): contact \(h.name) (several half spaces or sphere against sphere) cannot be written to a model spec")
                }
                return .init(kind: "HuntCrossleyForce", name: h.name, numbers: ["transition_velocity": h.transitionVelocity],
                             spheres: h.sphereNames, surfaces: h.surfaces.map { [$0.stiffness, $0.dissipation, $0.staticFriction, $0.dynamicFriction, $0.viscousFriction] },
                             plane: h.pairs.isEmpty ? nil : h.planeName, planeSurface: h.planeSurface.map { [$0.stiffness, $0.dissipation, $0.staticFriction, $0.dynamicFriction, $0.viscousFriction] })
            case let s as SmoothSphereHalfSpaceForce:
                return .init(kind: "SmoothSphereHalfSpaceForce", name: s.name,
                             numbers: ["stiffness": s.stiffness, "dissipation": s.dissipation, "static_friction": s.staticFriction,
                                       "dynamic_friction": s.dynamicFriction, "viscous_friction": s.viscousFriction,
                                       "transition_velocity": s.transitionVelocity, "constant_contact_force": s.constantContactForce,
                                       "hertz_smoothing": s.hertzSmoothing, "hunt_crossley_smoothing": s.huntCrossleySmoothing],
                             spheres: [s.sphere.name], plane: s.plane.name)
            default:
                throw SimError.unsupported("\(name): force element \(f.name) cannot be written to a model spec")
            }
        }
        return ModelSpec(
            name: name, source: source, gravity: gravity,
            bodies: bodies.map { .init(name: $0.name, mass: $0.mass, massCenter: $0.massCenter, inertia: flat($0.inertia)) },
            joints: joints.map { j in
                .init(name: j.name, parent: j.parent, child: j.child, parentRotation: flat(j.parentRotation), parentOffset: j.parentOffset,
                      childRotation: flat(j.childRotation), childOffset: j.childOffset,
                      rotations: j.rotations.map { .init(axis: $0.axis, coordinate: $0.coordinate, function: $0.function) },
                      translations: j.translations.map { .init(axis: $0.axis, coordinate: $0.coordinate, function: $0.function) },
                      coordinates: j.coordinates, angularVelocitySpeeds: j.angularVelocitySpeeds ? true : nil)
            },
            coordinates: coordinates.map { .init(name: $0.name, joint: $0.joint, motion: $0.motion.rawValue, defaultValue: $0.defaultValue,
                                                  defaultSpeed: $0.defaultSpeed, range: [$0.range.lowerBound, $0.range.upperBound],
                                                  locked: $0.locked, clamped: $0.clamped) },
            spheres: g.spheres.map { .init(name: $0.name, body: $0.body, center: $0.center, radius: $0.radius) },
            halfSpaces: g.halfSpaces.map { .init(name: $0.name, body: $0.body, point: $0.point, normal: $0.normal) },
            forces: forceSpecs,
            couplers: couplers.isEmpty ? nil : couplers.map { .init(name: $0.name, dependent: $0.dependent, independent: $0.independent, function: $0.function) })
    }

    /// Builds the model a spec describes.
    public convenience init(spec s: ModelSpec, source: String) throws {
        func bad(_ what: String) -> SimError { SimError.invalid("\(source): \(what)") }
        guard s.format == 1 else { throw bad("unsupported model spec format \(s.format)") }
        let bodies = s.bodies.map { Body(name: $0.name, mass: $0.mass, massCenter: $0.massCenter, inertia: mat($0.inertia)) }
        let joints = s.joints.map { j in
            Joint(name: j.name, parent: j.parent, child: j.child, parentRotation: mat(j.parentRotation), parentOffset: j.parentOffset,
                  childRotation: mat(j.childRotation), childOffset: j.childOffset,
                  rotations: j.rotations.map { TransformAxis(axis: $0.axis, coordinate: $0.coordinate, function: $0.function) },
                  translations: j.translations.map { TransformAxis(axis: $0.axis, coordinate: $0.coordinate, function: $0.function) },
                  coordinates: j.coordinates, angularVelocitySpeeds: j.angularVelocitySpeeds ?? false)
        }
        let coordinates = try s.coordinates.map { c -> Coordinate in
            guard let motion = Coordinate.Motion(rawValue: c.motion), c.range.count == 2 else { throw bad("coordinate \(c.name) is malformed") }
            return Coordinate(name: c.name, joint: c.joint, motion: motion, defaultValue: c.defaultValue, defaultSpeed: c.defaultSpeed,
                              range: c.range[0]...c.range[1], locked: c.locked, clamped: c.clamped)
        }
        let geometry = ContactGeometrySet(
            spheres: s.spheres.map { .init(name: $0.name, body: $0.body, center: $0.center, radius: $0.radius) },
            halfSpaces: s.halfSpaces.map { .init(name: $0.name, body: $0.body, point: $0.point, normal: $0.normal) })
        let skeleton = Model(name: s.name, bodies: bodies, joints: joints, coordinates: coordinates, gravity: s.gravity,
                             forces: [], contactGeometry: geometry, warnings: [])
        func surface(_ v: [Double]?) throws -> HuntCrossleyForce.Surface {
            guard let v, v.count == 5 else { throw bad("contact surface needs 5 numbers") }
            return .init(stiffness: v[0], dissipation: v[1], staticFriction: v[2], dynamicFriction: v[3], viscousFriction: v[4])
        }
        let forces: [ForceElement] = try s.forces.map { f in
            let n = f.numbers ?? [:]
            func number(_ key: String) throws -> Double { guard let v = n[key] else { throw bad("force \(f.name) lacks \(key)") }; return v }
            func sphere(_ name: String) throws -> ContactGeometrySet.Sphere {
                guard let x = geometry.spheres.first(where: { $0.name == name }) else { throw bad("unknown sphere \(name)") }; return x
            }
            func plane() throws -> ContactGeometrySet.HalfSpace {
                guard let x = geometry.halfSpaces.first(where: { $0.name == f.plane }) else { throw bad("force \(f.name): unknown half space") }; return x
            }
            switch f.kind {
            case "Muscle":
                guard let p = f.muscle else { throw bad("muscle \(f.name) lacks parameters") }
                return MuscleForce(muscle: MuscleModel(p, rigidTendon: f.rigidTendon), path: try GeometryPath(p.path, model: skeleton, muscle: p.name))
            case "CoordinateLimitForce":
                return CoordinateLimitForce(name: f.name, coordinate: f.coordinate ?? 0, upperLimit: try number("upper"), lowerLimit: try number("lower"),
                                            upperStiffness: try number("upper_stiffness"), lowerStiffness: try number("lower_stiffness"),
                                            damping: try number("damping"), transition: try number("transition"), rotational: try number("rotational") != 0)
            case "CoordinateActuator":
                return CoordinateActuator(name: f.name, coordinate: f.coordinate ?? 0, optimalForce: try number("optimal_force"),
                                          minControl: try number("min_control"), maxControl: try number("max_control"))
            case "HuntCrossleyForce":
                let names = f.spheres ?? [], surfaces = f.surfaces ?? []
                guard names.count == surfaces.count else { throw bad("force \(f.name): one surface per sphere") }
                return HuntCrossleyForce(name: f.name, spheres: try zip(names, surfaces).map { (try sphere($0), try surface($1)) },
                                         plane: try plane(), planeSurface: try surface(f.planeSurface),
                                         transitionVelocity: try number("transition_velocity"))
            case "SmoothSphereHalfSpaceForce":
                return SmoothSphereHalfSpaceForce(name: f.name, sphere: try sphere(f.spheres?.first ?? ""), plane: try plane(),
                                                  stiffness: try number("stiffness"), dissipation: try number("dissipation"),
                                                  staticFriction: try number("static_friction"), dynamicFriction: try number("dynamic_friction"),
                                                  viscousFriction: try number("viscous_friction"), transitionVelocity: try number("transition_velocity"),
                                                  constantContactForce: try number("constant_contact_force"), hertzSmoothing: try number("hertz_smoothing"),
                                                  huntCrossleySmoothing: try number("hunt_crossley_smoothing"))
            default: throw bad("unknown force kind \(f.kind)")
            }
        }
        let couplers = try (s.couplers ?? []).map { c -> CoordinateCoupler in
            guard coordinates.indices.contains(c.dependent), coordinates.indices.contains(c.independent) else { throw bad("coupler \(c.name): coordinate out of range") }
            return CoordinateCoupler(name: c.name, dependent: c.dependent, independent: c.independent, function: c.function)
        }
        self.init(name: s.name, bodies: bodies, joints: joints, coordinates: coordinates, gravity: s.gravity,
                  forces: forces, contactGeometry: geometry, warnings: [], couplers: couplers)
    }
}

import Foundation

/// Reads OpenSim `.osim` models (file formats 30000 and 40000): bodies, joints and coordinates, contact geometry,
/// Hunt–Crossley and smooth contact, coordinate limit forces, coordinate actuators and muscles (Thelen, Millard,
/// DeGroote–Fregly) with their paths. Errors name the file and the element.
public enum OsimLoader {
    public static func load(path: String) throws -> Model {
        guard let data = FileManager.default.contents(atPath: path) else { throw SimError.invalid("\(path): cannot read model file") }
        return try load(data: data, source: path)
    }

    public static func load(data: Data, source: String) throws -> Model {
        let root = try XMLElement.parse(data, source: source)
        guard root.name == "OpenSimDocument", let model = root.child("Model") else {
            throw SimError.invalid("\(source): not an OpenSim model (expected <OpenSimDocument><Model>)")
        }
        model.applyDefaults()
        let version = Int(root.attributes["Version"] ?? "") ?? 0
        guard version <= 40600 else {
            throw SimError.unsupported("\(source): file format Version=\"\(version)\" is newer than OpenSim 4.6's (40600), which this reader follows")
        }
        let builder = Builder(source: source, model: model, version: version)
        let skeleton = try builder.build()
        // Muscles: parameters and path descriptions, then their geometry resolved against the skeleton.
        let parsed: MuscleParameterReader.Result
        do { parsed = try MuscleParameterReader.read(root: root, source: source, wrapping: .error) } catch {
            throw SimError.invalid("\(error)")
        }
        let muscles = try parsed.muscles.filter(\.appliesForce).map { p in
            do { return MuscleForce(muscle: MuscleModel(p), path: try GeometryPath(p.path, model: skeleton, muscle: p.name)) } catch {
                throw SimError.invalid("\(source): \(error)")
            }
        }
        // Path springs, whose paths also need the skeleton; read, and skipped when disabled, as the other forces are.
        let enabled = { (e: XMLElement) in
            !builder.bool(e.child("isDisabled"), default: false) && builder.bool(e.child("appliesForce"), default: true)
        }
        let springs = try root.collect { $0.name == "PathSpring" }.filter(enabled).map { e -> ForceElement in
            let name = e.attributes["name"] ?? ""
            func number(_ key: String) throws -> Double { try builder.number(e.child(key), in: e) }
            if let wraps = e.child("GeometryPath")?.child("PathWrapSet")?.child("objects"), !wraps.children.isEmpty {
                throw SimError.unsupported("\(source): path spring \(name): wrapping surfaces are not supported")
            }
            do {
                let points = try MuscleParameterReader.parsePath(e, muscle: name, source: source)
                return PathSpring(name: name, path: try GeometryPath(points, model: skeleton, muscle: name), stiffness: try number("stiffness"),
                                  restingLength: try number("resting_length"), dissipation: try number("dissipation"))
            } catch let error as SimError { throw error } catch { throw SimError.invalid("\(error)") }
        }
        return skeleton.adding(forces: muscles + springs, warnings: parsed.warnings)
    }

    private struct RawJoint {
        var element: XMLElement
        var type: String
        var parent: String, child: String
        var parentRotation: Mat3, parentOffset: Vec3, childRotation: Mat3, childOffset: Vec3
        var coordinates: [XMLElement]
    }

    private final class Builder {
        let source: String, model: XMLElement, version: Int
        var warnings: [String] = []
        /// Contact geometry of types the loader does not model, by name.
        var skippedGeometry: [String: String] = [:]
        init(source: String, model: XMLElement, version: Int) { self.source = source; self.model = model; self.version = version }

        func fail(_ e: XMLElement, _ message: String) -> SimError {
            SimError.invalid("\(source): <\(e.name)\(e.attributes["name"].map { " name=\"\($0)\"" } ?? "")> (line \(e.line)): \(message)")
        }

        func numbers(_ e: XMLElement?, _ count: Int? = nil, in owner: XMLElement) throws -> [Double] {
            guard let e else { throw fail(owner, "missing element") }
            let parts = e.trimmedText.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            let values = parts.compactMap { Double($0) }.filter { !$0.isNaN }
            guard values.count == parts.count, count.map({ $0 == values.count }) ?? true else {
                throw fail(e, "expected \(count.map { "\($0) numbers" } ?? "numbers"), got \"\(e.trimmedText)\"")
            }
            return values
        }
        func vec(_ e: XMLElement?, in owner: XMLElement, default value: Vec3? = nil) throws -> Vec3 {
            if e == nil, let value { return value }
            let v = try numbers(e, 3, in: owner)
            return Vec3(v[0], v[1], v[2])
        }
        func number(_ e: XMLElement?, in owner: XMLElement, default value: Double? = nil) throws -> Double {
            if e == nil || e?.trimmedText.isEmpty == true, let value { return value }
            return try numbers(e, 1, in: owner)[0]
        }
        func bool(_ e: XMLElement?, default value: Bool) -> Bool {
            guard let t = e?.trimmedText.lowercased(), !t.isEmpty else { return value }
            return t == "true" || t == "1"
        }
        func objects(_ set: String) -> [XMLElement] { model.child(set)?.child("objects")?.children ?? [] }
        /// The forces of the ForceSet and those a 4.x model lists among its own `<components>` (where the API's
        /// addComponent writes them): frames, stations, markers and geometry there apply no force.
        func forceObjects() -> [XMLElement] {
            let passive: Set<String> = ["Station", "Marker", "ContactSphere", "ContactHalfSpace", "ContactMesh", "Brick", "Sphere",
                                        "Cylinder", "Ellipsoid", "Mesh", "FrameGeometry", "Arrow", "Line"]
            let components = model.child("components")?.children.filter { !passive.contains($0.name) && !$0.name.hasSuffix("Frame") } ?? []
            return objects("ForceSet") + components
        }
        /// The name a socket path ends in (4.x `/bodyset/femur_r`, or a plain name).
        func frameName(_ path: String) -> String { MuscleParameterReader.lastComponent(path) }

        func build() throws -> Model {
            let gravity = try vec(model.child("gravity"), in: model, default: Vec3(0, -9.80665, 0))
            guard gravity.x.isFinite, gravity.y.isFinite, gravity.z.isFinite else { throw fail(model.child("gravity") ?? model, "gravity must be finite") }
            // Bodies (ground excluded) and the joints that attach them.
            var bodyElements: [XMLElement] = []
            var rawJoints: [RawJoint] = []
            for b in objects("BodySet") where b.name == "Body" {
                if b.attributes["name"] == "ground" { continue }
                bodyElements.append(b)
                if let jointElement = b.child("Joint")?.children.first { rawJoints.append(try joint30000(jointElement, child: b)) }
            }
            if version >= 40000 || model.child("JointSet") != nil {
                for j in objects("JointSet") { rawJoints.append(try joint40000(j)) }
            }
            // Topological order: a body comes after its parent.
            var order: [Int] = [], placed = Set<String>(["ground"])
            let jointOf = Dictionary(rawJoints.map { ($0.child, $0) }, uniquingKeysWith: { a, _ in a })
            var remaining = Array(bodyElements.indices)
            while !remaining.isEmpty {
                let before = remaining.count
                remaining.removeAll { i in
                    let name = bodyElements[i].attributes["name"] ?? ""
                    guard let j = jointOf[name] else { return false }
                    if placed.contains(j.parent) { order.append(i); placed.insert(name); return true }
                    return false
                }
                if remaining.count == before {
                    let b = bodyElements[remaining[0]]
                    throw fail(b, jointOf[b.attributes["name"] ?? ""] == nil ? "body has no joint connecting it to the model"
                                                                            : "joint parent does not lead to ground (a loop or a missing body)")
                }
            }
            var bodies: [Body] = []
            var index: [String: Int] = ["ground": -1]
            for i in order {
                let e = bodyElements[i]
                let name = e.attributes["name"] ?? ""
                guard index[name] == nil else { throw fail(e, "a second body named '\(name)'") }
                index[name] = bodies.count
                bodies.append(try body(e, name: name))
            }
            // Joints in file order, each with its coordinates (declaredCoordinates), as OpenSim's CoordinateSet.
            var coordinates: [Coordinate] = []
            var coordIndex: [String: Int] = [:]
            var jointCoordinates: [String: [Int]] = [:]
            for (jointNumber, raw) in rawJoints.enumerated() {
                var mine: [Int] = []
                let motions = try motionTypes(raw)
                for c in raw.coordinates {
                    let name = c.attributes["name"] ?? ""
                    let range = try numbers(c.child("range"), 2, in: c)
                    guard range[0] <= range[1] else { throw fail(c, "<range> \(range[0]) \(range[1]): the minimum exceeds the maximum") }
                    let motion = motions[mine.count]
                    guard let childBody = index[raw.child] else { throw fail(raw.element, "unknown child body '\(raw.child)'") }
                    guard coordIndex[name] == nil else { throw fail(c, "a second coordinate named '\(name)'") }
                    coordIndex[name] = coordinates.count
                    mine.append(coordinates.count)
                    coordinates.append(Coordinate(name: name, joint: childBody, motion: motion,
                                                  defaultValue: try number(c.child("default_value"), in: c, default: 0),
                                                  defaultSpeed: try number(c.child("default_speed_value"), in: c, default: 0),
                                                  range: range[0]...range[1],
                                                  locked: bool(c.child("locked") ?? c.child("default_locked"), default: false),
                                                  clamped: bool(c.child("clamped"), default: false)))
                }
                jointCoordinates[raw.element.attributes["name"] ?? "\(jointNumber)"] = mine
            }
            var joints = [Joint?](repeating: nil, count: bodies.count)
            for raw in rawJoints {
                guard let child = index[raw.child], child >= 0 else { throw fail(raw.element, "unknown child body '\(raw.child)'") }
                guard let parent = index[raw.parent] else { throw fail(raw.element, "unknown parent body '\(raw.parent)'") }
                let mine = jointCoordinates[raw.element.attributes["name"] ?? ""] ?? []
                let (rotations, translations) = try axes(raw, coordinates: mine, coordIndex: coordIndex)
                joints[child] = Joint(name: raw.element.attributes["name"] ?? "", parent: parent, child: child,
                                      parentRotation: raw.parentRotation, parentOffset: raw.parentOffset,
                                      childRotation: raw.childRotation, childOffset: raw.childOffset,
                                      rotations: rotations, translations: translations, coordinates: mine,
                                      angularVelocitySpeeds: raw.type == "FreeJoint" || raw.type == "BallJoint")
            }
            let geometry = try contactGeometry(index)
            let forces = try forceElements(index: index, coordIndex: coordIndex, coordinates: coordinates, geometry: geometry)
            let constraints = try self.constraints(coordIndex: coordIndex, index: index)
            return Model(name: model.attributes["name"] ?? "", bodies: bodies, joints: joints.map { $0! }, coordinates: coordinates,
                         gravity: gravity, forces: forces, contactGeometry: geometry, warnings: warnings,
                         couplers: constraints.couplers, pointsOnLines: constraints.pointsOnLines)
        }

        /// Each coordinate's motion type, derived from the joint as OpenSim 4 does (a `<motion_type>` in a 3.x file is
        /// ignored, and 4.x files have none): by position for the fixed joint types; for a CustomJoint, rotational or
        /// translational where a rotation or translation axis is a LinearFunction of the coordinate with slope ±1 (the
        /// last such axis wins), otherwise coupled. Only rotational values are in degrees in `inDegrees=yes` files and
        /// in CoordinateLimitForce. Source: OpenSim 4.6, CustomJoint::constructCoordinates and each joint's constructor.
        func motionTypes(_ raw: RawJoint) throws -> [Coordinate.Motion] {
            let names = raw.coordinates.map { $0.attributes["name"] ?? "" }
            switch raw.type {
            case "PlanarJoint": return names.indices.map { $0 == 0 ? .rotational : .translational }
            case "FreeJoint": return names.indices.map { $0 < 3 ? .rotational : .translational }
            case "SliderJoint": return names.map { _ in .translational }
            case "CustomJoint":
                let axes = spatialAxes(raw.element)
                return try names.map { name in
                    var motion: Coordinate.Motion?
                    for a in axes where (a.child("coordinates")?.trimmedText ?? "").split(separator: " ").contains(Substring(name)) {
                        let axisName = a.attributes["name"] ?? ""
                        guard let f = a.child("function")?.children.first ?? a.children.first(where: { functionTypes.contains($0.name) }) else { continue }
                        if f.name == "LinearFunction", abs(try numbers(f.child("coefficients"), 2, in: f)[0]) == 1 {
                            motion = axisName.hasPrefix("rotation") ? .rotational : .translational
                        } else if motion == nil {
                            motion = .coupled
                        }
                    }
                    return motion ?? .coupled
                }
            default: return names.map { _ in .rotational }  // Pin, Ball, Gimbal, Universal, Ellipsoid joints
            }
        }

        func body(_ e: XMLElement, name: String) throws -> Body {
            let mass = try number(e.child("mass"), in: e)
            let com = try vec(e.child("mass_center"), in: e, default: .zero)
            let inertia: Mat3
            if let full = e.child("inertia") {
                let v = try numbers(full, 6, in: e)  // xx yy zz xy xz yz (format 40000)
                inertia = Mat3(Vec3(v[0], v[3], v[4]), Vec3(v[3], v[1], v[5]), Vec3(v[4], v[5], v[2]))
            } else {
                let g = { (k: String) in try self.number(e.child("inertia_\(k)"), in: e, default: 0) }
                inertia = Mat3(Vec3(try g("xx"), try g("xy"), try g("xz")), Vec3(try g("xy"), try g("yy"), try g("yz")),
                               Vec3(try g("xz"), try g("yz"), try g("zz")))
            }
            guard mass >= 0, mass.isFinite else { throw fail(e, "mass must be a non-negative number") }
            guard com.x.isFinite, com.y.isFinite, com.z.isFinite else { throw fail(e, "<mass_center> must be finite") }
            // Finite, non-negative moments of inertia (OpenSim's example models break the triangle inequality on
            // point-like bodies, and OpenSim accepts them: so do we).
            let (ixx, iyy, izz) = (inertia.r0.x, inertia.r1.y, inertia.r2.z)
            let entries = [inertia.r0, inertia.r1, inertia.r2].flatMap { [$0.x, $0.y, $0.z] }
            guard entries.allSatisfy(\.isFinite), ixx >= 0, iyy >= 0, izz >= 0 else {
                throw fail(e, "inertia (\(ixx), \(iyy), \(izz) on the diagonal) must be finite with non-negative moments")
            }
            return Body(name: name, mass: mass, massCenter: com, inertia: inertia)
        }

        /// A CustomJoint's TransformAxis elements in OpenSim's order (rotation1..3, then translation1..3).
        func spatialAxes(_ joint: XMLElement) -> [XMLElement] {
            (joint.child("SpatialTransform")?.children("TransformAxis") ?? []).sorted { ($0.attributes["name"] ?? "") < ($1.attributes["name"] ?? "") }
        }

        /// A joint's coordinates as OpenSim 4.6 constructs them: a CustomJoint's in the order they first appear on its
        /// axes, with those the file leaves out created; a fixed joint type with none in the file gets its own, named
        /// `_coord_<k>` (OpenSim names them before the joint has its name), range ±10, default 0.
        func declaredCoordinates(_ coordinates: [XMLElement], joint: XMLElement) -> [XMLElement] {
            func made(_ name: String) -> XMLElement {
                let e = XMLElement(name: "Coordinate", attributes: ["name": name], line: joint.line)
                let range = XMLElement(name: "range", attributes: [:], line: joint.line)
                range.text = "-10 10"
                e.children = [range]
                return e
            }
            guard joint.name == "CustomJoint" else {
                let count = ["PinJoint": 1, "SliderJoint": 1, "UniversalJoint": 2, "PlanarJoint": 3, "BallJoint": 3, "GimbalJoint": 3, "FreeJoint": 6][joint.name] ?? 0
                return coordinates.isEmpty ? (0..<count).map { made("_coord_\($0)") } : coordinates
            }
            var order: [String] = []
            for a in spatialAxes(joint) {
                for n in (a.child("coordinates")?.trimmedText ?? "").split(separator: " ").map(String.init) where !order.contains(n) { order.append(n) }
            }
            let listed = coordinates + order.filter { n in !coordinates.contains { $0.attributes["name"] == n } }.map(made)
            func rank(_ c: XMLElement) -> Int { order.firstIndex(of: c.attributes["name"] ?? "") ?? order.count }
            return listed.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
        }

        func joint30000(_ j: XMLElement, child: XMLElement) throws -> RawJoint {
            guard let parent = j.child("parent_body")?.trimmedText, !parent.isEmpty else { throw fail(j, "missing <parent_body>") }
            return RawJoint(element: j, type: j.name, parent: parent, child: child.attributes["name"] ?? "",
                            parentRotation: .bodyFixedXYZ(try vec(j.child("orientation_in_parent"), in: j, default: .zero)),
                            parentOffset: try vec(j.child("location_in_parent"), in: j, default: .zero),
                            childRotation: .bodyFixedXYZ(try vec(j.child("orientation"), in: j, default: .zero)),
                            childOffset: try vec(j.child("location"), in: j, default: .zero),
                            coordinates: declaredCoordinates(j.child("CoordinateSet")?.child("objects")?.children("Coordinate") ?? [], joint: j))
        }

        func joint40000(_ j: XMLElement) throws -> RawJoint {
            let frames = j.child("frames")?.children ?? []
            func resolve(_ socket: String) throws -> (body: String, rotation: Mat3, offset: Vec3) {
                guard let name = j.child(socket)?.trimmedText, !name.isEmpty else { throw fail(j, "missing <\(socket)>") }
                if let f = frames.first(where: { $0.attributes["name"] == name }) {
                    guard let parent = f.child("socket_parent")?.trimmedText else { throw fail(f, "missing <socket_parent>") }
                    return (frameName(parent), .bodyFixedXYZ(try vec(f.child("orientation"), in: f, default: .zero)),
                            try vec(f.child("translation"), in: f, default: .zero))
                }
                return (frameName(name), .identity, .zero)  // a body or ground directly
            }
            let p = try resolve("socket_parent_frame"), c = try resolve("socket_child_frame")
            return RawJoint(element: j, type: j.name, parent: p.body, child: c.body, parentRotation: p.rotation, parentOffset: p.offset,
                            childRotation: c.rotation, childOffset: c.offset,
                            coordinates: declaredCoordinates(j.child("coordinates")?.children("Coordinate") ?? [], joint: j))
        }

        func axes(_ raw: RawJoint, coordinates mine: [Int], coordIndex: [String: Int]) throws -> ([TransformAxis], [TransformAxis]) {
            let x = Vec3(1, 0, 0), y = Vec3(0, 1, 0), z = Vec3(0, 0, 1)
            func direct(_ axis: Vec3, _ k: Int) -> TransformAxis {
                TransformAxis(axis: axis, coordinate: mine[k], function: .linear(slope: 1, intercept: 0))
            }
            func need(_ n: Int) throws { if mine.count != n { throw fail(raw.element, "\(raw.type) needs \(n) coordinates, found \(mine.count)") } }
            switch raw.type {
            case "WeldJoint": try need(0); return ([], [])
            case "PinJoint": try need(1); return ([direct(z, 0)], [])
            case "SliderJoint": try need(1); return ([], [direct(x, 0)])
            case "PlanarJoint": try need(3); return ([direct(z, 0)], [direct(x, 1), direct(y, 2)])
            case "UniversalJoint": try need(2); return ([direct(x, 0), direct(y, 1)], [])  // about x, then the new y
            case "BallJoint", "GimbalJoint": try need(3); return ([direct(x, 0), direct(y, 1), direct(z, 2)], [])
            case "FreeJoint": try need(6); return ([direct(x, 0), direct(y, 1), direct(z, 2)], [direct(x, 3), direct(y, 4), direct(z, 5)])
            case "CustomJoint":
                guard raw.element.child("SpatialTransform") != nil else { throw fail(raw.element, "missing <SpatialTransform>") }
                var rotations: [TransformAxis] = [], translations: [TransformAxis] = []
                for a in spatialAxes(raw.element) {
                    let name = a.attributes["name"] ?? ""
                    let axisVector = try vec(a.child("axis"), in: a)
                    guard norm(axisVector) > 0 else { throw fail(a, "axis must not be zero") }
                    let names = (a.child("coordinates")?.trimmedText ?? "").split(separator: " ").map(String.init)
                    guard names.count <= 1 else { throw fail(a, "functions of several coordinates are not supported") }
                    let coordinate = try names.first.map { n -> Int in
                        guard let c = coordIndex[n] else { throw fail(a, "unknown coordinate '\(n)'") }
                        return c
                    }
                    let functionElement = a.child("function")?.children.first ?? a.children.first { functionTypes.contains($0.name) }
                    let function = try functionElement.map { try self.function($0) } ?? .constant(0)
                    let t = TransformAxis(axis: axisVector / norm(axisVector), coordinate: function.isConstant ? nil : coordinate, function: function)
                    if name.hasPrefix("rotation") { rotations.append(t) } else if name.hasPrefix("translation") { translations.append(t) }
                    else { throw fail(a, "TransformAxis name must start with rotation or translation") }
                }
                return (rotations, translations)
            default:
                throw SimError.unsupported("\(source): <\(raw.type) name=\"\(raw.element.attributes["name"] ?? "")\"> (line \(raw.element.line)): joint type not supported")
            }
        }

        /// Actuators that apply no force without a control: left out with a warning rather than refused.
        static let actuatorTypes: Set<String> = ["PathActuator", "TorqueActuator", "PointActuator", "PointToPointActuator",
                                                 "McKibbenActuator", "ActivationCoordinateActuator", "BodyActuator"]

        let functionTypes: Set<String> = ["Constant", "LinearFunction", "SimmSpline", "NaturalCubicSpline", "PolynomialFunction", "MultiplierFunction"]

        func function(_ e: XMLElement) throws -> CoordinateFunction {
            switch e.name {
            case "Constant": return .constant(try number(e.child("value"), in: e))
            case "LinearFunction":
                let c = try numbers(e.child("coefficients"), 2, in: e)
                return .linear(slope: c[0], intercept: c[1])
            case "PolynomialFunction": return .polynomial(try numbers(e.child("coefficients"), in: e))
            case "SimmSpline", "NaturalCubicSpline":
                let x = try numbers(e.child("x"), in: e), y = try numbers(e.child("y"), in: e)
                do { return .spline(e.name == "SimmSpline" ? try .simm(x: x, y: y) : try .natural(x: x, y: y)) } catch { throw fail(e, "\(error)") }
            case "MultiplierFunction":
                let scale = try number(e.child("scale"), in: e, default: 1)
                guard let inner = e.child("function")?.children.first ?? e.children.first(where: { functionTypes.contains($0.name) }) else {
                    throw fail(e, "missing inner function")
                }
                return .multiplier(scale, try function(inner))
            default: throw SimError.unsupported("\(source): <\(e.name)> (line \(e.line)): function type not supported")
            }
        }

        /// The enforced constraints, in one pass over the ConstraintSet: CoordinateCouplerConstraints of one independent
        /// coordinate and PointOnLineConstraints whose line is fixed in ground; any other is refused, since leaving it
        /// out would simulate a different mechanism.
        func constraints(coordIndex: [String: Int], index: [String: Int]) throws -> (couplers: [CoordinateCoupler], pointsOnLines: [PointOnLine]) {
            var couplers: [CoordinateCoupler] = [], pointsOnLines: [PointOnLine] = []
            for e in objects("ConstraintSet") where bool(e.child("isEnforced"), default: true) && !bool(e.child("isDisabled"), default: false) {
                switch e.name {
                case "CoordinateCouplerConstraint": couplers.append(try coupler(e, coordIndex))
                case "PointOnLineConstraint": pointsOnLines.append(try pointOnLine(e, index))
                default: throw SimError.unsupported(fail(e, "constraint type not supported").description)
                }
            }
            return (couplers, pointsOnLines)
        }

        func coupler(_ e: XMLElement, _ coordIndex: [String: Int]) throws -> CoordinateCoupler {
            let independent = (e.child("independent_coordinate_names")?.trimmedText ?? "").split(separator: " ").map(String.init)
            guard independent.count == 1 else { throw fail(e, "a coupler of \(independent.count) independent coordinates is not supported") }
            let dependentName = e.child("dependent_coordinate_name")?.trimmedText ?? ""
            guard let i = coordIndex[independent[0]] else { throw fail(e, "unknown coordinate '\(independent[0])'") }
            guard let d = coordIndex[dependentName] else { throw fail(e, "unknown coordinate '\(dependentName)'") }
            guard let f = e.child("coupled_coordinates_function")?.children.first else { throw fail(e, "missing <coupled_coordinates_function>") }
            let scale = try number(e.child("scale_factor"), in: e, default: 1)
            let function = try self.function(f)
            return CoordinateCoupler(name: e.attributes["name"] ?? "", dependent: d, independent: i,
                                     function: scale == 1 ? function : .multiplier(scale, function))
        }

        func pointOnLine(_ e: XMLElement, _ index: [String: Int]) throws -> PointOnLine {
            let line = frameName(e.child("socket_line_body")?.trimmedText ?? e.child("line_body")?.trimmedText ?? "")
            let followerName = frameName(e.child("socket_follower_body")?.trimmedText ?? e.child("follower_body")?.trimmedText ?? "")
            guard line == "ground" else { throw SimError.unsupported(fail(e, "a line on a moving body ('\(line)') is not supported").description) }
            guard let follower = index[followerName], follower >= 0 else { throw fail(e, "unknown follower body '\(followerName)'") }
            let direction = try vec(e.child("line_direction_vec"), in: e)
            guard norm(direction) > 0 else { throw fail(e, "<line_direction_vec> must not be zero") }
            return PointOnLine(name: e.attributes["name"] ?? "", follower: follower, point: try vec(e.child("point_on_follower"), in: e, default: .zero),
                               linePoint: try vec(e.child("point_on_line"), in: e, default: .zero), direction: direction)
        }

        func contactGeometry(_ index: [String: Int]) throws -> ContactGeometrySet {
            var set = ContactGeometrySet()
            for g in objects("ContactGeometrySet") {
                let bodyName = frameName(g.child("body_name")?.trimmedText ?? g.child("socket_frame")?.trimmedText ?? "ground")
                guard let body = index[bodyName] else { throw fail(g, "unknown body '\(bodyName)'") }
                let location = try vec(g.child("location"), in: g, default: .zero)
                let rotation = Mat3.bodyFixedXYZ(try vec(g.child("orientation"), in: g, default: .zero))
                let name = g.attributes["name"] ?? ""
                switch g.name {
                case "ContactSphere":
                    set.spheres.append(.init(name: name, body: body, center: location, radius: try number(g.child("radius"), in: g)))
                case "ContactHalfSpace":
                    // Simbody's half space fills x > 0 of its frame: the outward normal is −x.
                    set.halfSpaces.append(.init(name: name, body: body, point: location, normal: rotation * Vec3(-1, 0, 0)))
                default: skippedGeometry[name] = g.name  // an error if a force uses it
                }
            }
            return set
        }

        func forceElements(index: [String: Int], coordIndex: [String: Int], coordinates: [Coordinate],
                           geometry: ContactGeometrySet) throws -> [ForceElement] {
            var forces: [ForceElement] = []
            for f in forceObjects() {
                let name = f.attributes["name"] ?? ""
                if bool(f.child("isDisabled"), default: false) || !bool(f.child("appliesForce"), default: true) { continue }
                func coordinate() throws -> Int {
                    let n = f.child("coordinate")?.trimmedText ?? ""
                    guard let c = coordIndex[n] else { throw fail(f, "unknown coordinate '\(n)'") }
                    return c
                }
                switch f.name {
                case "HuntCrossleyForce":
                    forces.append(try huntCrossley(f, geometry: geometry))
                case "CoordinateLimitForce":
                    let c = try coordinate()
                    forces.append(CoordinateLimitForce(
                        name: name, coordinate: c,
                        upperLimit: try number(f.child("upper_limit"), in: f), lowerLimit: try number(f.child("lower_limit"), in: f),
                        upperStiffness: try number(f.child("upper_stiffness"), in: f), lowerStiffness: try number(f.child("lower_stiffness"), in: f),
                        damping: try number(f.child("damping"), in: f, default: 0), transition: try number(f.child("transition"), in: f),
                        rotational: coordinates[c].motion == .rotational))
                case "CoordinateActuator":
                    forces.append(CoordinateActuator(name: name, coordinate: try coordinate(),
                                                     optimalForce: try number(f.child("optimal_force"), in: f, default: 1),
                                                     minControl: try number(f.child("min_control"), in: f, default: -.infinity),
                                                     maxControl: try number(f.child("max_control"), in: f, default: .infinity)))
                case "SmoothSphereHalfSpaceForce":
                    let sphereName = frameName(f.child("socket_sphere")?.trimmedText ?? f.child("contact_sphere")?.trimmedText ?? "")
                    let planeName = frameName(f.child("socket_half_space")?.trimmedText ?? f.child("contact_half_space")?.trimmedText ?? "")
                    guard let sphere = geometry.spheres.first(where: { $0.name == sphereName }) else { throw fail(f, "unknown contact sphere '\(sphereName)'") }
                    guard let plane = geometry.halfSpaces.first(where: { $0.name == planeName }) else { throw fail(f, "unknown contact half space '\(planeName)'") }
                    let g = { (key: String, value: Double) in try self.number(f.child(key), in: f, default: value) }
                    forces.append(SmoothSphereHalfSpaceForce(
                        name: name, sphere: sphere, plane: plane, stiffness: try g("stiffness", 1), dissipation: try g("dissipation", 0),
                        staticFriction: try g("static_friction", 0), dynamicFriction: try g("dynamic_friction", 0),
                        viscousFriction: try g("viscous_friction", 0), transitionVelocity: try g("transition_velocity", 0.01),
                        constantContactForce: try g("constant_contact_force", 1e-5), hertzSmoothing: try g("hertz_smoothing", 300),
                        huntCrossleySmoothing: try g("hunt_crossley_smoothing", 50)))
                case "PointToPointSpring":
                    func body(_ k: Int) throws -> Int {
                        let n = frameName(f.child("socket_body\(k)")?.trimmedText ?? f.child("body\(k)")?.trimmedText ?? "")
                        guard let b = index[n] else { throw fail(f, "unknown body '\(n)'") }
                        return b
                    }
                    forces.append(PointToPointSpring(name: name, body1: try body(1), point1: try vec(f.child("point1"), in: f, default: .zero),
                                                     body2: try body(2), point2: try vec(f.child("point2"), in: f, default: .zero),
                                                     stiffness: try number(f.child("stiffness"), in: f), restLength: try number(f.child("rest_length"), in: f)))
                case "BushingForce":
                    let v = { (key: String) in try self.vec(f.child(key), in: f, default: .zero) }
                    forces.append(BushingForce(name: name, frame1: try linkedFrame(f, 1, index: index), frame2: try linkedFrame(f, 2, index: index),
                                               rotationalStiffness: try v("rotational_stiffness"), translationalStiffness: try v("translational_stiffness"),
                                               rotationalDamping: try v("rotational_damping"), translationalDamping: try v("translational_damping")))
                case _ where f.name == "PathSpring" || MuscleClass(rawValue: f.name) != nil:
                    continue  // read after the skeleton, which their paths need
                case _ where Self.actuatorTypes.contains(f.name):
                    warnings.append("\(source): actuator <\(f.name) name=\"\(name)\"> is not supported and was left out (without a control it applies no force)")
                default:
                    // A passive force left out would simulate a different model: refuse it.
                    throw SimError.unsupported(fail(f, "force type not supported").description)
                }
            }
            for set in ["ControllerSet", "ProbeSet"] where !objects(set).isEmpty {
                warnings.append("\(source): the file's \(set) (\(objects(set).map(\.name).joined(separator: ", "))) is ignored: bioimitate drives the actuators itself")
            }
            return forces
        }

        /// Frame `k` (1 or 2) of a two-frame force: a frame of its own `<frames>`, a body or ground (4.x sockets), or
        /// 3.x's body_k with location_body_k and orientation_body_k.
        func linkedFrame(_ f: XMLElement, _ k: Int, index: [String: Int]) throws -> BodyFrame {
            func body(_ path: String) throws -> Int {
                guard let b = index[frameName(path)] else { throw fail(f, "frame \(k): unknown body or frame '\(path)'") }
                return b
            }
            if let socket = f.child("socket_frame\(k)")?.trimmedText {
                if let own = f.child("frames")?.children.first(where: { $0.attributes["name"] == frameName(socket) }) {
                    guard let parent = own.child("socket_parent")?.trimmedText else { throw fail(own, "missing <socket_parent>") }
                    return BodyFrame(body: try body(parent), rotation: .bodyFixedXYZ(try vec(own.child("orientation"), in: own, default: .zero)),
                                     offset: try vec(own.child("translation"), in: own, default: .zero))
                }
                return BodyFrame(body: try body(socket), rotation: .identity, offset: .zero)
            }
            guard let name = f.child("body_\(k)")?.trimmedText else { throw fail(f, "missing <socket_frame\(k)>") }
            return BodyFrame(body: try body(name), rotation: .bodyFixedXYZ(try vec(f.child("orientation_body_\(k)"), in: f, default: .zero)),
                             offset: try vec(f.child("location_body_\(k)"), in: f, default: .zero))
        }

        func huntCrossley(_ f: XMLElement, geometry: ContactGeometrySet) throws -> HuntCrossleyForce {
            // Format 30000 names it HuntCrossleyForce::ContactParameters, 40000 HuntCrossleyForce_ContactParameters.
            let sets = f.descendants("HuntCrossleyForce_ContactParameters") + f.descendants("HuntCrossleyForce::ContactParameters")
            var planes: [(ContactGeometrySet.HalfSpace, HuntCrossleyForce.Surface)] = []
            var spheres: [(ContactGeometrySet.Sphere, HuntCrossleyForce.Surface)] = []
            for p in sets {
                let surface = HuntCrossleyForce.Surface(stiffness: try number(p.child("stiffness"), in: p),
                                                        dissipation: try number(p.child("dissipation"), in: p),
                                                        staticFriction: try number(p.child("static_friction"), in: p, default: 0),
                                                        dynamicFriction: try number(p.child("dynamic_friction"), in: p, default: 0),
                                                        viscousFriction: try number(p.child("viscous_friction"), in: p, default: 0))
                for g in (p.child("geometry")?.trimmedText ?? "").split(separator: " ").map(String.init) {
                    if let h = geometry.halfSpaces.first(where: { $0.name == g }) { planes.append((h, surface)) }
                    else if let s = geometry.spheres.first(where: { $0.name == g }) { spheres.append((s, surface)) }
                    else if let type = skippedGeometry[g] { throw SimError.unsupported(fail(p, "contact with a \(type) ('\(g)') is not supported").description) }
                    else { throw fail(p, "unknown contact geometry '\(g)'") }
                }
            }
            return HuntCrossleyForce(name: f.attributes["name"] ?? "", spheres: spheres, halfSpaces: planes,
                                     transitionVelocity: try number(f.child("transition_velocity"), in: f, default: 0.01))
        }
    }
}

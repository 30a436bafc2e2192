/// A muscle's path: points fixed on bodies (OpenSim PathPoint), points active only while a coordinate lies in a
/// range (ConditionalPathPoint), and points whose location is a function of coordinates (MovingPathPoint).
/// Length is the sum of straight segments between active points; tension pulls each point toward its neighbours.
/// Wrapping surfaces are not modelled (the reader warns or refuses).
public struct GeometryPath: Sendable {
    public struct Point: Sendable {
        public let name: String
        public let body: Int
        public let location: Vec3
        /// Active only while q[coordinate] ∈ range.
        public let condition: (coordinate: Int, range: ClosedRange<Double>)?
        /// Location components (0 = x, 1 = y, 2 = z) that follow a function of a coordinate. As OpenSim 4.6's
        /// MovingPathPoint: the location uses the coordinate clamped to its range, but the point's velocity and its
        /// dlocation/dq (so moment arms and the force it transmits) use the function's slope at the unclamped value.
        public let moving: [(component: Int, coordinate: Int, function: CoordinateFunction, range: ClosedRange<Double>)]
    }
    public let points: [Point]
    /// The points as plain values for the evaluation loops: reading a `Point` retains its name and moving-function
    /// storage, a `Site` holds neither. Moving points read their functions from `movingFunctions`.
    struct Site {
        let body: Int
        let location: Vec3
        let condition: Int  // coordinate, or −1 when always active
        let lower: Double, upper: Double
        let moving: Bool
        /// Whether the kinematics places it: only a point that can end a segment not fixed in one body is read.
        var placed = true
        /// The length of the segment from the point before, when that segment is fixed in one body (else 0).
        var rigidLengthFromPrevious = 0.0
    }
    let sites: [Site]
    /// Per point, its location functions packed for the evaluation loops (`PackedFunction`), in `moving` order.
    let movingFunctions: [[PackedFunction]]
    /// Whether a point moves on its body (such a path places its points itself, in the general loops).
    let hasMovingPoint: Bool

    public init(points: [Point]) {
        self.points = points
        movingFunctions = points.map { $0.moving.map { PackedFunction($0.function) } }
        hasMovingPoint = points.contains { !$0.moving.isEmpty }
        precondition(points.allSatisfy { $0.moving.count <= 3 }, "a moving point has at most x, y and z functions")
        var sites = points.map { p in
            Site(body: p.body, location: p.location, condition: p.condition?.coordinate ?? -1,
                 lower: p.condition?.range.lowerBound ?? 0, upper: p.condition?.range.upperBound ?? 0, moving: !p.moving.isEmpty)
        }
        // A point's neighbours along the path are the next points up to and including the first that is always active.
        func neighbours(of i: Int, step: Int) -> [Int] {
            var found: [Int] = [], j = i + step
            while j >= 0 && j < sites.count {
                found.append(j)
                if sites[j].condition < 0 { break }
                j += step
            }
            return found
        }
        for i in sites.indices {
            sites[i].placed = (neighbours(of: i, step: -1) + neighbours(of: i, step: 1)).contains { !Self.rigid(sites[i], sites[$0]) }
            if i > 0 && Self.rigid(sites[i - 1], sites[i]) { sites[i].rigidLengthFromPrevious = norm(sites[i].location - sites[i - 1].location) }
        }
        self.sites = sites
    }

    /// Builds the path from the parsed OpenSim description, resolving body and coordinate names.
    public init(_ description: [MusclePathPoint], model: Model, muscle: String) throws {
        func coordinate(_ name: String?) throws -> Int? {
            guard let name else { return nil }
            let short = String(name.split(separator: "/").last ?? Substring(name))
            guard let c = model.coordinateIndex(short) else { throw SimError.invalid("muscle \(muscle): unknown coordinate '\(name)'") }
            return c
        }
        func function(_ f: PathFunctionDescription?) throws -> CoordinateFunction? {
            switch f {
            case nil: return nil
            case .simmSpline(let x, let y)?: return .spline(try .simm(x: x, y: y))
            case .naturalCubicSpline(let x, let y)?: return .spline(try .natural(x: x, y: y))
            case .linear(let a, let b)?: return .linear(slope: a, intercept: b)
            case .constant(let c)?: return .constant(c)
            case .polynomial(let c)?: return .polynomial(c)
            case .multiplier(let k, let inner)?: return .multiplier(k, try function(inner)!)
            case .other(let name)?: throw SimError.unsupported("muscle \(muscle): path point function \(name) is not supported")
            }
        }
        let points: [Point] = try description.map { p in
            guard let body = model.bodyIndex(p.body) ?? (p.body == "ground" ? -1 : nil) else {
                throw SimError.invalid("muscle \(muscle): path point \(p.name) is on unknown body '\(p.body)'")
            }
            switch p.kind {
            case .fixed:
                return Point(name: p.name, body: body, location: p.location, condition: nil, moving: [])
            case .conditional(let c, let range):
                return Point(name: p.name, body: body, location: p.location, condition: (try coordinate(c)!, range), moving: [])
            case .moving(let x, let xc, let y, let yc, let z, let zc):
                var moving: [(Int, Int, CoordinateFunction, ClosedRange<Double>)] = []
                for (component, f, c) in [(0, x, xc), (1, y, yc), (2, z, zc)] {
                    guard let fn = try function(f) else { continue }
                    guard let ci = try coordinate(c) else { throw SimError.invalid("muscle \(muscle): path point \(p.name) has a location function without a coordinate") }
                    moving.append((component, ci, fn, model.coordinates[ci].range))
                }
                return Point(name: p.name, body: body, location: p.location, condition: nil, moving: moving)
            }
        }
        if points.count < 2 { throw SimError.invalid("muscle \(muscle): a path needs at least two points") }
        self.init(points: points)
    }

    // The loops below index the points in place: binding a Point (or iterating `points`) would copy it and
    // retain its name and moving-function storage at every evaluation.

    /// Location of point k on its body and its rate of change (body frame) for the current coordinates and speeds,
    /// reading the point in place (a copy of a `Point` would retain its name and functions), with each location
    /// function's slope at the unclamped coordinate (function i's in `slopes[i]`).
    @inline(__always) func local(point k: Int, q: [Double], u: [Double]) -> (location: Vec3, rate: Vec3, slopes: Vec3) {
        var location = points[k].location, rate = Vec3.zero, slopes = Vec3.zero
        for i in points[k].moving.indices {
            let coordinate = points[k].moving[i].coordinate, lower = points[k].moving[i].range.lowerBound
            let upper = points[k].moving[i].range.upperBound, component = points[k].moving[i].component
            let q = q[coordinate]
            let (value, slope, _) = movingFunctions[k][i].evaluate(min(max(q, lower), upper))
            location[component] = value
            slopes[i] = q >= lower && q <= upper ? slope : movingFunctions[k][i].evaluate(q).1
            rate[component] = slopes[i] * u[coordinate]
        }
        return (location, rate, slopes)
    }

    /// Ground position and velocity of moving point k, and the slopes of `local(point:q:u:)`.
    @inline(__always) func ground(point k: Int, _ d: SimData) -> (position: Vec3, velocity: Vec3, slopes: Vec3) {
        let (location, rate, slopes) = local(point: k, q: d.q, u: d.u)
        let b = points[k].body
        if b < 0 { return (location, rate, slopes) }
        let r = d.scratch.rotation[b] * location
        return (d.scratch.origin[b] + r, d.scratch.velocity[b] + cross(d.scratch.angularVelocity[b], r) + d.scratch.rotation[b] * rate, slopes)
    }

    /// Places moving point k, path point `i` of the model's placed pass: its ground position and velocity, and the
    /// ground direction ∂position/∂q of each of its location functions (for `applyMovingPointTension`).
    @inline(__always) func placeMoving(point k: Int, at i: Int, _ d: SimData) {
        let s = d.scratch, b = points[k].body
        let (position, velocity, slopes) = ground(point: k, d)
        s.placedPosition[i] = position; s.placedVelocity[i] = velocity
        for f in points[k].moving.indices {
            var axis = Vec3.zero
            axis[points[k].moving[f].component] = slopes[f]
            s.placedPull[3 * i + f] = b < 0 ? axis : s.rotation[b] * axis
        }
    }

    /// Ground position and velocity of point i, or nil while its condition keeps it inactive.
    @inline(__always) func placed(_ i: Int, _ d: SimData) -> (position: Vec3, velocity: Vec3)? {
        let site = sites[i]
        if site.condition >= 0 {
            let q = d.q[site.condition]
            if !(q >= site.lower && q <= site.upper) { return nil }
        }
        if site.moving { let g = ground(point: i, d); return (g.position, g.velocity) }
        if site.body < 0 { return (site.location, .zero) }
        let r = d.scratch.rotation[site.body] * site.location
        return (d.scratch.origin[site.body] + r, d.scratch.velocity[site.body] + cross(d.scratch.angularVelocity[site.body], r))
    }

    /// Length and lengthening speed gained from the segment `previous` → `here`.
    @inline(__always) private static func segment(from previous: (position: Vec3, velocity: Vec3),
                                                  to here: (position: Vec3, velocity: Vec3)) -> (length: Double, speed: Double) {
        let segment = here.position - previous.position
        let l = norm(segment)
        return l > 0 ? (l, dot(segment, here.velocity - previous.velocity) / l) : (0, 0)
    }

    /// Path length (m) and lengthening speed (m/s). Needs `updateKinematics`.
    public func lengthAndSpeed(_ d: SimData) -> (length: Double, speed: Double) {
        var length = 0.0, speed = 0.0
        var previous: (position: Vec3, velocity: Vec3)?
        for i in sites.indices {
            guard let here = placed(i, d) else { continue }
            if let previous {
                let add = Self.segment(from: previous, to: here)
                length += add.length; speed += add.speed
            }
            previous = here
        }
        return (length, speed)
    }

    /// `lengthAndSpeed` that also leaves the active points' indices and ground positions in the data's path scratch,
    /// so `applyTension(_:cached:_:)` need not place them again. Returns the number of active points.
    func lengthAndSpeed(caching d: inout SimData) -> (length: Double, speed: Double, active: Int) {
        var length = 0.0, speed = 0.0, count = 0
        var previous = (position: Vec3.zero, velocity: Vec3.zero)
        for i in sites.indices {
            guard let here = placed(i, d) else { continue }
            if count > 0 {
                let add = Self.segment(from: previous, to: here)
                length += add.length; speed += add.speed
            }
            d.scratch.pathPoint[count] = i; d.scratch.pathPosition[count] = here.position
            count += 1
            previous = here
        }
        return (length, speed, count)
    }

    /// Length and lengthening speed from this path's points as the kinematics placed them, from index `start` on.
    /// It leaves each segment's direction for `applyTension(_:placedFrom:_:)`.
    func lengthAndSpeed(placedFrom start: Int, _ d: inout SimData) -> (length: Double, speed: Double) {
        let s = d.scratch
        let (position, velocity, active, direction) = (s.placedPosition, s.placedVelocity, s.placedActive, s.placedDirection)
        var length = 0.0, speed = 0.0, previous = -1
        sites.withUnsafeBufferPointer { sites in
            for i in start..<(start + sites.count) where active[i] {
                if previous >= 0 {
                    let a = sites[previous - start], b = sites[i - start]
                    if Self.rigid(a, b) {
                        // A segment fixed in one body keeps its length and pulls on nothing (its pulls on the body
                        // cancel): its ends need not be placed.
                        length += previous == i - 1 ? b.rigidLengthFromPrevious : norm(b.location - a.location)
                    } else {
                        let segment = position[i] - position[previous]
                        let l = norm(segment)
                        let unit = l > 0 ? segment * (1 / l) : .zero
                        length += l; speed += dot(unit, velocity[i] - velocity[previous])
                        direction[i] = unit
                    }
                }
                previous = i
            }
        }
        return (length, speed)
    }

    /// Whether the segment between two points is fixed in one body (or in ground): both fixed points on the same body.
    @inline(__always) static func rigid(_ a: Site, _ b: Site) -> Bool { a.body == b.body && !a.moving && !b.moving }

    /// Applies a tension (N, pulling the path shorter) at this path's points as the kinematics placed them, along the
    /// segment directions `lengthAndSpeed(placedFrom:_:)` left.
    func applyTension(_ tension: Double, placedFrom start: Int, _ d: inout SimData) {
        let s = d.scratch
        let (position, active, direction, bodyForce, bodyMoment) = (s.placedPosition, s.placedActive, s.placedDirection, s.bodyForce, s.bodyMoment)
        sites.withUnsafeBufferPointer { sites in
            // Each segment pulls its two ends toward each other: the pull of segment a→b on b is −p, on a +p.
            var previous = -1
            for i in start..<(start + sites.count) where active[i] {
                if previous >= 0 && !Self.rigid(sites[previous - start], sites[i - start]) {
                    let pull = direction[i] * tension
                    let a = sites[previous - start].body, b = sites[i - start].body
                    if a >= 0 { bodyForce[a] += pull; bodyMoment[a] += cross(position[previous], pull) }
                    if b >= 0 { bodyForce[b] -= pull; bodyMoment[b] -= cross(position[i], pull) }
                }
                previous = i
            }
        }
        if hasMovingPoint { applyMovingPointTension(tension, placedFrom: start, &d) }
    }

    /// The pull on each moving point (the sum of its two segments'), through its location's dependence on its
    /// coordinates (the directions the kinematics placed): OpenSim's generalized forces of a MovingPathPoint.
    private func applyMovingPointTension(_ tension: Double, placedFrom start: Int, _ d: inout SimData) {
        let s = d.scratch
        var previous = -1
        for i in start..<(start + sites.count) where s.placedActive[i] {
            if sites[i - start].moving {
                var next = i + 1
                while next < start + sites.count && !s.placedActive[next] { next += 1 }
                let after = next < start + sites.count ? s.placedDirection[next] : .zero
                let before = previous >= 0 ? s.placedDirection[i] : .zero
                let force = (after - before) * tension
                for m in points[i - start].moving.indices {
                    d.applyGeneralizedForce(dot(force, s.placedPull[3 * i + m]), coordinate: points[i - start].moving[m].coordinate)
                }
            }
            previous = i
        }
    }

    /// Applies a tension (N, pulling the path shorter) to the bodies and, for moving points, to the coordinates their
    /// location depends on (the virtual work of the point force through dlocation/dq), at the `active` points
    /// `lengthAndSpeed(caching:)` left in the data's path scratch. `geometric` gives a moving point no pull on its
    /// coordinate outside the coordinate's range, where its location is held: the true −∂L/∂q, where the force OpenSim
    /// transmits (the default) uses the function's slope there too. `through` a model, the point forces go straight
    /// onto the generalized forces (`Model.addGeneralizedForce`) instead of onto the bodies.
    func applyTension(_ tension: Double, cached active: Int, _ d: inout SimData, geometric: Bool = false, through model: Model? = nil) {
        guard active > 1 else { return }
        // Each segment pulls its two ends toward each other; every point gets the sum of its two segments' pulls.
        var pullBefore = Vec3.zero  // the pull of the segment ending at point c on it
        for c in 0..<active {
            var pullAfter = Vec3.zero
            if c + 1 < active {
                let segment = d.scratch.pathPosition[c + 1] - d.scratch.pathPosition[c]
                let l = norm(segment)
                if l > 0 { pullAfter = segment * (tension / l) }
            }
            apply(pullAfter - pullBefore, at: d.scratch.pathPosition[c], point: d.scratch.pathPoint[c], &d, geometric: geometric, through: model)
            pullBefore = pullAfter
        }
    }

    /// `applyTension(_:cached:_:)` at the current pose.
    public func applyTension(_ tension: Double, _ d: inout SimData) {
        applyTension(tension, cached: lengthAndSpeed(caching: &d).active, &d)
    }

    /// Whether a moving point's coordinate is outside its range (the point is held there), where the transmitting
    /// moment arms differ from −∂L/∂q.
    func holdsAMovingPoint(_ d: SimData) -> Bool {
        for i in sites.indices where sites[i].moving {
            for m in points[i].moving.indices where !points[i].moving[m].range.contains(d.q[points[i].moving[m].coordinate]) {
                return true
            }
        }
        return false
    }

    @inline(__always) private func apply(_ force: Vec3, at position: Vec3, point i: Int, _ d: inout SimData, geometric: Bool,
                                         through model: Model?) {
        let body = sites[i].body
        if let model { model.addGeneralizedForce(force, at: position, on: body, &d) } else if body >= 0 { d.applyForce(force, at: position, on: body) }
        if sites[i].moving { applyThroughCoordinates(force, point: i, &d, geometric: geometric) }
    }

    /// The generalized forces of a force on moving point i through its location functions.
    private func applyThroughCoordinates(_ force: Vec3, point i: Int, _ d: inout SimData, geometric: Bool) {
        let body = sites[i].body
        for m in points[i].moving.indices {
            let coordinate = points[i].moving[m].coordinate
            let q = d.q[coordinate]
            if geometric && !points[i].moving[m].range.contains(q) { continue }
            let slope = movingFunctions[i][m].evaluate(q).1
            var axis = Vec3.zero
            axis[points[i].moving[m].component] = slope
            let direction = body < 0 ? axis : d.scratch.rotation[body] * axis
            d.applyGeneralizedForce(dot(force, direction), coordinate: coordinate)
        }
    }
}

extension Model {
    /// Moment arms r = −∂L/∂q of a path at the current pose: the generalized forces of a unit tension, and where
    /// coupler constraints tie coordinates together, OpenSim's effective moment arm (`coupledMomentArms`).
    /// Needs `updateKinematics`; uses the data's force scratch.
    public func momentArms(of path: GeometryPath, _ d: inout SimData) -> [Double] {
        unitTensionForces(path, active: path.lengthAndSpeed(caching: &d).active, &d)
        return couplers.isEmpty ? d.scratch.generalized.array : coupledMomentArms(d.scratch.generalized.array, d.q)
    }

    /// The generalized forces of a unit tension along the `active` points in the path scratch, left in
    /// `d.generalized` (`geometric`: see `GeometryPath.applyTension(_:cached:_:geometric:)`). Each point's pull goes
    /// straight onto the coordinates of its body's chain: a path touches a few bodies, the projection visits all.
    func unitTensionForces(_ path: GeometryPath, active: Int, _ d: inout SimData, geometric: Bool = false) {
        for k in 0..<coordinateCount { d.scratch.generalized[k] = 0 }
        path.applyTension(1, cached: active, &d, geometric: geometric, through: self)
    }

    /// Adds the generalized forces of a force f (ground) at ground point x of `body`: the point's columns dotted with f.
    @inline(__always) func addGeneralizedForce(_ f: Vec3, at x: Vec3, on body: Int, _ d: inout SimData) {
        let generalized = d.scratch.generalized
        forEachPointColumn(d, body: body, at: x) { k, column in generalized[k] += dot(column, f) }
    }
}

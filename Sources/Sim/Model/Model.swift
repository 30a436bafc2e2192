/// A rigid body: mass, centre of mass and inertia about the centre of mass, in the body frame.
public struct Body: Sendable {
    public let name: String
    public let mass: Double
    public let massCenter: Vec3
    /// Inertia about the centre of mass, body frame (kg·m²).
    public let inertia: Mat3
}

/// One axis of a joint's spatial transform: a rotation about or a translation along `axis` (unit, in the joint's
/// parent frame F) by `function(q[coordinate])`; `coordinate` is nil for a constant axis.
public struct TransformAxis: Sendable {
    public let axis: Vec3
    public let coordinate: Int?
    public let function: CoordinateFunction
    /// `function` in a form the kinematics reads without reference counting.
    let packed: PackedFunction

    public init(axis: Vec3, coordinate: Int?, function: CoordinateFunction) {
        self.axis = axis; self.coordinate = coordinate; self.function = function
        packed = PackedFunction(function)
    }

    /// (value, d/dq, d²/dq²) at q.
    @inline(__always) func evaluate(_ q: Double) -> (Double, Double, Double) { packed.evaluate(q) }
    /// The value when the function is constant.
    var constantValue: Double { packed.constantValue }
}

/// A joint from a parent body to its child, OpenSim-style: frame F fixed in the parent, frame M fixed in the child,
/// and X_FM(q) built from up to three rotations (applied in sequence, each about its axis carried by the previous
/// ones) and up to three translations along axes fixed in F. PinJoint, WeldJoint, PlanarJoint and FreeJoint are
/// particular axis sets.
public struct Joint: Sendable {
    public let name: String
    public let parent: Int          // body index, −1 for ground
    public let child: Int
    public let parentRotation: Mat3 // F in parent body
    public let parentOffset: Vec3
    public let childRotation: Mat3  // M in child body
    public let childOffset: Vec3
    public let rotations: [TransformAxis]
    public let translations: [TransformAxis]
    /// The coordinates this joint owns, in order.
    public let coordinates: [Int]
    /// Whether the speeds of its three rotation coordinates are the angular velocity of M in F, in F's axes (OpenSim's
    /// FreeJoint and BallJoint) rather than the rates of its angles; the angles still place the child.
    public internal(set) var angularVelocitySpeeds = false
}

public struct Coordinate: Sendable {
    public enum Motion: String, Sendable { case rotational, translational, coupled }
    public let name: String
    /// Index of the joint that owns it (joints are indexed by their child body).
    public let joint: Int
    public let motion: Motion
    public let defaultValue: Double
    public let defaultSpeed: Double
    public let range: ClosedRange<Double>
    public let locked: Bool
    public let clamped: Bool
}

/// An immutable multibody model: bodies in topological order (every parent before its child), one joint per body,
/// the coordinates in OpenSim's CoordinateSet order, gravity and the force elements.
public final class Model: @unchecked Sendable {
    public let name: String
    public let bodies: [Body]
    public let joints: [Joint]          // joints[i].child == i
    public let coordinates: [Coordinate]
    public let gravity: Vec3
    public let forces: [ForceElement]
    /// Coordinates that follow another (CoordinateCouplerConstraint), and body points held on lines in ground.
    public let couplers: [CoordinateCoupler]
    public let pointsOnLines: [PointOnLine]
    /// The muscles among them (nil for the others), referenced without retaining: `forces` keeps them alive, and the
    /// evaluation loop then calls them without two atomic reference-count operations each per evaluation.
    let unretainedMuscles: [Unmanaged<MuscleForce>?]
    /// For the unlocked coordinates in order (`Scratch.unlocked`), the place in that list of the nearest unlocked
    /// coordinate up the tree (−1 for none): the sparsity of the mass matrix, which its factorization keeps. A model
    /// whose coordinates do not come after their ancestors' gets a chain (i − 1), which factorizes densely.
    let freeParent: [Int]
    /// The three angle coordinates of each joint whose rotation speeds are angular velocities (`Joint.angularVelocitySpeeds`).
    let angularSpeedAngles: [(Int, Int, Int)]
    /// The force elements whose laws have kinks (`ForceElement.hasKinks`).
    let kinkingForces: [Int]
    /// Where each force element's states, controls and outputs start in `SimData` (computed once).
    public let stateOffsets: [Int], controlOffsets: [Int], outputOffsets: [Int]
    public let stateCount: Int, controlCount: Int, outputCount: Int
    /// The points of every muscle path, one after another (`pathStarts` per force element), which the kinematics
    /// places in ground in one pass.
    let pathSites: [GeometryPath.Site], pathStarts: [Int]
    /// Among them, the conditional points (whose activity the kinematics updates) and the fixed points it places (not
    /// moving, read by some segment): lists, so its loops skip the rest.
    let conditionalSites: [Int], placedSites: [Int]
    /// The moving points among them: where in `pathSites`, their path and their index in it.
    let movingPathPoints: [(site: Int, path: GeometryPath, point: Int)]
    public let contactGeometry: ContactGeometrySet
    public let warnings: [String]
    /// Per joint: what the kinematics evaluates (`JointPlan`).
    let plans: [JointPlan]
    /// Mass properties with fixed children folded into their parents, and the bodies that keep a mass: what gravity,
    /// inertial forces and the mass matrix visit.
    let foldedBodies: [Body], massive: [Int]
    /// The planar evaluation, for a model that moves in the x-y plane (nil otherwise).
    let planar: PlanarTree?

    init(name: String, bodies: [Body], joints: [Joint], coordinates: [Coordinate], gravity: Vec3,
         forces: [ForceElement], contactGeometry: ContactGeometrySet, warnings: [String], couplers: [CoordinateCoupler] = [],
         pointsOnLines: [PointOnLine] = []) {
        self.name = name; self.bodies = bodies; self.joints = joints; self.coordinates = coordinates; self.couplers = couplers
        self.pointsOnLines = pointsOnLines
        self.gravity = gravity; self.forces = forces; self.contactGeometry = contactGeometry; self.warnings = warnings
        unretainedMuscles = forces.map { ($0 as? MuscleForce).map(Unmanaged.passUnretained) }
        kinkingForces = forces.indices.filter { forces[$0].hasKinks }
        angularSpeedAngles = joints.filter { $0.angularVelocitySpeeds && $0.coordinates.count >= 3 }.map { ($0.coordinates[0], $0.coordinates[1], $0.coordinates[2]) }
        freeParent = Self.freeParents(joints: joints, coordinates: coordinates)
        plans = joints.map(JointPlan.init)
        let folded = JointPlan.foldedMassProperties(bodies, joints, plans)
        foldedBodies = folded
        massive = folded.indices.filter { folded[$0].mass > 0 }
        planar = PlanarTree(joints: joints, plans: plans, foldedBodies: folded, gravity: gravity)
        func layout(_ size: (ForceElement) -> Int) -> ([Int], Int) {
            var offsets: [Int] = [], total = 0
            for f in forces { offsets.append(total); total += size(f) }
            return (offsets, total)
        }
        (stateOffsets, stateCount) = layout { $0.stateCount }
        (controlOffsets, controlCount) = layout { $0.controlCount }
        (outputOffsets, outputCount) = layout { $0.outputCount }
        let paths = forces.map { ($0 as? PathForce)?.path }
        let starts = layout { f in (f as? PathForce)?.path.sites.count ?? 0 }.0
        pathStarts = starts
        let sites = paths.flatMap { $0?.sites ?? [] }
        pathSites = sites
        conditionalSites = sites.indices.filter { sites[$0].condition >= 0 }
        placedSites = sites.indices.filter { sites[$0].placed && !sites[$0].moving }
        movingPathPoints = forces.indices.flatMap { f in
            (paths[f]?.sites.indices ?? 0..<0).compactMap { i in paths[f]!.sites[i].moving ? (starts[f] + i, paths[f]!, i) : nil }
        }
    }

    static func freeParents(joints: [Joint], coordinates: [Coordinate]) -> [Int] {
        // The coordinate before k in the tree: the previous one of its joint, else the last of the nearest ancestor
        // joint that has any.
        func up(_ k: Int) -> Int {
            let j = coordinates[k].joint, own = joints[j].coordinates
            if let at = own.firstIndex(of: k), at > 0 { return own[at - 1] }
            var a = joints[j].parent
            while a >= 0 { if let last = joints[a].coordinates.last { return last }; a = joints[a].parent }
            return -1
        }
        let free = coordinates.indices.filter { !coordinates[$0].locked }
        let place = Dictionary(uniqueKeysWithValues: free.enumerated().map { ($1, $0) })
        let parents = free.map { k -> Int in
            var p = up(k)
            while p >= 0 && coordinates[p].locked { p = up(p) }
            return p >= 0 ? place[p]! : -1
        }
        let ordered = parents.enumerated().allSatisfy { $1 < $0 }
        return ordered ? parents : free.indices.map { $0 - 1 }
    }

    public var coordinateCount: Int { coordinates.count }
    public var totalMass: Double { bodies.reduce(0) { $0 + $1.mass } }

    public func bodyIndex(_ name: String) -> Int? { bodies.firstIndex { $0.name == name } }
    public func coordinateIndex(_ name: String) -> Int? { coordinates.firstIndex { $0.name == name } }

    /// The slots of force element i.
    func slots(_ i: Int) -> ForceSlots {
        ForceSlots(state: stateOffsets[i], control: controlOffsets[i], output: outputOffsets[i], pathPoints: pathStarts[i])
    }

    /// Default coordinate values and speeds.
    public var defaultPositions: [Double] { coordinates.map(\.defaultValue) }
    public var defaultSpeeds: [Double] { coordinates.map(\.defaultSpeed) }
}

extension Model {
    /// A copy with some parts replaced and everything else (constraints included) kept: the one place a variant of a
    /// model is built, so a part added to `Model` cannot be dropped by one copy site.
    public func replacing(coordinates newCoordinates: [Coordinate]? = nil, forces newForces: [ForceElement]? = nil,
                   contactGeometry newGeometry: ContactGeometrySet? = nil, warnings newWarnings: [String]? = nil) -> Model {
        Model(name: name, bodies: bodies, joints: joints, coordinates: newCoordinates ?? coordinates, gravity: gravity,
              forces: newForces ?? forces, contactGeometry: newGeometry ?? contactGeometry, warnings: newWarnings ?? warnings,
              couplers: couplers, pointsOnLines: pointsOnLines)
    }

    /// A copy with more force elements and contact geometry (e.g. contact a file leaves out, perturbation pushes).
    public func adding(forces extra: [ForceElement], spheres: [ContactGeometrySet.Sphere] = [],
                       halfSpaces: [ContactGeometrySet.HalfSpace] = [], warnings moreWarnings: [String] = []) -> Model {
        var geometry = contactGeometry
        geometry.spheres += spheres; geometry.halfSpaces += halfSpaces
        return replacing(forces: forces + extra, contactGeometry: geometry, warnings: warnings + moreWarnings)
    }

    /// A copy without the force elements `drop` selects.
    public func removing(forces drop: (ForceElement) -> Bool) -> Model { replacing(forces: forces.filter { !drop($0) }) }
}

extension Model {
    /// A copy with the named coordinates locked (held at their values, zero speed) or unlocked.
    public func setting(locked names: Set<String>, to locked: Bool = true) -> Model {
        let changed = coordinates.map { c in
            names.contains(c.name) ? Coordinate(name: c.name, joint: c.joint, motion: c.motion, defaultValue: c.defaultValue,
                                                defaultSpeed: c.defaultSpeed, range: c.range, locked: locked, clamped: c.clamped) : c
        }
        return replacing(coordinates: changed)
    }
}

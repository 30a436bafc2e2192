/// Everything that changes while simulating one copy of a model: positions, speeds, force-element states and the
/// scratch of every computation, allocated once per copy so stepping allocates nothing. Many `SimData` can share
/// one immutable `Model`.
public struct SimData {
    public var time = 0.0
    /// Coordinate values and speeds, in the model's coordinate order (rad, m; rad/s, m/s).
    public var q: [Double]
    public var u: [Double]
    /// Force-element states (muscle activations, fiber lengths), laid out by the model's state offsets.
    public var z: [Double]
    /// Controls (excitations or actuator inputs), one per actuator.
    public var controls: [Double]
    /// Values reported by force elements at the last evaluation (e.g. per-foot contact force and moment).
    public internal(set) var outputs: [Double]

    // Per body, ground frame: rotation, origin, angular and linear (origin) velocity, and the accelerations the
    // body would have if all q̈ were zero (the velocity-product terms).
    public internal(set) var rotation: [Mat3]
    public internal(set) var origin: [Vec3]
    public internal(set) var angularVelocity: [Vec3]
    public internal(set) var velocity: [Vec3]
    var angularBias: [Vec3]
    var linearBias: [Vec3]
    /// Per joint: origin of its child-side frame M in ground.
    var jointOrigin: [Vec3]
    /// Per coordinate: angular velocity and velocity of its joint's M origin per unit speed, in ground.
    var columnAngular: [Vec3]
    var columnLinear: [Vec3]
    /// Per coordinate: the linear part of its motion column taken at the ground origin (mass-matrix scratch).
    var originColumn: [Vec3]

    // Dynamics scratch.
    var bodyForce: [Vec3]      // net applied force per body
    var bodyMoment: [Vec3]     // net applied moment per body, about the ground origin
    var generalized: [Double]  // generalized forces
    var massMatrix: [Double]   // n×n row-major
    // Composite rigid bodies (each body with its subtree): mass, first moment Σm·c and inertia about the ground origin.
    var compositeMass: [Double]
    var compositeMoment: [Vec3]
    var compositeInertia: [Mat3]
    /// Planar models (`PlanarTree`): each body's angle about z, and the composite inertias about the ground z axis.
    var angle: [Double], compositeInertiaZ: [Double]
    var factor: [Double]       // Cholesky workspace over the unlocked coordinates
    var free: [Int]            // indices of unlocked coordinates
    public internal(set) var udot: [Double]
    /// Counts kinematics updates, so a cached evaluation can tell whether this scratch still holds it.
    var generation: UInt64 = 0
    /// Path scratch: the active points of the muscle path being evaluated (index in its path, ground position).
    var pathPoint: [Int]
    var pathPosition: [Vec3]
    /// Every muscle path's points as the kinematics placed them (`Model.placePathPoints`): ground position and
    /// velocity, and whether a conditional point is active (moving points are left to their path).
    var placedPosition: [Vec3], placedVelocity: [Vec3], placedActive: [Bool]
    /// Per placed point, the unit vector along its path's segment ending there (left by the length pass for the
    /// tension pass).
    var placedDirection: [Vec3]

    public init(model: Model) {
        let n = model.coordinateCount, b = model.bodies.count
        q = model.defaultPositions; u = model.defaultSpeeds
        z = [Double](repeating: 0, count: model.stateCount)
        controls = [Double](repeating: 0, count: model.controlCount)
        outputs = [Double](repeating: 0, count: model.outputCount)
        rotation = [Mat3](repeating: .identity, count: b)
        origin = [Vec3](repeating: .zero, count: b)
        angularVelocity = origin; velocity = origin; angularBias = origin; linearBias = origin
        jointOrigin = [Vec3](repeating: .zero, count: model.joints.count)
        columnAngular = [Vec3](repeating: .zero, count: n); columnLinear = columnAngular; originColumn = columnAngular
        bodyForce = origin; bodyMoment = origin
        generalized = [Double](repeating: 0, count: n)
        massMatrix = [Double](repeating: 0, count: n * n)
        compositeMass = [Double](repeating: 0, count: b)
        compositeMoment = origin
        compositeInertia = [Mat3](repeating: .identity, count: b)
        angle = [Double](repeating: 0, count: b); compositeInertiaZ = angle
        factor = massMatrix
        free = model.coordinates.indices.filter { !model.coordinates[$0].locked }
        udot = generalized
        let longestPath = model.forces.compactMap { ($0 as? MuscleForce)?.path.points.count }.max() ?? 0
        pathPoint = [Int](repeating: 0, count: longestPath)
        pathPosition = [Vec3](repeating: .zero, count: longestPath)
        placedPosition = [Vec3](repeating: .zero, count: model.pathSites.count); placedVelocity = placedPosition
        placedDirection = placedPosition
        placedActive = [Bool](repeating: false, count: model.pathSites.count)
        for (i, f) in model.forces.enumerated() { f.initialize(model: model, state: &z, offset: model.stateOffsets[i]) }
    }

    /// Position of a point fixed on `body` (body-frame coordinates) in ground.
    public func position(of point: Vec3, on body: Int) -> Vec3 { origin[body] + rotation[body] * point }

    /// Velocity in ground of a point fixed on `body`.
    public func velocity(of point: Vec3, on body: Int) -> Vec3 {
        velocity[body] + cross(angularVelocity[body], rotation[body] * point)
    }
}

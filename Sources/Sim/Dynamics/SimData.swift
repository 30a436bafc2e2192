/// Everything that changes while simulating one copy of a model: positions, speeds, force-element states, and what
/// an evaluation computes there (`Scratch`, allocated once per copy so stepping allocates nothing). Many `SimData`
/// can share one immutable `Model`; a copy shares its scratch until either evaluates.
public struct SimData {
    public var time = 0.0
    /// Coordinate values and speeds, in the model's coordinate order (rad, m; rad/s, m/s).
    public var q: [Double]
    public var u: [Double]
    /// Force-element states (muscle activations, fiber lengths), laid out by the model's state offsets.
    public var z: [Double]
    /// Controls (excitations or actuator inputs), one per actuator.
    public var controls: [Double]
    /// Counts kinematics updates, so a cached evaluation can tell whether this scratch still holds it.
    var generation: UInt64 = 0
    var scratch: Scratch

    public init(model: Model) {
        q = model.defaultPositions; u = model.defaultSpeeds
        z = [Double](repeating: 0, count: model.stateCount)
        controls = [Double](repeating: 0, count: model.controlCount)
        scratch = Scratch(model: model)
        for (i, f) in model.forces.enumerated() { f.initialize(model: model, state: &z, offset: model.stateOffsets[i]) }
        model.satisfyConstraints(&self)
    }

    /// Before an evaluation writes its results: a copy of this data stops sharing them.
    @inline(__always) mutating func ownScratch() {
        if !isKnownUniquelyReferenced(&scratch) { scratch = Scratch(copying: scratch) }
    }

    /// Per body, ground frame, at the last kinematics update: rotation, origin, angular velocity and velocity of the
    /// origin.
    public var rotation: SimValues<Mat3> { SimValues(owner: scratch, buffer: scratch.rotation) }
    public var origin: SimValues<Vec3> { SimValues(owner: scratch, buffer: scratch.origin) }
    public var angularVelocity: SimValues<Vec3> { SimValues(owner: scratch, buffer: scratch.angularVelocity) }
    public var velocity: SimValues<Vec3> { SimValues(owner: scratch, buffer: scratch.velocity) }
    /// Coordinate accelerations of the last evaluation.
    public var udot: SimValues<Double> { SimValues(owner: scratch, buffer: scratch.udot) }
    /// Values reported by force elements at the last evaluation (e.g. per-foot contact force and moment).
    public var outputs: SimValues<Double> { SimValues(owner: scratch, buffer: scratch.outputs) }

    /// Zero accelerations and outputs (for a state that could not be evaluated).
    public mutating func clearResults() {
        ownScratch()
        for i in scratch.udot.indices { scratch.udot[i] = 0 }
        for i in scratch.outputs.indices { scratch.outputs[i] = 0 }
    }

    /// Position of a point fixed on `body` (body-frame coordinates) in ground.
    public func position(of point: Vec3, on body: Int) -> Vec3 { scratch.origin[body] + scratch.rotation[body] * point }

    /// Velocity in ground of a point fixed on `body`.
    public func velocity(of point: Vec3, on body: Int) -> Vec3 {
        scratch.velocity[body] + cross(scratch.angularVelocity[body], scratch.rotation[body] * point)
    }

    /// Velocity in ground of the point of `body` (−1: ground, which does not move) that is at ground point `point` now.
    @inline(__always) public func velocity(ofGroundPoint point: Vec3, on body: Int) -> Vec3 {
        body < 0 ? .zero : scratch.velocity[body] + cross(scratch.angularVelocity[body], point - scratch.origin[body])
    }
}

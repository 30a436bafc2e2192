/// Something that pushes on the model: it adds body forces (through `SimData.applyForce`) or generalized forces
/// (`SimData.applyGeneralizedForce`) from the current kinematics, and may own continuous states (a muscle's
/// activation and fiber length) whose derivatives it writes. States live in `SimData.z` at the element's offset.
public protocol ForceElement: AnyObject, Sendable {
    var name: String { get }
    /// Number of continuous states this element owns.
    var stateCount: Int { get }
    /// Number of control inputs this element reads (an actuator's excitation).
    var controlCount: Int { get }
    /// Number of values it reports after each evaluation (contact force and moment).
    var outputCount: Int { get }
    /// Sets its states to their defaults.
    func initialize(model: Model, state: inout [Double], offset: Int)
    /// Adds its forces for the kinematics in `data` (already updated) and writes its state derivatives.
    func apply(model: Model, data: inout SimData, slots: ForceSlots, stateRates: inout [Double])
    /// Adds its derivatives to the stiff integrator's Jacobian at the evaluation in `data` (whose force scratch it
    /// may overwrite); elements that are not stiff add nothing.
    func addJacobian(model: Model, data: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian)
}

extension ForceElement {
    public var stateCount: Int { 0 }
    public var controlCount: Int { 0 }
    public var outputCount: Int { 0 }
    public func initialize(model: Model, state: inout [Double], offset: Int) {}
    public func addJacobian(model: Model, data: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian) {}
}

/// Where one force element's states, controls, outputs and placed path points live in `SimData`.
public struct ForceSlots: Sendable {
    public let state: Int, control: Int, output: Int
    /// Where its path's points start among the points the kinematics places (`Model.placePathPoints`).
    public var pathPoints = 0

    public init(state: Int, control: Int, output: Int, pathPoints: Int = 0) {
        self.state = state; self.control = control; self.output = output; self.pathPoints = pathPoints
    }
}

extension SimData {
    // What force elements add during an evaluation (into scratch that the evaluation owns).

    /// Adds a force (ground frame, N) acting at a point (ground frame) of `body`.
    @inline(__always) public mutating func applyForce(_ force: Vec3, at point: Vec3, on body: Int) {
        scratch.bodyForce[body] += force
        scratch.bodyMoment[body] += cross(point, force)
    }

    /// Adds a pure moment (ground frame, N·m) on `body`.
    public mutating func applyMoment(_ moment: Vec3, on body: Int) { scratch.bodyMoment[body] += moment }

    /// Adds a generalized force on a coordinate (N·m or N).
    public mutating func applyGeneralizedForce(_ value: Double, coordinate: Int) { scratch.generalized[coordinate] += value }

    /// Sets output `i` (a value the force element reports, `ForceSlots.output` on).
    public mutating func setOutput(_ i: Int, _ value: Double) { scratch.outputs[i] = value }
}

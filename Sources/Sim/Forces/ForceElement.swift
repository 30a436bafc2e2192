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
    /// Whether its force law has kinks (see `timeToKink`): the integrator asks only these elements, since each call
    /// passes the data (measured: asking all 18 elements of the 2D model costs 0.6 % of a run).
    var hasKinks: Bool { get }
    /// The time within `horizon` at which the force law reaches its next kink (a point where the force or its slope
    /// changes abruptly), extrapolating quadratically from the evaluation in `data` (positions, speeds and u̇ at a
    /// step start), or nil (the default: a smooth law); crossings closer than `after` are the one the step starts on
    /// and are skipped. The stiff integrator ends its step there, so no step straddles the kink (a step across one is
    /// rejected again and again until it is tiny).
    func timeToKink(model: Model, data: SimData, after: Double, within horizon: Double) -> Double?
    /// Adds its derivatives to the stiff integrator's Jacobian at the evaluation in `data` (whose force scratch it
    /// may overwrite); elements that are not stiff add nothing.
    func addJacobian(model: Model, data: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian)
}

extension ForceElement {
    public var stateCount: Int { 0 }
    public var controlCount: Int { 0 }
    public var outputCount: Int { 0 }
    public func initialize(model: Model, state: inout [Double], offset: Int) {}
    public var hasKinks: Bool { false }
    public func timeToKink(model: Model, data: SimData, after: Double, within horizon: Double) -> Double? { nil }
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

/// The first root in (after, before) of c0 + c1·τ + c2·τ²/2 (a coordinate's distance to an edge, extrapolated), or nil.
func firstCrossing(_ c0: Double, _ c1: Double, _ c2: Double, after: Double, before: Double) -> Double? {
    var roots: (Double, Double)
    if abs(c2) * before <= 1e-12 * abs(c1) {  // (c2 = 0 included)
        guard c1 != 0 else { return nil }
        roots = (-c0 / c1, .infinity)
    } else {
        let disc = c1 * c1 - 2 * c2 * c0
        guard disc >= 0 else { return nil }
        // Without cancellation: q = −(c1 + sign(c1)·√disc), roots q/c2 and 2·c0/q.
        let q = -(c1 + (c1 < 0 ? -disc.squareRoot() : disc.squareRoot()))
        roots = (q / c2, q != 0 ? 2 * c0 / q : .infinity)
        if roots.0 > roots.1 { roots = (roots.1, roots.0) }
    }
    if roots.0 > after && roots.0 < before { return roots.0 }
    if roots.1 > after && roots.1 < before { return roots.1 }
    return nil
}

extension Model {
    /// The time within `horizon` to the first kink of any force law (`ForceElement.timeToKink`) from the evaluation
    /// in `d`, or nil.
    func timeToKink(_ d: SimData, after: Double, within horizon: Double) -> Double? {
        var first: Double?
        for f in kinkingForces {
            if let t = forces[f].timeToKink(model: self, data: d, after: after, within: first ?? horizon) { first = t }
        }
        return first
    }
}

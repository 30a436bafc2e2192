/// A Hill-type muscle-tendon unit as a force element: its `MuscleModel` (Thelen, Millard or DeGroote–Fregly
/// mechanics) pulls along its `GeometryPath`. It owns the activation state and, with a compliant tendon, the fiber
/// length state; its control is the excitation, clipped to the muscle's control range.
public final class MuscleForce: ForceElement {
    public let name: String
    public let muscle: MuscleModel
    public let path: GeometryPath

    public init(muscle: MuscleModel, path: GeometryPath) {
        name = muscle.parameters.name; self.muscle = muscle; self.path = path
    }

    public var stateCount: Int { muscle.rigidTendon ? 1 : 2 }
    public var controlCount: Int { 1 }
    /// Reported after each evaluation, in this order.
    public static let outputNames = ["tendon_force", "activation", "norm_fiber_length", "norm_fiber_velocity", "fiber_velocity", "active_fiber_force"]
    public var outputCount: Int { Self.outputNames.count }

    public func initialize(model: Model, state: inout [Double], offset: Int) {
        let p = muscle.parameters
        state[offset] = p.defaultActivation
        if !muscle.rigidTendon { state[offset + 1] = p.defaultFiberLength ?? p.optimalFiberLength }
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        // The path's points as the kinematics placed them.
        let (length, speed) = path.lengthAndSpeed(placedFrom: slots.pathPoints, &d)
        let excitation = min(max(d.controls[slots.control], muscle.parameters.minControl), muscle.parameters.maxControl)
        let fiber = muscle.rigidTendon ? 0 : d.z[slots.state + 1]
        let e = muscle.evaluate(activation: d.z[slots.state], fiberLength: fiber, mtuLength: length,
                                mtuLengtheningSpeed: speed, excitation: excitation, hint: d.scratch.curveHint.base + slots.state)
        path.applyTension(e.tendonForce, placedFrom: slots.pathPoints, &d)
        stateRates[slots.state] = e.activationDerivative
        if !muscle.rigidTendon { stateRates[slots.state + 1] = e.fiberLengthDerivative }
        let o = slots.output
        d.scratch.outputs[o] = e.tendonForce; d.scratch.outputs[o + 1] = e.activation; d.scratch.outputs[o + 2] = e.normFiberLength
        d.scratch.outputs[o + 3] = e.normFiberVelocity; d.scratch.outputs[o + 4] = e.fiberVelocity; d.scratch.outputs[o + 5] = e.activeFiberForce
    }

    /// Moment arms from a unit tension, then the muscle's partial derivatives in its states, the path length and its
    /// lengthening speed (tendon force and state rates).
    public func addJacobian(model: Model, data d: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian) {
        let (length, speed, active) = path.lengthAndSpeed(caching: &d)
        model.unitTensionForces(path, active: active, &d)
        // A coordinate that moves the whole path rigidly (a pelvis translation) gets a rounding-level arm: dropped,
        // so that the muscle's rows of W stay on the coordinates it spans.
        let forces = d.scratch.generalized, n = model.coordinateCount
        var largest = 0.0  // over the buffer in place: its `array` would allocate at every W
        for k in 0..<n { largest = max(largest, abs(forces[k])) }
        func arm(_ k: Int) -> Double { abs(forces[k]) > 1e-12 * largest ? forces[k] : 0 }
        for k in 0..<n { jacobian.arms[k] = arm(k) }
        if path.holdsAMovingPoint(d) { model.unitTensionForces(path, active: active, &d, geometric: true) }
        for k in 0..<n { jacobian.lengthArms[k] = arm(k) }  // the same buffer, now holding the geometric arms
        let excitation = min(max(d.controls[slots.control], muscle.parameters.minControl), muscle.parameters.maxControl)
        let a = d.z[slots.state], l = muscle.rigidTendon ? 0 : d.z[slots.state + 1]
        let g = muscle.partials(activation: a, fiberLength: l, mtuLength: length, mtuLengtheningSpeed: speed, excitation: excitation,
                                hint: d.scratch.curveHint.base + slots.state)
        jacobian.addPathTension(state: slots.state, count: muscle.rigidTendon ? 1 : 2, dFdL: g.dFdL, dFdV: g.dFdV,
                                dFdz: (g.dFda, g.dFdl), dzdL: (g.dadotdL, g.dldotdL), dzdV: (g.dadotdV, g.dldotdV),
                                dzdz: ((g.dadotda, g.dadotdl), (g.dldotda, g.dldotdl)))
    }
}

extension Model {
    /// The muscles, in model order.
    public var muscles: [MuscleForce] { forces.compactMap { $0 as? MuscleForce } }

    /// Sets every compliant muscle's fiber length to static equilibrium (fiber force along the tendon equals tendon
    /// force) at its current activation, pose and speeds, as OpenSim's equilibrateMuscles does: a Thelen muscle
    /// shares its path's lengthening speed between fiber and tendon, the others solve at zero fiber velocity
    /// (`MuscleModel.equilibriumFiberLength(activation:mtuLength:mtuLengtheningSpeed:solveForVelocity:)`).
    public func equilibrateMuscles(_ d: inout SimData) {
        updateKinematics(&d)
        for (i, f) in forces.enumerated() {
            guard let m = f as? MuscleForce, !m.muscle.rigidTendon else { continue }
            let (length, speed) = m.path.lengthAndSpeed(d)
            d.z[stateOffsets[i] + 1] = m.muscle.equilibriumFiberLength(activation: d.z[stateOffsets[i]], mtuLength: length, mtuLengtheningSpeed: speed)
        }
    }

    /// A copy whose muscles all use rigid (or all compliant) tendons.
    public func withTendons(rigid: Bool) -> Model {
        let replaced: [ForceElement] = forces.map { f in
            guard let m = f as? MuscleForce else { return f }
            return MuscleForce(muscle: MuscleModel(m.muscle.parameters, rigidTendon: rigid), path: m.path)
        }
        return replacing(forces: replaced)
    }
}

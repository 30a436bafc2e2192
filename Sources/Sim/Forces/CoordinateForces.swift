import Foundation

/// OpenSim's CoordinateLimitForce: a spring-damper that engages smoothly beyond a coordinate's limits.
/// Beyond the upper limit f = −(K_up·(q − q_up) + D·q̇), below the lower one f = −(K_low·(q − q_low) + D·q̇), each
/// scaled by a quintic step rising from 0 at the limit to 1 one `transition` further out. Stiffness and damping of
/// rotational coordinates are per degree, so q and q̇ are converted to degrees. Source: OpenSim CoordinateLimitForce.
public final class CoordinateLimitForce: ForceElement {
    public let name: String
    public let coordinate: Int
    let upper, lower, upperStiffness, lowerStiffness, damping, transition: Double
    let scale: Double   // 180/π for rotational coordinates, 1 for translational

    public init(name: String, coordinate: Int, upperLimit: Double, lowerLimit: Double, upperStiffness: Double,
                lowerStiffness: Double, damping: Double, transition: Double, rotational: Bool) {
        self.name = name; self.coordinate = coordinate
        self.upper = upperLimit; self.lower = lowerLimit
        self.upperStiffness = upperStiffness; self.lowerStiffness = lowerStiffness
        self.damping = damping; self.transition = transition
        scale = rotational ? 180 / Double.pi : 1
    }

    /// Quintic smooth step: 0 below 0, 1 above 1, 10t³ − 15t⁴ + 6t⁵ between.
    static func step(_ t: Double) -> Double {
        if t <= 0 { return 0 }
        if t >= 1 { return 1 }
        return t * t * t * (10 + t * (-15 + 6 * t))
    }

    public func force(q: Double, u: Double) -> Double {
        let x = q * scale, v = u * scale
        let up = Self.step((x - upper) / transition), low = Self.step((lower - x) / transition)
        return -up * (upperStiffness * (x - upper) + damping * v) - low * (lowerStiffness * (x - lower) + damping * v)
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        d.applyGeneralizedForce(force(q: d.q[coordinate], u: d.u[coordinate]), coordinate: coordinate)
    }

    /// Both ends of both transitions are kinks in practice: the damping switches on within `transition` (0.01° in
    /// the shared models), a jump in force for a step of a millisecond.
    public var hasKinks: Bool { true }

    public func timeToKink(model: Model, data d: SimData, after: Double, within horizon: Double) -> Double? {
        let (x, v, a) = (d.q[coordinate], d.u[coordinate], d.scratch.udot[coordinate])
        var first: Double?
        func cross(_ edge: Double) {
            if let t = firstCrossing(x - edge / scale, v, a, after: after, before: first ?? horizon) { first = t }
        }
        cross(upper); cross(upper + transition); cross(lower); cross(lower - transition)
        return first
    }

    /// Central differences of the limit law in q and u.
    public func addJacobian(model: Model, data d: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian) {
        let q = d.q[coordinate], u = d.u[coordinate], dq = 1e-7, du = 1e-6
        jacobian.addCoordinateForce(coordinate, dq: (force(q: q + dq, u: u) - force(q: q - dq, u: u)) / (2 * dq),
                                    du: (force(q: q, u: u + du) - force(q: q, u: u - du)) / (2 * du))
    }
}

/// OpenSim's CoordinateActuator: generalized force optimal_force × control on one coordinate (controls beyond the
/// control limits are clipped).
public final class CoordinateActuator: ForceElement {
    public let name: String
    public let coordinate: Int
    public let optimalForce: Double
    public let minControl: Double, maxControl: Double
    public var controlCount: Int { 1 }

    public init(name: String, coordinate: Int, optimalForce: Double, minControl: Double = -.infinity, maxControl: Double = .infinity) {
        self.name = name; self.coordinate = coordinate; self.optimalForce = optimalForce
        self.minControl = minControl; self.maxControl = maxControl
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        let control = min(max(d.controls[slots.control], minControl), maxControl)
        d.applyGeneralizedForce(optimalForce * control, coordinate: coordinate)
    }
}

/// A position servo on one coordinate: torque kp·(target − q) − kd·q̇, clipped to ±maxTorque, with the target as its
/// control. Unlike a PD torque computed once per control step and held, it acts at every integrator stage (a servo
/// with a fast inner loop, as MuJoCo's position actuators), so it stays stable on segments whose inertia is far too
/// small for a torque held over 0.01 s (kd·Δt/I > 2: the toes and subtalar joints of OpenSim's gait2392). Output:
/// the torque (N·m). The clip is a kink the step control does not seek out; it only changes the torque's slope.
public final class PDServo: ForceElement {
    public let name: String
    public let coordinate: Int
    public let kp: Double, kd: Double, maxTorque: Double
    /// A residual actuator: a torque on the floating base (an external torque on the body), reported apart.
    public let residual: Bool
    public var controlCount: Int { 1 }
    public var outputCount: Int { 1 }

    public init(name: String, coordinate: Int, kp: Double, kd: Double, maxTorque: Double, residual: Bool = false) {
        self.name = name; self.coordinate = coordinate; self.kp = kp; self.kd = kd; self.maxTorque = maxTorque
        self.residual = residual
    }

    @inline(__always) func torque(target: Double, q: Double, u: Double) -> Double {
        min(max(kp * (target - q) - kd * u, -maxTorque), maxTorque)
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        let t = torque(target: d.controls[slots.control], q: d.q[coordinate], u: d.u[coordinate])
        d.scratch.outputs[slots.output] = t
        d.applyGeneralizedForce(t, coordinate: coordinate)
    }

    public func addJacobian(model: Model, data d: inout SimData, slots: ForceSlots, into jacobian: inout StiffJacobian) {
        let raw = kp * (d.controls[slots.control] - d.q[coordinate]) - kd * d.u[coordinate]
        guard abs(raw) < maxTorque else { return }  // clipped: the torque does not change with the state
        jacobian.addCoordinateForce(coordinate, dq: -kp, du: -kd)
    }
}

/// A force on a body at a point, both in ground frame, switched on for a time window (perturbation pushes).
public final class PointForce: ForceElement {
    public let name: String
    public let body: Int
    public let point: Vec3       // body frame
    public let force: Vec3       // ground frame
    public let start: Double, end: Double

    public init(name: String, body: Int, point: Vec3, force: Vec3, start: Double, end: Double) {
        self.name = name; self.body = body; self.point = point; self.force = force; self.start = start; self.end = end
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        guard d.time >= start && d.time < end else { return }
        d.applyForce(force, at: d.position(of: point, on: body), on: body)
    }
}

import Foundation

/// Gymnasium's `Pendulum-v1`, reproduced exactly as a known-answer task for the learners.
/// Constants and equations from gymnasium/envs/classic_control/pendulum.py: g = 10, m = 1, l = 1, dt = 0.05,
/// max speed 8, max torque 2; θ̇' = θ̇ + (3g/(2l)·sin θ + 3/(m l²)·u)·dt, clipped to ±8; θ' = θ + θ̇'·dt;
/// reward −(norm(θ)² + 0.1·θ̇² + 0.001·u²); reset θ ~ U(−π, π), θ̇ ~ U(−1, 1); 200-step time limit.
public final class Pendulum: Environment {
    public static let id = "Pendulum-v1"
    public let observationSize = 3
    public let actionSize = 1
    public let actionLow: [Float] = [-2]
    public let actionHigh: [Float] = [2]

    static let g = 10.0, m = 1.0, l = 1.0, dt = 0.05, maxSpeed = 8.0, maxTorque = 2.0, maxSteps = 200

    public private(set) var theta = 0.0
    public private(set) var thetaDot = 0.0
    private var stepsTaken = 0

    public init() {}

    public func reset(seed: UInt64, observation: inout [Float]) {
        var rng = Random(seed: seed)
        theta = rng.uniform(-Double.pi, Double.pi)
        thetaDot = rng.uniform(-1, 1)
        stepsTaken = 0
        write(&observation)
    }

    /// Sets the state directly (tests compare against known trajectories).
    public func setState(theta: Double, thetaDot: Double) { self.theta = theta; self.thetaDot = thetaDot; stepsTaken = 0 }

    public func step(_ action: [Float], observation: inout [Float]) -> StepOutcome {
        let u = min(max(Double(action[0]), -Self.maxTorque), Self.maxTorque)
        let cost = Self.normalize(theta) * Self.normalize(theta) + 0.1 * thetaDot * thetaDot + 0.001 * u * u
        var newThetaDot = thetaDot + (3 * Self.g / (2 * Self.l) * sin(theta) + 3 / (Self.m * Self.l * Self.l) * u) * Self.dt
        newThetaDot = min(max(newThetaDot, -Self.maxSpeed), Self.maxSpeed)
        theta += newThetaDot * Self.dt
        thetaDot = newThetaDot
        stepsTaken += 1
        write(&observation)
        return StepOutcome(reward: -cost, terminated: false, truncated: stepsTaken >= Self.maxSteps)
    }

    private func write(_ observation: inout [Float]) {
        observation[0] = Float(cos(theta)); observation[1] = Float(sin(theta)); observation[2] = Float(thetaDot)
    }

    /// Angle wrapped to [−π, π), as Python's `((x + π) % 2π) − π`.
    static func normalize(_ x: Double) -> Double {
        var r = (x + Double.pi).truncatingRemainder(dividingBy: 2 * Double.pi)
        if r < 0 { r += 2 * Double.pi }
        return r - Double.pi
    }
}

/// A force element that pulls along a `GeometryPath` (a muscle, a path spring): the model places its path points
/// with the kinematics.
public protocol PathForce: ForceElement {
    var path: GeometryPath { get }
}

extension MuscleForce: PathForce {}

/// OpenSim's PathSpring: a tension T = k·max(0, L − L₀)·(1 + c·L̇) along its path (stiffness k, resting length L₀,
/// dissipation c, path length L and its lengthening speed L̇). Source: OpenSim 4.6 PathSpring::getTension.
public final class PathSpring: PathForce {
    public let name: String
    public let path: GeometryPath
    let stiffness, restingLength, dissipation: Double

    public init(name: String, path: GeometryPath, stiffness: Double, restingLength: Double, dissipation: Double) {
        self.name = name; self.path = path
        self.stiffness = stiffness; self.restingLength = restingLength; self.dissipation = dissipation
    }

    public func apply(model: Model, data d: inout SimData, slots: ForceSlots, stateRates: inout [Double]) {
        let (length, speed) = path.lengthAndSpeed(placedFrom: slots.pathPoints, &d)
        let tension = stiffness * max(0, length - restingLength) * (1 + dissipation * speed)
        path.applyTension(tension, placedFrom: slots.pathPoints, &d)
    }
}

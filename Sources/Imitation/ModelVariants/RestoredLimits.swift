import Sim

extension Model {
    /// gait1422_3d's eight coordinate limit forces, which the shared file carries only inside XML comments (OpenSim
    /// ignores them, so the original 3D environments ran without joint limits and an unloaded knee could fold
    /// backwards). Figures from those commented-out CoordinateLimitForce blocks (bioimitation-gym, based on the
    /// OpenSim gait models, CC BY 3.0): stiffness 20 N·m/deg, damping 0.25 N·m·s/deg, transition 10 deg; limits in deg.
    public func withRestoredLimitForces() throws -> Model {
        let limits: [(name: String, coordinate: String, lower: Double, upper: Double)] = [
            ("HipLimit", "hip_flexion", -30, 120), ("KneeLimit", "knee_angle", -140, 0),
            ("AnkleLimit", "ankle_angle", -40, 20), ("HipAddLimit", "hip_adduction", -40, 30)]
        var forces: [ForceElement] = []
        for side in ["r", "l"] {
            for l in limits {
                guard let c = coordinateIndex("\(l.coordinate)_\(side)") else {
                    throw SimError.invalid("\(name): the limit forces need coordinate \(l.coordinate)_\(side)")
                }
                forces.append(CoordinateLimitForce(name: "\(l.name)_\(side)", coordinate: c, upperLimit: l.upper, lowerLimit: l.lower,
                                                   upperStiffness: 20, lowerStiffness: 20, damping: 0.25, transition: 10, rotational: true))
            }
        }
        return adding(forces: forces)
    }
}

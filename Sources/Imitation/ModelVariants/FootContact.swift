import Sim

extension Model {
    /// gait1422_3d's foot contact, which the shared file carries only inside XML comments: a floor half space and
    /// three spheres per foot (heel r = 0.05 on calcn at (0.03, 0.02, 0); two toe spheres r = 0.025 on toes at
    /// (0.02, −0.005, ∓0.026)), Hunt–Crossley k = 5e5, c = 1, μs = μd = 0.8, μv = 0, vt = 0.1.
    /// Source: the commented ContactGeometrySet/HuntCrossleyForce blocks of gait1422_3d.osim (bioimitation-gym,
    /// based on the OpenSim gait models, CC BY 3.0), as restored for the OpenSim reference tables.
    public func withRestoredFootContact() throws -> Model {
        let surface = HuntCrossleyForce.Surface(stiffness: 5e5, dissipation: 1, staticFriction: 0.8, dynamicFriction: 0.8, viscousFriction: 0)
        let floor = ContactGeometrySet.HalfSpace(name: "platform", body: -1, point: .zero, normal: Vec3(0, 1, 0))
        var spheres: [ContactGeometrySet.Sphere] = []
        var forces: [ForceElement] = []
        for side in ["r", "l"] {
            guard let calcn = bodyIndex("calcn_\(side)"), let toes = bodyIndex("toes_\(side)") else {
                throw SimError.invalid("\(name): foot contact needs bodies calcn_\(side) and toes_\(side)")
            }
            let s: [ContactGeometrySet.Sphere] = [.init(name: "\(side)_heel", body: calcn, center: Vec3(0.03, 0.02, 0), radius: 0.05),
                                                  .init(name: "\(side)_toe1", body: toes, center: Vec3(0.02, -0.005, -0.026), radius: 0.025),
                                                  .init(name: "\(side)_toe2", body: toes, center: Vec3(0.02, -0.005, 0.026), radius: 0.025)]
            spheres += s
            forces.append(HuntCrossleyForce(name: "foot_\(side)", spheres: s.map { ($0, surface) }, plane: floor, planeSurface: surface, transitionVelocity: 0.1))
        }
        return adding(forces: forces, spheres: spheres, halfSpaces: [floor])
    }

    /// Raises `pelvis_ty` so the lowest contact sphere clears the floor (y = 0) by `clearance`.
    public func liftFeet(_ d: inout SimData, clearance: Double) {
        guard let ty = coordinateIndex("pelvis_ty"), !contactGeometry.spheres.isEmpty else { return }
        updateKinematics(&d)
        let lowest = contactGeometry.spheres.map { s in (s.body < 0 ? s.center : d.position(of: s.center, on: s.body)).y - s.radius }.min()!
        d.q[ty] += clearance - lowest
    }
}

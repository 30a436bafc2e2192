import Foundation
import Sim

/// When an episode ends as a fall (docs/environments.md#termination-and-truncation; values from ../shared/DESIGN.md).
struct FallRule {
    /// The torso origin below this height (m) is a fall (`ImitationTask.minimumTorsoHeight`).
    let minimumTorsoHeight: Double
    /// A coordinate-limit force beyond this (N·m or N): the body is bent past its joint limits.
    static let limitForce = 1000.0
    /// A coordinate acceleration beyond this (rad/s² or m/s²): the simulation is blowing up.
    static let acceleration = 1e4

    /// Why the state of `data` counts as fallen or broken, nil when it does not.
    func reason(model: Model, data: SimData, torso: Int, limitForces: [CoordinateLimitForce]) -> String? {
        for i in 0..<data.q.count where !data.q[i].isFinite || !data.u[i].isFinite {
            return "non-finite state of \(model.coordinates[i].name)"
        }
        if data.origin[torso].y < minimumTorsoHeight {
            return String(format: "fell: torso at %.2f m, below %.2f m", data.origin[torso].y, minimumTorsoHeight)
        }
        for l in limitForces {
            let c = l.coordinate
            if abs(l.force(q: data.q[c], u: data.u[c])) > Self.limitForce { return "coordinate-limit force above 1000 on \(model.coordinates[c].name)" }
        }
        for i in 0..<data.udot.count where abs(data.udot[i]) > Self.acceleration {
            return "acceleration of \(model.coordinates[i].name) above 1e4"
        }
        return nil
    }
}

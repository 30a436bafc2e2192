import Sim

/// The imitation environment IDs the product offers (docs/environments.md): task × 2D/3D × muscle/torque,
/// plus a 3D muscle cerebral-palsy crouch gait.
public struct EnvironmentSpec: Equatable, Sendable {
    public enum Task: String, CaseIterable, Sendable { case walking = "Walking", running = "Running", jumping = "Jumping", lockedKnee = "LockedKnee", palsy = "Palsy" }
    public enum Actuation: String, CaseIterable, Sendable { case muscle = "Muscle", torque = "Torque" }
    public enum Dimension: String, CaseIterable, Sendable { case planar = "2D", spatial = "3D" }

    public let task: Task
    public let actuation: Actuation
    public let dimension: Dimension

    public var id: String { "\(actuation.rawValue)\(task.rawValue)Imitation\(dimension.rawValue)-v0" }

    /// All seventeen IDs, in the order of the design table.
    public static let all: [EnvironmentSpec] = {
        var specs: [EnvironmentSpec] = []
        for task in Task.allCases {
            for dimension in Dimension.allCases {
                for actuation in Actuation.allCases {
                    // Palsy exists only as a 3D muscle model: the impairment is muscular.
                    if task == .palsy && (dimension == .planar || actuation == .torque) { continue }
                    specs.append(EnvironmentSpec(task: task, actuation: actuation, dimension: dimension))
                }
            }
        }
        return specs
    }()

    public static func named(_ id: String) -> EnvironmentSpec? { all.first { $0.id == id } }
}

import RL
import Sim

/// Builds the learner-facing environment for an ID. Sim's imitation environments plug in here once built.
enum Environments {
    static let knownAnswerIDs = [Pendulum.id]

    static func isKnown(_ id: String) -> Bool { knownAnswerIDs.contains(id) || EnvironmentSpec.named(id) != nil }

    static func make(_ id: String, config: EnvironmentConfig) throws -> Environment {
        if id == Pendulum.id { return Pendulum() }
        guard EnvironmentSpec.named(id) != nil else {
            throw CLIError("unknown environment '\(id)' (run `bioimitate envs` for the list)")
        }
        throw CLIError("environment '\(id)' is not built yet in this version; only \(knownAnswerIDs.joined(separator: ", ")) can be trained")
    }
}

import RL
import Imitation
import Sim

/// Builds the learner-facing environment for an ID: Pendulum-v1 (the learners' known-answer task) or one of Sim's
/// imitation environments behind `ImitationAdapter`. Sim errors become one-line CLI errors.
enum Environments {
    static let knownAnswerIDs = [Pendulum.id]

    static func isKnown(_ id: String) -> Bool { knownAnswerIDs.contains(id) || EnvironmentSpec.named(id) != nil }

    static func make(_ id: String, config: EnvironmentConfig, reference: String? = nil, custom: CustomTaskSpec? = nil,
                     printNotes: Bool = false) throws -> Environment {
        if id == Pendulum.id && custom == nil {
            if reference != nil { throw CLIError("--reference applies to the imitation environments, not \(id)") }
            return Pendulum()
        }
        return ImitationAdapter(try imitation(id, config: config, reference: reference, custom: custom, printNotes: printNotes))
    }

    /// A registered environment, or with `custom` the task of a custom model and motion (its notes printed as
    /// warnings when `printNotes`).
    static func imitation(_ id: String, config: EnvironmentConfig, reference: String? = nil, custom: CustomTaskSpec? = nil,
                          printNotes: Bool = false) throws -> ImitationEnvironment {
        if let custom {
            do {
                let (task, notes) = try EnvironmentRegistry.task(custom: custom, config: config)
                if printNotes { for note in notes { print("note: \(note)") } }
                return try ImitationEnvironment(task: task, config: config)
            } catch let e as SimError { throw CLIError("\(e)") }
        }
        guard EnvironmentSpec.named(id) != nil else {
            throw CLIError("unknown environment '\(id)' (run `bioimitate envs` for the list)")
        }
        do { return try EnvironmentRegistry.make(id: id, config: config, referencePath: reference) } catch let e as SimError {
            throw CLIError("\(id): \(e)")
        }
    }
}

/// An imitation environment seen through RL's `Environment` protocol (RL knows nothing of muscles). It also sums
/// the reward terms of every step, which the trainer logs as means since its last log line.
final class ImitationAdapter: Environment {
    let env: ImitationEnvironment
    static let terms: [StepInfo.Field] = [.imitation, .effort, .smoothness, .jointRMSEDegrees, .comError]
    static let termNames = terms.map { "reward/\($0.name)" }
    private var termSums = [Double](repeating: 0, count: termNames.count), termSteps = 0

    init(_ env: ImitationEnvironment) { self.env = env }
    var observationSize: Int { env.observationSize }
    var actionSize: Int { env.actionSize }
    var actionLow: [Float] { env.actionLow }
    var actionHigh: [Float] { env.actionHigh }
    func reset(seed: UInt64, observation: inout [Float]) { env.reset(seed: seed, observation: &observation) }
    func step(_ action: [Float], observation: inout [Float]) -> StepOutcome {
        let r = env.step(action, observation: &observation)
        let i = env.info
        for (k, f) in Self.terms.enumerated() { termSums[k] += i.value(f) }
        termSteps += 1
        return StepOutcome(reward: r.reward, terminated: r.terminated, truncated: r.truncated)
    }

    /// Mean reward terms per step over `adapters` since the last call (empty when none stepped), then zeroed.
    static func drainTermMeans(_ environments: [Environment]) -> [(String, Double)] {
        let adapters = environments.compactMap { $0 as? ImitationAdapter }
        let steps = adapters.reduce(0) { $0 + $1.termSteps }
        guard steps > 0 else { return [] }
        let means = termNames.indices.map { k in adapters.reduce(0) { $0 + $1.termSums[k] } / Double(steps) }
        for a in adapters { a.termSums = a.termSums.map { _ in 0 }; a.termSteps = 0 }
        return Array(zip(termNames, means))
    }
}

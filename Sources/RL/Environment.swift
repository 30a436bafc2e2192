/// What a learner needs of an environment: flat Float32 observation and action buffers, bounds, and the
/// gym-style reset/step. Sim's imitation environments are adapted to this by the CLI; RL never sees muscles.
public protocol Environment: AnyObject {
    var observationSize: Int { get }
    var actionSize: Int { get }
    /// Per-dimension action bounds; learners act in [-1, 1] and rescale to these.
    var actionLow: [Float] { get }
    var actionHigh: [Float] { get }
    /// Starts an episode; writes the first observation.
    func reset(seed: UInt64, observation: inout [Float])
    /// Applies `action`; writes the next observation.
    func step(_ action: [Float], observation: inout [Float]) -> StepOutcome
}

public struct StepOutcome: Sendable {
    public var reward: Double
    /// The episode ended by the task (fall, goal): no bootstrapping from the next state.
    public var terminated: Bool
    /// The episode was cut by a time limit: bootstrap from the next state.
    public var truncated: Bool
    public init(reward: Double, terminated: Bool, truncated: Bool) {
        self.reward = reward; self.terminated = terminated; self.truncated = truncated
    }
}

extension Environment {
    /// Maps an action in [-1, 1] (clipped) to the environment's bounds.
    public func rescale(_ normalized: [Float], into action: inout [Float]) {
        for i in 0..<actionSize {
            let a = min(max(normalized[i], -1), 1)
            action[i] = actionLow[i] + (a + 1) * 0.5 * (actionHigh[i] - actionLow[i])
        }
    }
}

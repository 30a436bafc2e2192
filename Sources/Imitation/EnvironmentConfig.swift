import JSONConfig
import Sim

/// Settings shared by every imitation environment; mirrors `configs/env_default.json`
/// (keys and defaults from the original bioimitation-gym environment config).
public struct EnvironmentConfig: Codable, Equatable, Sendable {
    /// Torque envs: PD torques are clipped to ±max_actuation (N·m).
    public var maxActuation = 200.0
    public var mode = EpisodeMode.train
    /// [w_imitate, w_effort, w_action].
    public var rewardWeights = [0.8, 0.2, 0.1]
    public var applyPerturbations = false
    public var useTargetObservation = true
    public var useGRF = true
    /// The applied action is the mean of the last `horizon` actions.
    public var horizon = 5
    /// Control step (s).
    public var stepSize = 0.01
    /// Relative error tolerance of the variable-step integrator.
    public var integrationAccuracy = 1e-3
    public var integrator = IntegratorKind.stiff

    /// The integrator mode these settings ask for.
    public var integratorMode: Integrator.Mode { integrator.mode(accuracy: integrationAccuracy) }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case maxActuation = "max_actuation"
        case mode
        case rewardWeights = "r_weights"
        case applyPerturbations = "apply_perturbations"
        case useTargetObservation = "use_target_obs"
        case useGRF = "use_GRF"
        case horizon
        case stepSize = "step_size"
        case integrationAccuracy = "integration_accuracy"
        case integrator
    }

    /// The first out-of-range value, as (JSON key, reason); nil when all are valid.
    public func firstProblem() -> (key: String, reason: String)? {
        if !(maxActuation > 0 && maxActuation.isFinite) { return ("max_actuation", "must be a positive number") }
        if rewardWeights.count != 3 { return ("r_weights", "must hold 3 numbers [w_imitate, w_effort, w_action], got \(rewardWeights.count)") }
        if rewardWeights.contains(where: { !$0.isFinite || $0 < 0 }) { return ("r_weights", "weights must be finite and non-negative") }
        if horizon < 1 { return ("horizon", "must be at least 1") }
        if !(stepSize > 0 && stepSize <= 0.1) { return ("step_size", "must be in (0, 0.1] seconds") }
        if !(integrationAccuracy > 0 && integrationAccuracy < 1) { return ("integration_accuracy", "must be in (0, 1)") }
        return nil
    }
}

/// How an episode starts and how long it runs.
public enum EpisodeMode: String, ConfigOption {
    /// Reset at a random index of the first gait cycle; episodes of two cycles.
    case train
    /// Reset at index 0; episodes span the whole reference.
    case test
}

/// SAC hyperparameters; mirrors `configs/sac_default.json`. Defaults follow the original
/// bioimitation-gym SAC config (hidden (512, 512), lr 1e-4, discount 0.995, tau 0.005, initial alpha 1.0,
/// buffer 1e6, learning starts after 1e4 steps). The original's batch was 3200; 256 is the usual SAC batch.
public struct SACConfig: LearnerConfig {
    public var algo = SAC.name
    public var seed = 0
    public var totalSteps = 1_000_000
    public var numEnvs = 1
    public var hidden = [512, 512]
    public var activation = Activation.relu
    public var actorLR = 1e-4
    public var criticLR = 1e-4
    public var alphaLR = 1e-4
    public var gamma = 0.995
    public var tau = 0.005
    public var initialAlpha = 1.0
    /// Target entropy is −scale · |A|.
    public var targetEntropyScale = 0.5
    public var bufferSize = 1_000_000
    public var learningStarts = 10_000
    public var batchSize = 256
    /// Gradient steps per environment step.
    public var gradientSteps = 1
    public var observationFilter = ObservationFilter.none
    public var gradClip = 0.0
    /// Checkpoint every this many environment steps.
    public var checkpointEvery = 10_000

    public init() {}

    enum CodingKeys: String, CodingKey {
        case algo, seed
        case totalSteps = "total_steps"
        case numEnvs = "num_envs"
        case hidden, activation
        case actorLR = "actor_lr"
        case criticLR = "critic_lr"
        case alphaLR = "alpha_lr"
        case gamma, tau
        case initialAlpha = "initial_alpha"
        case targetEntropyScale = "target_entropy_scale"
        case bufferSize = "buffer_size"
        case learningStarts = "learning_starts"
        case batchSize = "batch_size"
        case gradientSteps = "gradient_steps"
        case observationFilter = "observation_filter"
        case gradClip = "grad_clip"
        case checkpointEvery = "checkpoint_every"
    }

    public func firstProblem() -> (key: String, reason: String)? {
        if algo != SAC.name { return ("algo", "must be \"\(SAC.name)\" in a SAC config, got \"\(algo)\"") }
        if totalSteps < 1 { return ("total_steps", "must be at least 1") }
        if numEnvs < 1 || numEnvs > 1024 { return ("num_envs", "must be between 1 and 1024") }
        if let p = networkProblem(hidden: hidden) { return p }
        for (key, value) in [("actor_lr", actorLR), ("critic_lr", criticLR), ("alpha_lr", alphaLR)] where !(value > 0 && value < 1) {
            return (key, "must be in (0, 1)")
        }
        if !(gamma > 0 && gamma <= 1) { return ("gamma", "must be in (0, 1]") }
        if !(tau > 0 && tau <= 1) { return ("tau", "must be in (0, 1]") }
        if !(initialAlpha > 0) { return ("initial_alpha", "must be positive") }
        if !(targetEntropyScale >= 0) { return ("target_entropy_scale", "must be non-negative") }
        if bufferSize < batchSize { return ("buffer_size", "must be at least batch_size (\(batchSize))") }
        if learningStarts < 0 { return ("learning_starts", "must be non-negative") }
        if batchSize < 1 { return ("batch_size", "must be at least 1") }
        if gradientSteps < 1 { return ("gradient_steps", "must be at least 1") }
        if !(gradClip >= 0) { return ("grad_clip", "must be non-negative (0 disables clipping)") }
        if checkpointEvery < 1 { return ("checkpoint_every", "must be at least 1") }
        return nil
    }
}

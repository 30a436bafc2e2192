import JSONConfig

/// PPO hyperparameters; mirrors `configs/train_default.json`. The defaults are tuned for the imitation environments
/// (TorqueWalkingImitation2D-v0 walks the whole reference within about 500,000 steps, README "Learning to walk"):
/// smaller networks and bigger minibatches than the original bioimitation-gym RLlib config, which
/// `configs/ppo_rllib_original.json` keeps (hidden [512, 512], lr 1e-4, gamma 0.995, kl_coeff 1.0, 20 SGD epochs of
/// minibatch 256 over 3200-step batches of complete episodes, clip 0.3). Shared by both: tanh, GAE λ 0.95,
/// MeanStdFilter, kl_target 0.01, vf_clip 10.
public struct PPOConfig: LearnerConfig {
    public var algo = PPO.name
    public var seed = 0
    public var totalSteps = 2_000_000
    /// Environment copies stepped in parallel.
    public var numEnvs = 2
    public var hidden = [256, 256]
    public var activation = Activation.tanh
    public var lr = 3e-4
    public var gamma = 0.99
    public var lambda = 0.95
    public var clipParam = 0.2
    public var klCoeff = 0.0
    public var klTarget = 0.01
    public var vfLossCoeff = 1.0
    public var vfClipParam = 10.0
    public var entropyCoeff = 0.0
    public var numSGDIter = 8
    public var sgdMinibatchSize = 512
    public var trainBatchSize = 4096
    public var batchMode = BatchMode.truncateEpisodes
    public var observationFilter = ObservationFilter.meanStd
    /// Global gradient-norm clip; 0 disables it.
    public var gradClip = 0.5
    /// Checkpoint every this many training iterations.
    public var checkpointEvery = 10
    /// Initial log standard deviation of the policy in its normalized [-1, 1] action space (−1: std 0.37; RLlib starts at 0).
    public var initialLogStd = -1.0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case algo, seed
        case totalSteps = "total_steps"
        case numEnvs = "num_envs"
        case hidden, activation, lr, gamma, lambda
        case clipParam = "clip_param"
        case klCoeff = "kl_coeff"
        case klTarget = "kl_target"
        case vfLossCoeff = "vf_loss_coeff"
        case vfClipParam = "vf_clip_param"
        case entropyCoeff = "entropy_coeff"
        case numSGDIter = "num_sgd_iter"
        case sgdMinibatchSize = "sgd_minibatch_size"
        case trainBatchSize = "train_batch_size"
        case batchMode = "batch_mode"
        case observationFilter = "observation_filter"
        case gradClip = "grad_clip"
        case checkpointEvery = "checkpoint_every"
        case initialLogStd = "initial_log_std"
    }

    public func firstProblem() -> (key: String, reason: String)? {
        if algo != PPO.name { return ("algo", "must be \"\(PPO.name)\" in a PPO config, got \"\(algo)\"") }
        if totalSteps < 1 { return ("total_steps", "must be at least 1") }
        if numEnvs < 1 || numEnvs > 1024 { return ("num_envs", "must be between 1 and 1024") }
        if let p = networkProblem(hidden: hidden) { return p }
        if !(lr > 0 && lr < 1) { return ("lr", "must be in (0, 1)") }
        if !(gamma > 0 && gamma <= 1) { return ("gamma", "must be in (0, 1]") }
        if !(lambda >= 0 && lambda <= 1) { return ("lambda", "must be in [0, 1]") }
        if !(clipParam > 0) { return ("clip_param", "must be positive") }
        if !(klCoeff >= 0) { return ("kl_coeff", "must be non-negative") }
        if !(klTarget > 0) { return ("kl_target", "must be positive") }
        if !(vfLossCoeff >= 0) { return ("vf_loss_coeff", "must be non-negative") }
        if !(vfClipParam > 0) { return ("vf_clip_param", "must be positive") }
        if !(entropyCoeff >= 0) { return ("entropy_coeff", "must be non-negative") }
        if numSGDIter < 1 { return ("num_sgd_iter", "must be at least 1") }
        if sgdMinibatchSize < 1 { return ("sgd_minibatch_size", "must be at least 1") }
        if trainBatchSize < sgdMinibatchSize { return ("train_batch_size", "must be at least sgd_minibatch_size (\(sgdMinibatchSize))") }
        if !(gradClip >= 0) { return ("grad_clip", "must be non-negative (0 disables clipping)") }
        if checkpointEvery < 1 { return ("checkpoint_every", "must be at least 1") }
        if !(initialLogStd >= -5 && initialLogStd <= 2) { return ("initial_log_std", "must be in [-5, 2]") }
        return nil
    }
}

/// Shared check of the network-shape keys of both algorithms.
func networkProblem(hidden: [Int]) -> (key: String, reason: String)? {
    if hidden.isEmpty || hidden.contains(where: { $0 < 1 }) { return ("hidden", "must list at least one positive layer width") }
    return nil
}

/// How PPO cuts its sampling batch: at the batch size ("truncate_episodes", bootstrapping the unfinished ones) or
/// only at episode ends ("complete_episodes", RLlib's batch_mode).
public enum BatchMode: String, ConfigOption {
    case completeEpisodes = "complete_episodes", truncateEpisodes = "truncate_episodes"
}

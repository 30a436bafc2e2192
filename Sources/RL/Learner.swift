/// A learning algorithm as training runs, checkpoints and the command line see it. PPO and SAC conform; a new
/// algorithm is a conforming type in its own file plus one entry in `Learners.all` (or a `Learners.register` call).
public protocol Learner: AnyObject {
    associatedtype Config: LearnerConfig
    /// The name in `--algo`, in a config's "algo" key and in a checkpoint's `meta.json`.
    static var name: String { get }
    /// The scalars `trainIteration` reports, in the column order of `progress.csv`.
    static var scalarNames: [String] { get }
    /// How the saved policy network becomes a deterministic action (`DeterministicPolicy`).
    static var policyHead: PolicyHead { get }

    init(config: Config, environments: [Environment])
    var config: Config { get }
    var envSteps: Int { get }
    /// Updates or iterations so far (the `iteration` column).
    var iterations: Int { get }
    var episodes: EpisodeStats { get }

    /// Trains until the next report (PPO: one sampling batch and its epochs; SAC: a stretch of environment
    /// steps) and returns named scalars for the log.
    func trainIteration() -> [(String, Double)]
    /// Whether the run should write a checkpoint after the iteration just trained.
    var checkpointDue: Bool { get }
    /// Networks whose weights must stay finite; training stops (keeping the last good checkpoint) when one does not.
    var networks: [MLP] { get }

    /// Everything a checkpoint keeps of the learner besides what `CheckpointMeta` names.
    func checkpointState() -> LearnerState
    /// Loads a checkpoint's state into a freshly built learner of the same configuration.
    func restore(_ state: LearnerState, source: String) throws
}

/// What a learner saves: named tensors (`model.safetensors`), optimizers (their moments go to
/// `optimizer.safetensors`), counters, random streams and any scalar state of its own.
public struct LearnerState {
    public var tensors: [(String, Safetensors.Tensor)]
    public var optimizers: [Adam]
    public var envSteps: Int, iterations: Int, episodes: Int
    public var filter: RunningMeanStd?
    public var rng: Random
    /// Random state of each environment copy (resets and exploration noise); empty when the learner has none.
    public var environmentRNG: [Random]
    /// Scalars that are neither weights nor counters (PPO's adaptive KL coefficient).
    public var scalars: [String: Double]

    public init(tensors: [(String, Safetensors.Tensor)], optimizers: [Adam], envSteps: Int, iterations: Int, episodes: Int,
                filter: RunningMeanStd?, rng: Random, environmentRNG: [Random] = [], scalars: [String: Double] = [:]) {
        self.tensors = tensors; self.optimizers = optimizers
        self.envSteps = envSteps; self.iterations = iterations; self.episodes = episodes
        self.filter = filter; self.rng = rng; self.environmentRNG = environmentRNG; self.scalars = scalars
    }

    /// The tensor `name`, which must hold `count` values.
    public func tensor(_ name: String, count: Int, source: String) throws -> [Float] {
        guard let t = tensors.first(where: { $0.0 == name })?.1, t.values.count == count else {
            throw RLError("\(source): tensor \(name) missing or of the wrong size")
        }
        return t.values
    }

    /// Loads the tensors `prefix.L.weight` and `prefix.L.bias` into `mlp` (`MLP.load`).
    public func load(_ mlp: MLP, prefix: String, source: String) throws {
        try mlp.load(Dictionary(tensors, uniquingKeysWith: { a, _ in a }), prefix: prefix, source: source)
    }
}

/// The hyperparameters of a learner: decoded from JSON with every key optional (defaults from `init()`).
public protocol LearnerConfig: Codable, Equatable, Sendable {
    init()
    var seed: Int { get set }
    var totalSteps: Int { get set }
    var numEnvs: Int { get }
    var hidden: [Int] { get }
    var activation: Activation { get }
    /// The first key whose value is out of range, with the reason; nil when the config is usable.
    func firstProblem() -> (key: String, reason: String)?
}

/// The policy network as a checkpoint holds it: tensors under `prefix`, `outputsPerAction` outputs per action
/// dimension (the mean first), and how the mean becomes an action in [−1, 1].
public struct PolicyHead: Sendable {
    public enum Squash: Sendable { case clip, tanh }
    public var prefix: String
    public var outputsPerAction: Int
    public var squash: Squash
    public init(prefix: String, outputsPerAction: Int, squash: Squash) {
        self.prefix = prefix; self.outputsPerAction = outputsPerAction; self.squash = squash
    }
}

/// The algorithms `--algo`, configs and checkpoints can name.
public enum Learners {
    nonisolated(unsafe) public private(set) static var all: [any Learner.Type] = [PPO.self, SAC.self]

    /// Adds an algorithm (replacing one of the same name), e.g. from a plug-in or a test.
    public static func register(_ learner: any Learner.Type) {
        all.removeAll { $0.name == learner.name }
        all.append(learner)
    }

    public static func named(_ name: String) -> (any Learner.Type)? { all.first { $0.name == name } }

    public static var names: [String] { all.map { $0.name } }
}

extension Learner {
    /// The hyperparameters a checkpoint of this algorithm stored.
    public static func config(of meta: CheckpointMeta, source: String) throws -> any LearnerConfig {
        try meta.decodedConfig(Config.self, source: source)
    }
}

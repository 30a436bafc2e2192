import Foundation
@testable import ImitationCLI
import RL
import XCTest

/// A third algorithm written against the learner interface alone: basic random search over the policy weights
/// (Mania, Guy & Recht 2018, "Simple random search of static linear policies is competitive for reinforcement
/// learning", algorithm V1 with the update divided by the standard deviation of the returns). Each iteration
/// evaluates `directions` pairs of antithetic perturbations θ ± σδ, one episode each on the same seed, and moves
/// θ by step/(N·σ_R) Σ (R₊ − R₋) δ. It exists to show that an algorithm is its own file plus one registration.
final class RandomSearch: Learner {
    struct Config: LearnerConfig {
        var algo = RandomSearch.name
        var seed = 0
        var totalSteps = 100_000
        var numEnvs = 1
        var hidden = [16]
        var activation = Activation.tanh
        var directions = 8
        var noise = 0.1
        var stepSize = 0.2
        var checkpointEvery = 10

        enum CodingKeys: String, CodingKey {
            case algo, seed, hidden, activation, directions, noise
            case totalSteps = "total_steps", numEnvs = "num_envs", stepSize = "step_size", checkpointEvery = "checkpoint_every"
        }

        func firstProblem() -> (key: String, reason: String)? {
            if algo != RandomSearch.name { return ("algo", "must be \"\(RandomSearch.name)\"") }
            if directions < 1 { return ("directions", "must be at least 1") }
            if !(noise > 0) || !(stepSize > 0) { return ("noise", "noise and step_size must be positive") }
            return nil
        }
    }

    static let name = "random_search"
    static let scalarNames = ["search/return_spread", "search/best_return"]
    static let policyHead = PolicyHead(prefix: "policy", outputsPerAction: 1, squash: .clip)

    let config: Config
    let env: Environment
    let policy: MLP
    private(set) var envSteps = 0, iterations = 0
    private(set) var episodes = EpisodeStats()
    var rng: Random
    private var observation: [Float], action: [Float], scaled: [Float]
    private var input: Matrix

    init(config: Config, environments: [Environment]) {
        self.config = config
        env = environments[0]
        rng = Random(seed: UInt64(config.seed))
        policy = MLP(sizes: [env.observationSize] + config.hidden + [env.actionSize], activation: config.activation, outputGain: 0.01, rng: &rng)
        observation = [Float](repeating: 0, count: env.observationSize)
        action = [Float](repeating: 0, count: env.actionSize); scaled = action
        input = Matrix(rows: 1, cols: env.observationSize)
    }

    var checkpointDue: Bool { iterations % config.checkpointEvery == 0 }
    var networks: [MLP] { [policy] }

    /// The policy's weights as arrays, in a fixed order.
    private var weights: [[Float]] {
        var all: [[Float]] = []
        policy.visitParameters { w, _ in all.append(w) }
        return all
    }

    private func setWeights(_ base: [[Float]], plus scale: Float, _ direction: [[Float]]) {
        var k = 0
        policy.visitParameters { w, _ in
            for i in w.indices { w[i] = base[k][i] + scale * direction[k][i] }
            k += 1
        }
    }

    /// One episode of the deterministic (clipped-mean) policy from the reset seed `seed`; returns its return.
    private func episode(seed: UInt64) -> Double {
        env.reset(seed: seed, observation: &observation)
        var total = 0.0, length = 0
        while true {
            input.storage = observation
            let out = policy.forward(input)
            for j in action.indices { action[j] = min(max(out[0, j], -1), 1) }
            env.rescale(action, into: &scaled)
            let outcome = env.step(scaled, observation: &observation)
            total += outcome.reward; length += 1
            if outcome.terminated || outcome.truncated { break }
        }
        envSteps += length
        episodes.record(return: total, length: length, failed: false)
        return total
    }

    func trainIteration() -> [(String, Double)] {
        let base = weights
        var directions: [[[Float]]] = [], differences: [Double] = [], returns: [Double] = []
        for _ in 0..<config.directions {
            let delta = base.map { $0.map { _ in Float(rng.normal()) } }
            let seed = rng.next()
            setWeights(base, plus: Float(config.noise), delta)
            let plus = episode(seed: seed)
            setWeights(base, plus: -Float(config.noise), delta)
            let minus = episode(seed: seed)
            directions.append(delta); differences.append(plus - minus); returns += [plus, minus]
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let spread = max((returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot(), 1e-8)
        var step = base.map { $0.map { _ in Float(0) } }
        for (delta, difference) in zip(directions, differences) {
            let scale = Float(config.stepSize * difference / (Double(config.directions) * spread))
            for k in step.indices { for i in step[k].indices { step[k][i] += scale * delta[k][i] } }
        }
        setWeights(base, plus: 1, step)
        iterations += 1
        return [("search/return_spread", spread), ("search/best_return", returns.max()!)]
    }

    func checkpointState() -> LearnerState {
        LearnerState(tensors: policy.shapedTensors(prefix: "policy"), optimizers: [], envSteps: envSteps, iterations: iterations,
                     episodes: episodes.total, filter: nil, rng: rng)
    }

    func restore(_ state: LearnerState, source: String) throws {
        try state.load(policy, prefix: "policy", source: source)
        envSteps = state.envSteps; iterations = state.iterations; rng = state.rng
        episodes.continueCount(from: state.episodes)
    }
}

final class RandomSearchLearnerTests: XCTestCase {
    /// Registered once, trained on Pendulum-v1 through `bioimitate train`'s own entry point, evaluated through the
    /// checkpoint reader `bioimitate test` uses: the deterministic policy must beat the untrained one clearly.
    func testToyAlgorithmTrainsPendulumThroughTheTrainCommand() throws {
        Learners.register(RandomSearch.self)
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("random-search-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var train = try Train.parse(["--env", "Pendulum-v1", "--algo", RandomSearch.name, "--steps", "480000", "--out", out.path])
        try train.run()
        let runs = try FileManager.default.contentsOfDirectory(atPath: out.path)
        XCTAssertEqual(runs.count, 1)
        let run = out.appendingPathComponent(runs[0])
        let checkpoint = try Checkpoint.resolve(run.path)
        let meta = try Checkpoint.readMeta(checkpoint)
        XCTAssertEqual(meta.algo, RandomSearch.name)
        XCTAssertGreaterThanOrEqual(meta.envSteps, 480_000)
        var expected = RandomSearch.Config(); expected.totalSteps = 480_000
        XCTAssertEqual(try meta.decodedConfig(RandomSearch.Config.self, source: "meta"), expected)

        func meanReturn(_ act: ([Float], inout [Float]) -> Void) -> Double {
            let env = Pendulum()
            var obs = [Float](repeating: 0, count: env.observationSize), action = [Float](repeating: 0, count: env.actionSize)
            var total = 0.0
            for seed in 0..<10 {
                env.reset(seed: UInt64(1000 + seed), observation: &obs)
                while true {
                    act(obs, &action)
                    let o = env.step(action, observation: &obs)
                    total += o.reward
                    if o.terminated || o.truncated { break }
                }
            }
            return total / 10
        }
        let trained = try DeterministicPolicy(checkpoint: checkpoint)
        let trainedReturn = meanReturn { trained.act($0, into: &$1) }
        let untrained = RandomSearch(config: .init(), environments: [Pendulum()])
        let untrainedReturn = meanReturn { obs, action in
            let m = Matrix(rows: 1, cols: obs.count, storage: obs)
            action[0] = 2 * min(max(untrained.policy.forward(m)[0, 0], -1), 1)
        }
        print("random search on Pendulum-v1: untrained \(untrainedReturn), trained \(trainedReturn)")
        XCTAssertGreaterThan(trainedReturn, untrainedReturn + 300)
    }
}

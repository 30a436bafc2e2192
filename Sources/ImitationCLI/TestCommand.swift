import ArgumentParser
import Foundation
import RL
import Sim

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained policy with deterministic episodes.",
        discussion: """
            PATH is a checkpoint or a run directory (its latest checkpoint is used). Prints and saves the return,
            episode length and falls to metrics.json; settings default to configs/test_default.json.
            """)

    @Option(help: "Checkpoint directory or run directory.")
    var checkpoint: String

    @Option(help: "Number of evaluation episodes (overrides episodes).")
    var episodes: Int?

    @Option(help: "JSON file overriding evaluation settings.")
    var config: String?

    @Option(help: "Directory for metrics.json (default: <run>/test).")
    var out: String?

    @Option(help: "Also write probe.json: this many random observations and the policy's actions (for scripts/check_safetensors.py).")
    var probe = 0

    func validate() throws {
        if let episodes, episodes < 1 { throw ValidationError("--episodes must be at least 1") }
    }

    func run() throws {
        var settings = try ConfigLoader.load(TestConfig(), from: config) { $0.firstProblem() }
        if let episodes { settings.episodes = episodes }
        let point: URL, policy: DeterministicPolicy
        do {
            point = try Checkpoint.resolve(checkpoint)
            policy = try DeterministicPolicy(checkpoint: point)
        } catch let error as RLError { throw CLIError(error.description) }
        let env = try Environments.make(policy.meta.envID, config: EnvironmentConfig())
        guard env.observationSize == policy.meta.observationSize, env.actionSize == policy.meta.actionSize else {
            throw CLIError("\(point.path): checkpoint spaces (\(policy.meta.observationSize) obs, \(policy.meta.actionSize) act) do not match \(policy.meta.envID)")
        }
        var returns: [Double] = [], lengths: [Int] = [], falls = 0
        var obs = [Float](repeating: 0, count: env.observationSize), action = [Float](repeating: 0, count: env.actionSize)
        for episode in 0..<settings.episodes {
            env.reset(seed: UInt64(settings.seed) &* 1_000_003 &+ UInt64(episode), observation: &obs)
            var total = 0.0, length = 0
            while true {
                policy.act(obs, into: &action)
                let outcome = env.step(action, observation: &obs)
                total += outcome.reward; length += 1
                if outcome.terminated { falls += 1 }
                if outcome.terminated || outcome.truncated { break }
            }
            returns.append(total); lengths.append(length)
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let std = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)).squareRoot()
        let meanLength = Double(lengths.reduce(0, +)) / Double(lengths.count)
        print("checkpoint: \(point.path)")
        print("env: \(policy.meta.envID)  algo: \(policy.meta.algo)  trained steps: \(policy.meta.envSteps)")
        print(String(format: "episodes: %d\nmean_return: %.3f\nstd_return: %.3f\nmean_length: %.1f\nfalls: %d", returns.count, mean, std, meanLength, falls))
        let metrics: [String: Any] = ["checkpoint": point.path, "env_id": policy.meta.envID, "episodes": returns.count,
                                      "mean_return": mean, "std_return": std, "mean_length": meanLength, "falls": falls,
                                      "returns": returns, "lengths": lengths]
        let dir = out.map { URL(fileURLWithPath: $0) } ?? point.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("test")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: metrics, options: [.prettyPrinted, .sortedKeys])
            .write(to: dir.appendingPathComponent("metrics.json"), options: .atomic)
        if probe > 0 { try writeProbe(policy, to: dir.appendingPathComponent("probe.json")) }
        print("metrics: \(dir.appendingPathComponent("metrics.json").path)")
    }

    /// Random observations and the deterministic actions Swift computes for them, so another implementation
    /// (numpy on the safetensors weights) can be checked against this one.
    private func writeProbe(_ policy: DeterministicPolicy, to url: URL) throws {
        var rng = Random(seed: 12345)
        var observations: [[Float]] = [], actions: [[Float]] = []
        var action = [Float](repeating: 0, count: policy.meta.actionSize)
        for _ in 0..<probe {
            let obs = (0..<policy.meta.observationSize).map { _ in Float(rng.normal()) }
            policy.act(obs, into: &action)
            observations.append(obs); actions.append(action)
        }
        try JSONSerialization.data(withJSONObject: ["observations": observations, "actions": actions], options: [.sortedKeys])
            .write(to: url, options: .atomic)
    }
}

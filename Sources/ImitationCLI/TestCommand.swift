import ArgumentParser
import Foundation
import JSONConfig
import RL
import Imitation
import Sim

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained policy with deterministic episodes.",
        discussion: """
            PATH is a checkpoint or a run directory (its latest checkpoint is used). The environment is rebuilt from the
            run's config.json in test mode (episodes start at the beginning of the reference and run to its end).
            Prints and writes metrics.json: return, episode length, falls and, for imitation environments, the
            tracking RMSE of every coordinate (degrees), the centre-of-mass error and the cost of transport. With
            save_motion (configs/test_default.json) the first episode is also written as motion.mot (opens in
            OpenSim), controls.sto (excitations or torques), rewards.sto and report.html.
            """)

    @Option(help: "Checkpoint directory or run directory.")
    var checkpoint: String

    @Option(help: "Number of evaluation episodes (overrides episodes).")
    var episodes: Int?

    @Option(help: "JSON file overriding evaluation settings.")
    var config: String?

    @Flag(help: "Push the torso during evaluation (overrides perturb).")
    var perturb = false

    @Option(help: "Motion (.mot/.sto) to imitate instead of the one the run trained on.")
    var reference: String?

    @Option(help: "Directory for metrics.json and the motion (default: <run>/test).")
    var out: String?

    @Option(help: "Also write probe.json: this many random observations and the policy's actions (for scripts/check_safetensors.py).")
    var probe = 0

    func validate() throws {
        if let episodes, episodes < 1 { throw ValidationError("--episodes must be at least 1") }
        if probe < 0 { throw ValidationError("--probe must not be negative") }
    }

    func run() throws {
        var settings = try ConfigLoader.load(TestConfig(), from: config) { $0.firstProblem() }
        if let episodes { settings.episodes = episodes }
        if perturb { settings.perturb = true }
        let point: URL, policy: DeterministicPolicy
        do {
            point = try Checkpoint.resolve(checkpoint)
            policy = try DeterministicPolicy(checkpoint: point)
        } catch let error as RLError { throw CLIError(error.description) }
        let id = policy.meta.envID
        let dir = out.map { URL(fileURLWithPath: $0) } ?? point.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("test")
        var metrics: [String: Any] = ["checkpoint": point.path, "env_id": id, "algo": policy.meta.algo, "trained_steps": policy.meta.envSteps]
        let seed = { (episode: Int) in UInt64(settings.seed) &* 1_000_003 &+ UInt64(episode) }

        try OutputFolder.prepare(dir.path)
        if id == Pendulum.id {
            let env = Pendulum()
            try checkSpaces(policy, env.observationSize, env.actionSize, point)
            var results: [(Double, Int, Bool)] = []
            var obs = [Float](repeating: 0, count: env.observationSize), action = [Float](repeating: 0, count: env.actionSize)
            for e in 0..<settings.episodes {
                env.reset(seed: seed(e), observation: &obs)
                var total = 0.0, length = 0, fell = false
                while true {
                    policy.act(obs, into: &action)
                    let o = env.step(action, observation: &obs)
                    total += o.reward; length += 1
                    if o.terminated || o.truncated { fell = o.terminated; break }
                }
                results.append((total, length, fell))
            }
            summarize(results, into: &metrics)
        } else {
            let run = try RunSettings.read(checkpoint: point)
            var environment = run?.environment ?? EnvironmentConfig()
            environment.mode = .test
            environment.applyPerturbations = settings.perturb
            let custom = try run?.model?.spec(reference: reference.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, recordedReference: run?.reference)
            let env = try Environments.imitation(id, config: environment, reference: reference ?? run?.reference, custom: custom)
            try EnvRollout.checkMatches(policy.meta, env: env, path: point.path)
            var recordings: [EpisodeRecording] = []
            for e in 0..<settings.episodes {
                recordings.append(EnvRollout.episode(env: env, steps: Int.max, seed: seed(e)) { o, a in policy.act(o, into: &a) })
            }
            summarize(recordings.map { ($0.totalReward, $0.steps, $0.ending.hasPrefix("terminated")) }, into: &metrics)
            imitationMetrics(recordings, env: env, into: &metrics)
            let progress = point.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("progress.csv")
            if settings.saveMotion { try recordings[0].write(to: dir.path, progress: progress, progressSteps: policy.meta.envSteps) }
        }

        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: metrics, options: [.prettyPrinted, .sortedKeys])
            .write(to: dir.appendingPathComponent("metrics.json"), options: .atomic)
        if probe > 0 { try writeProbe(policy, to: dir.appendingPathComponent("probe.json")) }
        print("metrics: \(dir.appendingPathComponent("metrics.json").path)")
    }

    private func checkSpaces(_ policy: DeterministicPolicy, _ obs: Int, _ act: Int, _ point: URL) throws {
        guard obs == policy.meta.observationSize, act == policy.meta.actionSize else {
            throw CLIError("\(point.path): checkpoint spaces (\(policy.meta.observationSize) obs, \(policy.meta.actionSize) act) do not match \(policy.meta.envID)")
        }
    }

    /// Return, length and falls over the episodes: printed, and added to `metrics`.
    private func summarize(_ results: [(ret: Double, length: Int, fell: Bool)], into metrics: inout [String: Any]) {
        let returns = results.map(\.ret), lengths = results.map(\.length), falls = results.filter(\.fell).count
        let mean = returns.reduce(0, +) / Double(returns.count)
        let std = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)).squareRoot()
        let meanLength = Double(lengths.reduce(0, +)) / Double(lengths.count)
        print("checkpoint: \(metrics["checkpoint"]!)")
        print("env: \(metrics["env_id"]!)  algo: \(metrics["algo"]!)  trained steps: \(metrics["trained_steps"]!)")
        print(String(format: "episodes: %d\nmean_return: %.3f\nstd_return: %.3f\nmean_length: %.1f\nfalls: %d", returns.count, mean, std, meanLength, falls))
        metrics.merge(["episodes": returns.count, "mean_return": mean, "std_return": std, "mean_length": meanLength, "falls": falls,
                       "returns": returns, "lengths": lengths]) { $1 }
    }

    /// Tracking RMSE per coordinate and overall (degrees; pooled over all steps of all episodes), centre-of-mass
    /// error, distance and cost of transport, averaged over episodes.
    private func imitationMetrics(_ recordings: [EpisodeRecording], env: ImitationEnvironment, into metrics: inout [String: Any]) {
        let names = env.trackedCoordinates.map { env.model.coordinates[$0].name }
        var squared = [Double](repeating: 0, count: names.count), steps = 0
        for r in recordings {
            for (k, c) in r.trackingRMSE().enumerated() { squared[k] += c.rmse * c.rmse * Double(r.steps) }
            steps += r.steps
        }
        let rmse = squared.map { ($0 / Double(max(steps, 1))).squareRoot() }
        let overall = (squared.reduce(0, +) / Double(max(steps * names.count, 1))).squareRoot()
        let mean = { (f: (EpisodeRecording) -> Double) in recordings.map(f).reduce(0, +) / Double(recordings.count) }
        let cycles = mean { Double($0.steps) } / env.reference.cycleFrames
        metrics["tracking_rmse_deg"] = Dictionary(uniqueKeysWithValues: zip(names, rmse))
        metrics["mean_tracking_rmse_deg"] = overall
        metrics["mean_com_error_m"] = mean(\.meanCOMError)
        metrics["mean_distance_m"] = mean(\.distance)
        metrics["cost_of_transport_j_per_kg_m"] = mean(\.costOfTransport)
        metrics["cost_of_transport_kind"] = env.isTorqueDriven ? "mechanical (joint torques)" : "metabolic (Umberger)"
        metrics["mean_gait_cycles"] = cycles
        metrics["reference_steps"] = env.endFrame - env.startFrame
        print(String(format: "mean_tracking_rmse_deg: %.2f\nmean_com_error_m: %.4f\nmean_distance_m: %.2f\ncost_of_transport_j_per_kg_m: %.3f\nmean_gait_cycles: %.2f (reference: %d steps)",
                     overall, mean(\.meanCOMError), mean(\.distance), mean(\.costOfTransport), cycles, env.endFrame - env.startFrame))
        let worst = zip(names, rmse).sorted { $0.1 > $1.1 }.prefix(3).map { String(format: "%@ %.1f", $0.0, $0.1) }
        print("worst tracked: " + worst.joined(separator: ", ") + " deg")
        guard !env.residualActions.isEmpty else { return }
        // Joint-only actuation: how much the residual torques on the pelvis did, over every step of every episode.
        var residuals: [String: [String: Double]] = [:], line: [String] = []
        for a in env.residualActions {
            let torques = recordings.flatMap { $0.inputs.dropFirst().map { abs($0[a]) } }
            let meanAbs = torques.reduce(0, +) / Double(max(torques.count, 1)), peak = torques.max() ?? 0
            residuals[env.actionNames[a]] = ["mean_abs": meanAbs, "peak": peak]
            line.append(String(format: "%@ %.2f / %.2f", env.actionNames[a], meanAbs, peak))
        }
        metrics["residual_torque_nm"] = residuals
        print("residual torques (N·m, mean |τ| / peak): " + line.joined(separator: ", "))
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

import Foundation
import RL
import Sim

/// Set by SIGINT/SIGTERM; the training loop checks it, writes a checkpoint and exits cleanly.
nonisolated(unsafe) var stopRequested: sig_atomic_t = 0

/// One training run: its directory, logs and checkpoints, around a PPO or SAC learner.
final class TrainingRun {
    let directory: URL
    let envID: String
    let resolved: ResolvedTrainConfig
    private let progress: FileHandle
    private let tensorboard: TensorBoardWriter
    private let started = Date()
    private var bestReturn = -Double.infinity
    private let scalarNames: [String]
    private let interactive = isatty(STDOUT_FILENO) != 0
    /// Throughput since the previous log line.
    private var lastLog = Date()
    private var lastSteps: Int

    init(directory: URL, resolved: ResolvedTrainConfig, scalarNames: [String], startSteps: Int, resuming: Bool) throws {
        self.directory = directory
        lastSteps = startSteps
        self.envID = resolved.env
        self.resolved = resolved
        self.scalarNames = scalarNames
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        // A resume into a new run directory (its checkpoint was not inside a run) gives that run its config.json.
        let hasConfig = fm.fileExists(atPath: directory.appendingPathComponent("config.json").path)
        try Data(try resolved.json().utf8).write(to: directory.appendingPathComponent(resuming && hasConfig ? "config.resumed.json" : "config.json"), options: .atomic)
        let csv = directory.appendingPathComponent("progress.csv")
        if resuming, let text = try? String(contentsOf: csv, encoding: .utf8) {
            // Rows logged after the checkpoint being resumed describe steps that are about to be redone.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            let kept = lines.prefix(1) + lines.dropFirst().filter { Int($0.prefix { $0 != "," }).map { $0 <= startSteps } ?? false }
            try Data((kept.joined(separator: "\n") + "\n").utf8).write(to: csv, options: .atomic)
        }
        if !fm.fileExists(atPath: csv.path) {
            let header = (["env_steps", "iteration", "episodes", "episode_return_mean", "episode_length_mean", "falls", "steps_per_second", "wall_seconds"] + scalarNames)
            _ = fm.createFile(atPath: csv.path, contents: Data((header.joined(separator: ",") + "\n").utf8))
        }
        progress = try FileHandle(forWritingTo: csv)
        try progress.seekToEnd()
        tensorboard = try TensorBoardWriter(directory: directory)
        signal(SIGINT) { _ in stopRequested = 1 }
        signal(SIGTERM) { _ in stopRequested = 1 }
    }

    var checkpoints: URL { directory.appendingPathComponent("checkpoints") }

    /// Stops training whose update diverged, before anything non-finite is saved: the last checkpoint stays good.
    func requireFinite(_ networks: [MLP], envSteps: Int) throws {
        guard networks.allSatisfy(\.isFinite) else {
            let latest = (try? String(contentsOf: checkpoints.appendingPathComponent("latest"), encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw CLIError("training diverged at step \(envSteps): the network's weights are no longer finite; "
                + (latest.map { "the last good checkpoint is \(checkpoints.appendingPathComponent($0).path)" } ?? "no checkpoint was saved yet"))
        }
    }

    func log(envSteps: Int, iteration: Int, totalSteps: Int, episodes: EpisodeStats, scalars: [(String, Double)]) throws {
        let now = Date()
        let stepsPerSecond = Double(envSteps - lastSteps) / max(now.timeIntervalSince(lastLog), 1e-9)
        lastLog = now; lastSteps = envSteps
        let values = Dictionary(scalars, uniquingKeysWith: { a, _ in a })
        let wall = Date().timeIntervalSince(started)
        let row = [String(envSteps), String(iteration), String(episodes.total), fmt(episodes.meanReturn), fmt(episodes.meanLength),
                   String(episodes.failures), fmt(stepsPerSecond), fmt(wall)] + scalarNames.map { values[$0].map(fmt) ?? "" }
        try progress.write(contentsOf: Data((row.joined(separator: ",") + "\n").utf8))
        try tensorboard.add(step: envSteps, scalars: [("episode/return_mean", episodes.meanReturn), ("episode/length_mean", episodes.meanLength),
                                                      ("episode/falls", Double(episodes.failures)), ("time/steps_per_second", stepsPerSecond)] + scalars)
        let remaining = stepsPerSecond > 0 ? Double(max(0, totalSteps - envSteps)) / stepsPerSecond : .nan
        let line = "steps \(envSteps)/\(totalSteps)  return \(fmt(episodes.meanReturn))  length \(fmt(episodes.meanLength))  "
            + "\(Int(stepsPerSecond)) steps/s  ETA \(duration(remaining))"
        if interactive { print("\r\u{1B}[K" + line, terminator: "") } else { print(line) }
        fflush(stdout)
    }

    /// Periodic checkpoint; also keeps `best` when the mean return improved.
    func checkpoint(envSteps: Int, meanReturn: Double, save: (URL, String) throws -> URL) throws {
        let name = String(format: "step-%09d", envSteps)
        _ = try save(checkpoints, name)
        try Checkpoint.markLatest(name, in: checkpoints)
        if meanReturn.isFinite && meanReturn > bestReturn {
            bestReturn = meanReturn
            _ = try save(checkpoints, "best")
        }
    }

    func finish() throws {
        if interactive { print("") }
        try tensorboard.flush()
        try progress.close()
        print("run directory: \(directory.path)")
    }

    private func fmt(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "" }
    private func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s); return t >= 3600 ? "\(t / 3600)h\(t % 3600 / 60)m" : t >= 60 ? "\(t / 60)m\(t % 60)s" : "\(t)s"
    }
}

enum Trainer {
    static let ppoScalars = ["loss/policy", "loss/value", "policy/kl", "policy/kl_coeff", "policy/entropy", "policy/clip_fraction",
                             "loss/grad_norm", "train/learning_rate", "train/batch_size", "time/sample_seconds", "time/update_seconds"]
    static let sacScalars = ["loss/critic", "loss/actor", "policy/alpha", "policy/entropy", "train/learning_rate"]

    /// The reward-term columns, for imitation environments.
    static func termNames(_ envs: [Environment]) -> [String] { envs.first is ImitationAdapter ? ImitationAdapter.termNames : [] }

    static func runPPO(_ config: PPOConfig, resolved: ResolvedTrainConfig, directory: URL, resume: URL?) throws {
        let envs = try (0..<config.numEnvs).map { _ in try Environments.make(resolved.env, config: resolved.environment, reference: resolved.reference) }
        let ppo = PPO(config: config, environments: envs)
        if let resume { try Checkpoint.restore(ppo, from: resume) }
        let run = try TrainingRun(directory: directory, resolved: resolved, scalarNames: ppoScalars + termNames(envs), startSteps: ppo.envSteps, resuming: resume != nil)
        let save = { (dir: URL, name: String) in try Checkpoint.save(ppo, envID: resolved.env, environment: envs[0], in: dir, name: name) }
        while ppo.envSteps < config.totalSteps && stopRequested == 0 {
            let scalars = ppo.trainIteration() + ImitationAdapter.drainTermMeans(envs)
            try run.requireFinite([ppo.policy, ppo.value], envSteps: ppo.envSteps)
            try run.log(envSteps: ppo.envSteps, iteration: ppo.iterations, totalSteps: config.totalSteps, episodes: ppo.episodes, scalars: scalars)
            if ppo.iterations % config.checkpointEvery == 0 {
                try run.checkpoint(envSteps: ppo.envSteps, meanReturn: ppo.episodes.meanReturn, save: save)
            }
        }
        try run.checkpoint(envSteps: ppo.envSteps, meanReturn: ppo.episodes.meanReturn, save: save)
        try run.finish()
    }

    static func runSAC(_ config: SACConfig, resolved: ResolvedTrainConfig, directory: URL, resume: URL?) throws {
        let envs = try (0..<config.numEnvs).map { _ in try Environments.make(resolved.env, config: resolved.environment, reference: resolved.reference) }
        let sac = SAC(config: config, environments: envs)
        if let resume { try Checkpoint.restore(sac, from: resume) }
        let run = try TrainingRun(directory: directory, resolved: resolved, scalarNames: sacScalars + termNames(envs), startSteps: sac.envSteps, resuming: resume != nil)
        let save = { (dir: URL, name: String) in try Checkpoint.save(sac, envID: resolved.env, environment: envs[0], in: dir, name: name) }
        let logEvery = max(1000, config.numEnvs)
        var nextLog = sac.envSteps + logEvery
        var nextCheckpoint = sac.envSteps + config.checkpointEvery
        var scalars: [(String, Double)] = []
        while sac.envSteps < config.totalSteps && stopRequested == 0 {
            scalars = sac.step()
            if sac.envSteps >= nextLog {
                nextLog += logEvery
                try run.requireFinite([sac.actor], envSteps: sac.envSteps)
                try run.log(envSteps: sac.envSteps, iteration: sac.updates, totalSteps: config.totalSteps, episodes: sac.episodes,
                            scalars: scalars + ImitationAdapter.drainTermMeans(envs))
            }
            if sac.envSteps >= nextCheckpoint {
                nextCheckpoint += config.checkpointEvery
                try run.requireFinite([sac.actor], envSteps: sac.envSteps)
                try run.checkpoint(envSteps: sac.envSteps, meanReturn: sac.episodes.meanReturn, save: save)
            }
        }
        try run.checkpoint(envSteps: sac.envSteps, meanReturn: sac.episodes.meanReturn, save: save)
        try run.finish()
    }
}

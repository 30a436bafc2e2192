import Foundation
import RL
import Imitation
import Sim

/// Set by SIGINT/SIGTERM; the training loop checks it, writes a checkpoint and exits cleanly.
nonisolated(unsafe) var stopRequested: sig_atomic_t = 0

/// One training run: its directory, logs and checkpoints, around any learner.
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
            // A row cut short by a full disk is dropped too.
            let columns = lines.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).count } ?? 0
            let kept = lines.prefix(1) + lines.dropFirst().filter {
                $0.split(separator: ",", omittingEmptySubsequences: false).count == columns && (Int($0.prefix { $0 != "," }).map { $0 <= startSteps } ?? false)
            }
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

    /// The newest complete checkpoint, in words.
    private var lastCheckpoint: String {
        let latest = (try? String(contentsOf: checkpoints.appendingPathComponent("latest"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return latest.map { "the last good checkpoint is \(checkpoints.appendingPathComponent($0).path)" } ?? "no checkpoint was saved yet"
    }

    /// Stops training whose update diverged, before anything non-finite is saved: the last checkpoint stays good.
    func requireFinite(_ networks: [MLP], envSteps: Int) throws {
        guard networks.allSatisfy(\.isFinite) else {
            throw CLIError("training diverged at step \(envSteps): the network's weights are no longer finite; \(lastCheckpoint)")
        }
    }

    /// Runs a write of the run's files; a failure (a full disk) stops training with one line saying where it can
    /// resume. Checkpoints are written whole or not at all, so at most the iteration in progress is lost.
    func writing(envSteps: Int, _ body: () throws -> Void) throws {
        do { try body() } catch {
            let reason = (error as? RLError)?.description ?? (error as? CLIError)?.description ?? fileErrorReason(error)
            throw CLIError("training stopped at step \(envSteps): \(reason); \(lastCheckpoint) (free space, then `bioimitate train --resume \(directory.path)`)")
        }
    }

    /// A write to one of the run's files, with the file named if it fails.
    private func append(_ url: URL, _ body: () throws -> Void) throws {
        do { try body() } catch { throw CLIError("cannot write \(url.path): \(fileErrorReason(error))") }
    }

    func log(envSteps: Int, iteration: Int, totalSteps: Int, episodes: EpisodeStats, scalars: [(String, Double)]) throws {
        let now = Date()
        let stepsPerSecond = Double(envSteps - lastSteps) / max(now.timeIntervalSince(lastLog), 1e-9)
        lastLog = now; lastSteps = envSteps
        let values = Dictionary(scalars, uniquingKeysWith: { a, _ in a })
        let wall = Date().timeIntervalSince(started)
        let row = [String(envSteps), String(iteration), String(episodes.total), fmt(episodes.meanReturn), fmt(episodes.meanLength),
                   String(episodes.failures), fmt(stepsPerSecond), fmt(wall)] + scalarNames.map { values[$0].map(fmt) ?? "" }
        try append(directory.appendingPathComponent("progress.csv")) { try progress.write(contentsOf: Data((row.joined(separator: ",") + "\n").utf8)) }
        try append(tensorboard.url) { try tensorboard.add(step: envSteps, scalars: [("episode/return_mean", episodes.meanReturn), ("episode/length_mean", episodes.meanLength),
                                                      ("episode/falls", Double(episodes.failures)), ("time/steps_per_second", stepsPerSecond)] + scalars) }
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
    /// The reward-term columns, for imitation environments.
    static func termNames(_ envs: [Environment]) -> [String] { envs.first is ImitationAdapter ? ImitationAdapter.termNames : [] }

    /// Trains the resolved configuration in `directory`, continuing from `resume` when given: the one entry point for
    /// every algorithm, used by `bioimitate train`.
    static func run(_ resolved: ResolvedTrainConfig, directory: URL, resume: URL?) throws {
        try run(resolved.learner, resolved.train, resolved: resolved, directory: directory, resume: resume)
    }

    private static func run<L: Learner>(_: L.Type, _ config: any LearnerConfig, resolved: ResolvedTrainConfig, directory: URL, resume: URL?) throws {
        guard let config = config as? L.Config else { throw CLIError("the \(L.name) learner was given another algorithm's configuration") }
        let envs = try (0..<config.numEnvs).map { _ in try Environments.make(resolved.env, config: resolved.environment, reference: resolved.reference, custom: resolved.custom) }
        let learner = L(config: config, environments: envs)
        if let resume { try Checkpoint.restore(learner, from: resume) }
        let run = try TrainingRun(directory: directory, resolved: resolved, scalarNames: L.scalarNames + termNames(envs),
                                  startSteps: learner.envSteps, resuming: resume != nil)
        let save = { (dir: URL, name: String) in try Checkpoint.save(learner, envID: resolved.env, environment: envs[0], in: dir, name: name) }
        while learner.envSteps < config.totalSteps && stopRequested == 0 {
            let scalars = learner.trainIteration() + ImitationAdapter.drainTermMeans(envs)
            try run.requireFinite(learner.networks, envSteps: learner.envSteps)
            try run.writing(envSteps: learner.envSteps) {
                try run.log(envSteps: learner.envSteps, iteration: learner.iterations, totalSteps: config.totalSteps, episodes: learner.episodes, scalars: scalars)
                if learner.checkpointDue { try run.checkpoint(envSteps: learner.envSteps, meanReturn: learner.episodes.meanReturn, save: save) }
            }
        }
        try run.writing(envSteps: learner.envSteps) {
            try run.checkpoint(envSteps: learner.envSteps, meanReturn: learner.episodes.meanReturn, save: save)
            try run.finish()
        }
    }
}

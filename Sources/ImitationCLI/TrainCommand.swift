import ArgumentParser
import Foundation
import JSONConfig
import RL
import Imitation
import Sim

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a policy on an imitation environment.",
        discussion: """
            Every hyperparameter has a default in configs/train_default.json (PPO) or configs/sac_default.json (SAC),
            and every environment setting in configs/env_default.json. A --config or --env-config file may set any
            subset of those keys; --steps and --seed override the file. Use --print-config to see what a run would use.
            """)

    @Option(name: .customLong("env"), help: "Environment ID (see `bioimitate envs`). (default: MuscleWalkingImitation2D-v0)")
    var envOption: String?
    var env: String { envOption ?? "MuscleWalkingImitation2D-v0" }

    @Option(help: "Algorithm (\(Learners.names.joined(separator: ", "))). Defaults to the config file's \"algo\", else ppo.")
    var algo: String?

    @Option(help: "JSON file overriding training hyperparameters.")
    var config: String?

    @Option(name: .customLong("env-config"), help: "JSON file overriding environment settings.")
    var envConfig: String?

    @Option(help: "Motion (.mot/.sto) to imitate instead of the environment's built-in reference (with --model: the motion).")
    var reference: String?

    @OptionGroup var custom: CustomModelOptions

    @Option(help: "Total environment steps (overrides total_steps).")
    var steps: Int?

    @Option(help: "Random seed (overrides seed).")
    var seed: Int?

    @Option(help: "Parent directory of the run directory (with --resume: used when the checkpoint is not inside a run).")
    var out = "runs"

    @Option(help: "Continue a run from its latest checkpoint (a run directory or a checkpoint).")
    var resume: String?

    @Flag(name: .customLong("print-config"), help: "Print the resolved configuration as JSON and exit.")
    var printConfig = false

    func validate() throws {
        if let algo, Learners.named(algo) == nil {
            throw ValidationError("--algo must be one of \(Learners.names.joined(separator: ", ")), got '\(algo)'")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if envOption != nil && custom.model != nil { throw ValidationError("give --env or --model, not both") }
        if resume != nil {
            let given = [("--env", envOption), ("--algo", algo), ("--config", config), ("--seed", seed.map(String.init)),
                         ("--model", custom.model), ("--actuation", custom.actuation?.rawValue)].filter { $0.1 != nil }.map(\.0)
            if !given.isEmpty {
                throw ValidationError("--resume continues with the checkpoint's own configuration: \(given.joined(separator: ", ")) cannot be given with it (--steps extends the run)")
            }
        }
    }

    func run() throws {
        let resumePoint = try resume.map { path in
            do { return try Checkpoint.resolve(path) } catch { throw CLIError("--resume \(error)") }
        }
        let resolved = try resumePoint.map(resolveFromCheckpoint) ?? resolve()
        guard resolved.custom != nil || Environments.isKnown(resolved.env) else {
            throw CLIError("unknown environment '\(resolved.env)' (run `bioimitate envs` for the list)")
        }
        if printConfig {
            print(try resolved.json())
            return
        }
        // Fail before creating a run directory.
        _ = try Environments.make(resolved.env, config: resolved.environment, reference: resolved.reference, custom: resolved.custom, printNotes: true)
        // A checkpoint inside a run (RUN/checkpoints/NAME) continues that run; any other starts a new run under --out,
        // so nothing is written beside a checkpoint that was copied elsewhere.
        let directory = resumePoint.flatMap(Self.runDirectory) ?? newRunDirectory(resolved)
        try OutputFolder.prepare(directory.path, option: resumePoint == nil ? "--out" : "--resume")
        let total = resolved.train.totalSteps
        if let resumePoint, let meta = try? Checkpoint.readMeta(resumePoint), meta.envSteps >= total {
            print("\(resumePoint.path) is at \(meta.envSteps) steps, the run's total: nothing to train (give --steps above \(meta.envSteps) to continue)")
            return
        }
        do { try Trainer.run(resolved, directory: directory, resume: resumePoint) } catch let error as RLError { throw CLIError(error.description) }
    }

    /// The run a checkpoint belongs to: RUN for RUN/checkpoints/NAME with RUN/config.json, else nil.
    static func runDirectory(_ checkpoint: URL) -> URL? {
        let folder = checkpoint.deletingLastPathComponent(), run = folder.deletingLastPathComponent()
        guard folder.lastPathComponent == "checkpoints", FileManager.default.fileExists(atPath: run.appendingPathComponent("config.json").path) else { return nil }
        return run
    }

    private func newRunDirectory(_ resolved: ResolvedTrainConfig) -> URL {
        let stamp = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withYear, .withMonth, .withDay, .withTime])
        let algo = resolved.learner.name, seed = resolved.train.seed
        var url = URL(fileURLWithPath: out).appendingPathComponent("\(resolved.env)_\(algo)_s\(seed)_\(stamp)")
        var n = 2
        while FileManager.default.fileExists(atPath: url.path) { url = URL(fileURLWithPath: out).appendingPathComponent("\(resolved.env)_\(algo)_s\(seed)_\(stamp)-\(n)"); n += 1 }
        return url
    }

    /// Resuming keeps the checkpoint's own configuration; only --steps may extend the run.
    private func resolveFromCheckpoint(_ checkpoint: URL) throws -> ResolvedTrainConfig {
        let meta: CheckpointMeta
        do { meta = try Checkpoint.readMeta(checkpoint) } catch { throw CLIError("--resume \(error)") }
        // The run's own environment settings and reference, unless --env-config overrides them.
        let run = try RunSettings.read(checkpoint: checkpoint)
        let environment = try envConfig.map { try ConfigLoader.load(EnvironmentConfig(), from: $0) { $0.firstProblem() } }
            ?? run?.environment ?? EnvironmentConfig()
        let reference = self.reference ?? run?.reference
        let custom = try run?.model?.spec(reference: self.reference, recordedReference: run?.reference)
        guard let learner = Learners.named(meta.algo) else {
            throw CLIError("\(checkpoint.path)/meta.json: unknown algorithm \"\(meta.algo)\" (known: \(Learners.names.joined(separator: ", ")))")
        }
        var train: any LearnerConfig
        do { train = try learner.config(of: meta, source: checkpoint.appendingPathComponent(Checkpoint.metaFile).path) }
        catch let error as RLError { throw CLIError(error.description) }
        if let steps { train.totalSteps = steps }
        return ResolvedTrainConfig(env: meta.envID, learner: learner, train: train, environment: environment, reference: reference, custom: custom)
    }

    /// The algorithm config (defaults ← file ← flags) and the environment config (defaults ← file).
    func resolve() throws -> ResolvedTrainConfig {
        let learner = try Learners.named(algo ?? declaredAlgorithm(in: config) ?? PPO.name)!
        let environment = try ConfigLoader.load(EnvironmentConfig(), from: envConfig) { $0.firstProblem() }
        // Stored absolute, so tests and resumes from another directory find it.
        let reference = self.reference.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let custom = try self.custom.spec(reference: reference)
        var train = try learner.loadConfig(from: config)
        if let steps { train.totalSteps = steps }
        if let seed { train.seed = seed }
        return ResolvedTrainConfig(env: custom?.id ?? env, learner: learner, train: train, environment: environment, reference: reference, custom: custom)
    }


    /// The "algo" value of a config file, so `--config configs/sac_default.json` alone selects SAC.
    private func declaredAlgorithm(in path: String?) throws -> String? {
        guard let path, let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        guard let value = object["algo"] else { return nil }
        guard let name = value as? String, Learners.named(name) != nil else {
            throw CLIError("\(path): key 'algo' must be one of \(Learners.names.map { "\"\($0)\"" }.joined(separator: ", "))")
        }
        return name
    }
}

extension Learner {
    /// This algorithm's config: its defaults, overridden by the keys of a JSON file.
    static func loadConfig(from path: String?) throws -> any LearnerConfig {
        try ConfigLoader.load(Config(), from: path) { $0.firstProblem() }
    }
}

/// Everything a training run is configured by, as written to the run directory.
struct ResolvedTrainConfig {
    let env: String
    let learner: any Learner.Type
    var train: any LearnerConfig
    let environment: EnvironmentConfig
    /// A motion file replacing the built-in reference, or nil.
    let reference: String?
    /// A custom model and motion (`--model`), or nil for a registered environment.
    var custom: CustomTaskSpec? = nil

    func json() throws -> String {
        let train = try ConfigLoader.json(self.train)
        let envText = try ConfigLoader.json(environment)
        let indent = { (s: String) in s.replacingOccurrences(of: "\n", with: "\n  ") }
        let referenceText = try reference.map { try ConfigLoader.json($0) } ?? "null"
        let modelText = try custom.map { try indent(ConfigLoader.json(RunModel($0))) } ?? "null"
        return "{\n  \"env_id\" : \"\(env)\",\n  \"environment\" : \(indent(envText)),\n  \"model\" : \(modelText),\n  \"reference\" : \(referenceText),\n  \"train\" : \(indent(train))\n}"
    }
}

/// The environment part of a run's `config.json`, which `test` and `--resume` reuse.
struct RunSettings: Decodable {
    let environment: EnvironmentConfig
    let reference: String?
    /// The custom model of a `--model` run, nil for a registered environment.
    let model: RunModel?

    /// The settings of the run a checkpoint belongs to (its directory's parent), nil when there is no config.json.
    static func read(checkpoint: URL) throws -> RunSettings? {
        let file = checkpoint.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        do { return try decode(data) } catch {
            throw CLIError("\(file.path): not a bioimitate run config (\(error.localizedDescription))")
        }
    }

    /// Runs written before the `integrator` setting existed were all integrated with Dormand–Prince: their
    /// environment reads back as "explicit", so a checkpoint is tested and resumed with the dynamics it learned on.
    static func decode(_ data: Data) throws -> RunSettings {
        guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              var environment = object["environment"] as? [String: Any] else {
            return try JSONDecoder().decode(RunSettings.self, from: data)  // fails with the decoder's message
        }
        if environment["integrator"] == nil { environment["integrator"] = "explicit" }
        object["environment"] = environment
        return try JSONDecoder().decode(RunSettings.self, from: JSONSerialization.data(withJSONObject: object))
    }
}

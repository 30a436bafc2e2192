import Foundation

/// Everything about a checkpoint except the tensors: what produced it, the spaces, the observation filter,
/// counters and random state (so training resumes on the same curve). The learner's config is stored under its
/// algorithm's name ("ppo": {...}), its own scalar state under "learner_state".
public struct CheckpointMeta: Codable {
    public var format = 1
    public var algo: String
    public var envID: String
    public var observationSize: Int
    public var actionSize: Int
    public var actionLow: [Float]
    public var actionHigh: [Float]
    public var hidden: [Int]
    public var activation: String
    public var envSteps: Int
    public var iterations: Int
    public var episodes: Int
    public var meanReturn: Double?
    public var filter: RunningMeanStd?
    public var rng: [UInt64]
    /// Random state of each environment copy (resets and exploration noise).
    public var environmentRNG: [[UInt64]]?
    public var optimizerSteps: [Int]
    /// The learner's hyperparameters, as its `Config` encodes them.
    public var config: JSONValue
    public var learnerState: [String: Double]

    enum CodingKeys: String, CodingKey {
        case format, algo, hidden, activation, episodes, filter, rng
        case envID = "env_id", observationSize = "observation_size", actionSize = "action_size"
        case actionLow = "action_low", actionHigh = "action_high", envSteps = "env_steps", iterations
        case environmentRNG = "environment_rng", meanReturn = "mean_return", optimizerSteps = "optimizer_steps"
        case learnerState = "learner_state", legacyKLCoeff = "kl_coeff"
    }

    init(algo: String, envID: String, environment env: Environment, hidden: [Int], activation: String, state: LearnerState,
         meanReturn: Double?, config: JSONValue) {
        self.algo = algo; self.envID = envID
        observationSize = env.observationSize; actionSize = env.actionSize; actionLow = env.actionLow; actionHigh = env.actionHigh
        self.hidden = hidden; self.activation = activation
        envSteps = state.envSteps; iterations = state.iterations; episodes = state.episodes; self.meanReturn = meanReturn
        filter = state.filter; rng = state.rng.snapshot; environmentRNG = state.environmentRNG.map(\.snapshot)
        optimizerSteps = state.optimizers.map(\.steps); self.config = config; learnerState = state.scalars
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(Int.self, forKey: .format); algo = try c.decode(String.self, forKey: .algo)
        envID = try c.decode(String.self, forKey: .envID)
        observationSize = try c.decode(Int.self, forKey: .observationSize); actionSize = try c.decode(Int.self, forKey: .actionSize)
        actionLow = try c.decode([Float].self, forKey: .actionLow); actionHigh = try c.decode([Float].self, forKey: .actionHigh)
        hidden = try c.decode([Int].self, forKey: .hidden); activation = try c.decode(String.self, forKey: .activation)
        envSteps = try c.decode(Int.self, forKey: .envSteps); iterations = try c.decode(Int.self, forKey: .iterations)
        episodes = try c.decode(Int.self, forKey: .episodes); meanReturn = try c.decodeIfPresent(Double.self, forKey: .meanReturn)
        filter = try c.decodeIfPresent(RunningMeanStd.self, forKey: .filter); rng = try c.decode([UInt64].self, forKey: .rng)
        environmentRNG = try c.decodeIfPresent([[UInt64]].self, forKey: .environmentRNG)
        optimizerSteps = try c.decode([Int].self, forKey: .optimizerSteps)
        learnerState = try c.decodeIfPresent([String: Double].self, forKey: .learnerState) ?? [:]
        // Checkpoints written before the learner interface kept PPO's KL coefficient at the top level.
        if let kl = try c.decodeIfPresent(Double.self, forKey: .legacyKLCoeff) { learnerState["kl_coeff"] = kl }
        config = try decoder.container(keyedBy: NameKey.self).decodeIfPresent(JSONValue.self, forKey: NameKey(algo)) ?? .null
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format); try c.encode(algo, forKey: .algo); try c.encode(envID, forKey: .envID)
        try c.encode(observationSize, forKey: .observationSize); try c.encode(actionSize, forKey: .actionSize)
        try c.encode(actionLow, forKey: .actionLow); try c.encode(actionHigh, forKey: .actionHigh)
        try c.encode(hidden, forKey: .hidden); try c.encode(activation, forKey: .activation)
        try c.encode(envSteps, forKey: .envSteps); try c.encode(iterations, forKey: .iterations); try c.encode(episodes, forKey: .episodes)
        try c.encodeIfPresent(meanReturn, forKey: .meanReturn); try c.encodeIfPresent(filter, forKey: .filter)
        try c.encode(rng, forKey: .rng); try c.encodeIfPresent(environmentRNG, forKey: .environmentRNG)
        try c.encode(optimizerSteps, forKey: .optimizerSteps)
        if !learnerState.isEmpty { try c.encode(learnerState, forKey: .learnerState) }
        var named = encoder.container(keyedBy: NameKey.self)
        try named.encode(config, forKey: NameKey(algo))
    }

    /// The stored config decoded as `type`.
    public func decodedConfig<C: LearnerConfig>(_ type: C.Type, source: String) throws -> C {
        do { return try JSONDecoder().decode(C.self, from: JSONEncoder().encode(config)) } catch {
            throw RLError("\(source): its \"\(algo)\" configuration is unreadable (\(error.localizedDescription))")
        }
    }

    struct NameKey: CodingKey {
        var stringValue: String
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

/// A checkpoint is a directory: `model.safetensors` (weights, loadable by PyTorch users), `optimizer.safetensors`
/// (Adam moments) and `meta.json`. It is written in a hidden temporary directory and renamed into place, so a
/// crash never leaves a half-written checkpoint; `latest` names the newest one.
public enum Checkpoint {
    public static let modelFile = "model.safetensors", optimizerFile = "optimizer.safetensors", metaFile = "meta.json"

    /// Writes `learner` as checkpoint `name` in `directory` and returns its URL.
    public static func save<L: Learner>(_ learner: L, envID: String, environment env: Environment, in directory: URL, name: String) throws -> URL {
        let state = learner.checkpointState()
        let config = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(learner.config))
        let meta = CheckpointMeta(algo: L.name, envID: envID, environment: env, hidden: learner.config.hidden,
                                  activation: learner.config.activation.rawValue, state: state,
                                  meanReturn: finite(learner.episodes.meanReturn), config: config)
        return try write(meta: meta, model: state.tensors, optimizers: state.optimizers, in: directory, name: name)
    }

    private static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    private static func write(meta: CheckpointMeta, model: [(String, Safetensors.Tensor)], optimizers: [Adam],
                              in directory: URL, name: String) throws -> URL {
        let fm = FileManager.default
        let final = directory.appendingPathComponent(name)
        let temp = directory.appendingPathComponent(".tmp-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        // A failed write (a full disk) leaves neither a half-written folder nor fewer complete checkpoints than before.
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            try? fm.removeItem(at: temp)
            try fm.createDirectory(at: temp, withIntermediateDirectories: true)
            try writeFiles(meta: meta, model: model, optimizers: optimizers, into: temp)
            if fm.fileExists(atPath: final.path) {
                // Replace an older checkpoint of the same name: move it aside first so one complete copy always exists.
                let old = directory.appendingPathComponent(".old-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
                try? fm.removeItem(at: old)
                try fm.moveItem(at: final, to: old)
                do { try fm.moveItem(at: temp, to: final) } catch { try? fm.moveItem(at: old, to: final); throw error }
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: temp, to: final)
            }
        } catch {
            try? fm.removeItem(at: temp)
            if let error = error as? RLError { throw error }
            throw RLError("cannot write checkpoint \(final.path): \(fileErrorReason(error))")
        }
        return final
    }

    private static func writeFiles(meta: CheckpointMeta, model: [(String, Safetensors.Tensor)], optimizers: [Adam], into folder: URL) throws {
        var moments: [(String, Safetensors.Tensor)] = []
        for (k, opt) in optimizers.enumerated() {
            let s = opt.state
            for (i, m) in s.m.enumerated() { moments.append(("opt\(k).m.\(i)", .init(shape: [m.count], values: m))) }
            for (i, v) in s.v.enumerated() { moments.append(("opt\(k).v.\(i)", .init(shape: [v.count], values: v))) }
        }
        try Safetensors.encode(model, metadata: ["format": "pt", "algo": meta.algo, "env_id": meta.envID])
            .write(to: folder.appendingPathComponent(modelFile))
        try Safetensors.encode(moments).write(to: folder.appendingPathComponent(optimizerFile))
        let encoder = JSONEncoder(); encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(meta).write(to: folder.appendingPathComponent(metaFile))
    }

    /// Records `name` as the newest checkpoint of `directory` (atomic replace of a one-line file).
    public static func markLatest(_ name: String, in directory: URL) throws {
        let file = directory.appendingPathComponent("latest")
        do { try Data((name + "\n").utf8).write(to: file, options: .atomic) } catch {
            throw RLError("cannot write \(file.path): \(fileErrorReason(error))")
        }
    }

    /// A checkpoint directory from a user's path: a checkpoint itself, a `checkpoints/` folder or a run directory.
    public static func resolve(_ path: String) throws -> URL {
        let fm = FileManager.default
        var url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: url.path, isDirectory: &isDir) else { throw RLError("\(path): no such checkpoint or run directory") }
        if !isDir.boolValue { url.deleteLastPathComponent() }  // a file inside a checkpoint
        if fm.fileExists(atPath: url.appendingPathComponent(metaFile).path) { return url }
        let folder = fm.fileExists(atPath: url.appendingPathComponent("checkpoints").path) ? url.appendingPathComponent("checkpoints") : url
        if let data = fm.contents(atPath: folder.appendingPathComponent("latest").path) {
            let name = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let c = folder.appendingPathComponent(name)
            if fm.fileExists(atPath: c.appendingPathComponent(metaFile).path) { return c }
        }
        throw RLError("\(path): no checkpoint found (expected \(metaFile) or a run directory with checkpoints/latest)")
    }

    public static func readMeta(_ checkpoint: URL) throws -> CheckpointMeta {
        let url = checkpoint.appendingPathComponent(metaFile)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw RLError("\(url.path): cannot read") }
        let meta: CheckpointMeta
        do { meta = try JSONDecoder().decode(CheckpointMeta.self, from: data) } catch {
            let detail = (error as? DecodingError).flatMap { e -> String? in
                if case .dataCorrupted(let context) = e { return context.debugDescription } else { return nil }
            } ?? error.localizedDescription
            throw RLError("\(url.path): not a bioimitate checkpoint description (\(detail))")
        }
        if let filter = meta.filter, filter.size != meta.observationSize {
            throw RLError("\(url.path): the observation filter holds \(filter.size) values for \(meta.observationSize) observations")
        }
        guard meta.actionLow.count == meta.actionSize, meta.actionHigh.count == meta.actionSize else {
            throw RLError("\(url.path): action bounds do not hold \(meta.actionSize) values")
        }
        return meta
    }

    static func tensors(_ checkpoint: URL, _ file: String) throws -> [String: Safetensors.Tensor] {
        let url = checkpoint.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw RLError("\(url.path): cannot read") }
        return try Safetensors.decode(data, source: url.path)
    }

    static func restoreOptimizers(_ optimizers: [Adam], steps: [Int], from checkpoint: URL) throws {
        let t = try tensors(checkpoint, optimizerFile)
        guard steps.count == optimizers.count else { throw RLError("\(checkpoint.path): optimizer count differs") }
        for (k, opt) in optimizers.enumerated() {
            func moments(_ kind: String) throws -> [[Float]] {
                try (0..<opt.state.m.count).map { i in
                    guard let x = t["opt\(k).\(kind).\(i)"] else { throw RLError("\(checkpoint.path): optimizer tensor opt\(k).\(kind).\(i) missing") }
                    return x.values
                }
            }
            let m = try moments("m"), v = try moments("v")
            try opt.restore(steps: steps[k], m: m, v: v)
        }
    }

    /// Loads weights, optimizer moments, filter, counters and random state into a freshly built learner.
    public static func restore<L: Learner>(_ learner: L, from checkpoint: URL) throws {
        let meta = try readMeta(checkpoint)
        guard meta.algo == L.name else { throw RLError("\(checkpoint.path): a \(meta.algo) checkpoint cannot resume \(L.name)") }
        var state = learner.checkpointState()  // for its optimizers; everything else comes from the checkpoint
        state.tensors = try tensors(checkpoint, modelFile).map { ($0.key, $0.value) }
        state.envSteps = meta.envSteps; state.iterations = meta.iterations; state.episodes = meta.episodes
        state.filter = meta.filter; state.rng = Random(snapshot: meta.rng)
        state.environmentRNG = (meta.environmentRNG ?? []).filter { $0.count == 4 }.map(Random.init(snapshot:))
        state.scalars = meta.learnerState
        try learner.restore(state, source: checkpoint.path)  // weights first: a shape mismatch is named by its tensor
        try restoreOptimizers(state.optimizers, steps: meta.optimizerSteps, from: checkpoint)
    }
}

/// Copies beyond those saved keep their own seeds; every copy starts a new episode.
func restoreEnvironmentRNG(_ slots: [EnvSlot], _ states: [Random]) {
    for (slot, state) in zip(slots, states) { slot.rng = state; slot.needsReset = true }
}

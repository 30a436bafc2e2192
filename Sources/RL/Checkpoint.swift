import Foundation

/// Everything about a checkpoint except the tensors: what produced it, the spaces, the observation filter,
/// counters and random state (so training resumes on the same curve).
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
    public var klCoeff: Double?
    public var filter: RunningMeanStd?
    public var rng: [UInt64]
    /// Random state of each environment copy (resets and exploration noise).
    public var environmentRNG: [[UInt64]]?
    public var optimizerSteps: [Int]
    public var ppo: PPOConfig?
    public var sac: SACConfig?

    enum CodingKeys: String, CodingKey {
        case format, algo, hidden, activation, episodes, filter, rng, ppo, sac
        case envID = "env_id", observationSize = "observation_size", actionSize = "action_size"
        case actionLow = "action_low", actionHigh = "action_high", envSteps = "env_steps", iterations
        case environmentRNG = "environment_rng", meanReturn = "mean_return", klCoeff = "kl_coeff", optimizerSteps = "optimizer_steps"
    }
}

/// A checkpoint is a directory: `model.safetensors` (weights, loadable by PyTorch users), `optimizer.safetensors`
/// (Adam moments) and `meta.json`. It is written in a hidden temporary directory and renamed into place, so a
/// crash never leaves a half-written checkpoint; `latest` names the newest one.
public enum Checkpoint {
    public static let modelFile = "model.safetensors", optimizerFile = "optimizer.safetensors", metaFile = "meta.json"

    public static func save(_ ppo: PPO, envID: String, environment env: Environment, in directory: URL, name: String) throws -> URL {
        let meta = CheckpointMeta(algo: "ppo", envID: envID, observationSize: env.observationSize, actionSize: env.actionSize,
                                  actionLow: env.actionLow, actionHigh: env.actionHigh, hidden: ppo.config.hidden,
                                  activation: ppo.config.activation, envSteps: ppo.envSteps, iterations: ppo.iterations,
                                  episodes: ppo.episodes.total, meanReturn: finite(ppo.episodes.meanReturn), klCoeff: ppo.klCoeff,
                                  filter: ppo.filter, rng: ppo.randomState.snapshot, environmentRNG: ppo.slots.map(\.rng.snapshot), optimizerSteps: [ppo.optimizerState.steps],
                                  ppo: ppo.config, sac: nil)
        let model = ppo.policy.shapedTensors(prefix: "policy")
            + [("policy.log_std", Safetensors.Tensor(shape: [ppo.logStd.value.count], values: ppo.logStd.value))]
            + ppo.value.shapedTensors(prefix: "value")
        return try write(meta: meta, model: model, optimizers: [ppo.optimizerState], in: directory, name: name)
    }

    public static func save(_ sac: SAC, envID: String, environment env: Environment, in directory: URL, name: String) throws -> URL {
        let meta = CheckpointMeta(algo: "sac", envID: envID, observationSize: env.observationSize, actionSize: env.actionSize,
                                  actionLow: env.actionLow, actionHigh: env.actionHigh, hidden: sac.config.hidden,
                                  activation: sac.config.activation, envSteps: sac.envSteps, iterations: sac.updates,
                                  episodes: sac.episodes.total, meanReturn: finite(sac.episodes.meanReturn), klCoeff: nil,
                                  filter: sac.filter, rng: sac.randomState.snapshot, environmentRNG: sac.slots.map(\.rng.snapshot), optimizerSteps: sac.optimizers.map(\.steps),
                                  ppo: nil, sac: sac.config)
        let model = sac.actor.shapedTensors(prefix: "actor") + sac.q1.shapedTensors(prefix: "q1") + sac.q2.shapedTensors(prefix: "q2")
            + [("log_alpha", Safetensors.Tensor(shape: [1], values: sac.logAlpha.value))]
        return try write(meta: meta, model: model, optimizers: sac.optimizers, in: directory, name: name)
    }

    private static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    private static func write(meta: CheckpointMeta, model: [(String, Safetensors.Tensor)], optimizers: [Adam],
                              in directory: URL, name: String) throws -> URL {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        let temp = directory.appendingPathComponent(".tmp-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: temp)
        try fm.createDirectory(at: temp, withIntermediateDirectories: true)
        var moments: [(String, Safetensors.Tensor)] = []
        for (k, opt) in optimizers.enumerated() {
            let s = opt.state
            for (i, m) in s.m.enumerated() { moments.append(("opt\(k).m.\(i)", .init(shape: [m.count], values: m))) }
            for (i, v) in s.v.enumerated() { moments.append(("opt\(k).v.\(i)", .init(shape: [v.count], values: v))) }
        }
        try Safetensors.encode(model, metadata: ["format": "pt", "algo": meta.algo, "env_id": meta.envID])
            .write(to: temp.appendingPathComponent(modelFile))
        try Safetensors.encode(moments).write(to: temp.appendingPathComponent(optimizerFile))
        let encoder = JSONEncoder(); encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(meta).write(to: temp.appendingPathComponent(metaFile))
        let final = directory.appendingPathComponent(name)
        if fm.fileExists(atPath: final.path) {
            // Replace an older checkpoint of the same name: move it aside first so one complete copy always exists.
            let old = directory.appendingPathComponent(".old-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
            try? fm.removeItem(at: old)
            try fm.moveItem(at: final, to: old)
            try fm.moveItem(at: temp, to: final)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: temp, to: final)
        }
        return final
    }

    /// Records `name` as the newest checkpoint of `directory` (atomic replace of a one-line file).
    public static func markLatest(_ name: String, in directory: URL) throws {
        try Data((name + "\n").utf8).write(to: directory.appendingPathComponent("latest"), options: .atomic)
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
        do { return try JSONDecoder().decode(CheckpointMeta.self, from: data) } catch {
            throw RLError("\(url.path): not a bioimitate checkpoint description (\(error.localizedDescription))")
        }
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

    /// The description and weights of a checkpoint that must come from `algo`.
    static func contents(_ checkpoint: URL, algo: String) throws -> (CheckpointMeta, [String: Safetensors.Tensor]) {
        let meta = try readMeta(checkpoint)
        guard meta.algo == algo else { throw RLError("\(checkpoint.path): a \(meta.algo) checkpoint cannot resume \(algo.uppercased())") }
        return (meta, try tensors(checkpoint, modelFile))
    }

    /// Loads weights, optimizer moments, filter, counters and random state into a freshly built learner.
    public static func restore(_ ppo: PPO, from checkpoint: URL) throws {
        let (meta, t) = try contents(checkpoint, algo: "ppo")
        try loadShaped(ppo.policy, t, prefix: "policy", source: checkpoint.path)
        try loadShaped(ppo.value, t, prefix: "value", source: checkpoint.path)
        guard let ls = t["policy.log_std"], ls.values.count == ppo.logStd.value.count else {
            throw RLError("\(checkpoint.path): tensor policy.log_std missing or of the wrong size")
        }
        ppo.logStd.value = ls.values
        try restoreOptimizers([ppo.optimizerState], steps: meta.optimizerSteps, from: checkpoint)
        ppo.restore(envSteps: meta.envSteps, iterations: meta.iterations, episodes: meta.episodes, klCoeff: meta.klCoeff ?? ppo.config.klCoeff,
                    filter: meta.filter, rng: Random(snapshot: meta.rng))
        restoreEnvironmentRNG(ppo.slots, meta)
    }

    public static func restore(_ sac: SAC, from checkpoint: URL) throws {
        let (meta, t) = try contents(checkpoint, algo: "sac")
        try loadShaped(sac.actor, t, prefix: "actor", source: checkpoint.path)
        try loadShaped(sac.q1, t, prefix: "q1", source: checkpoint.path)
        try loadShaped(sac.q2, t, prefix: "q2", source: checkpoint.path)
        guard let la = t["log_alpha"], la.values.count == 1 else { throw RLError("\(checkpoint.path): tensor log_alpha missing") }
        sac.logAlpha.value = la.values
        try restoreOptimizers(sac.optimizers, steps: meta.optimizerSteps, from: checkpoint)
        sac.restore(envSteps: meta.envSteps, updates: meta.iterations, episodes: meta.episodes, filter: meta.filter, rng: Random(snapshot: meta.rng))
        restoreEnvironmentRNG(sac.slots, meta)
    }

    /// Copies beyond those saved keep their own seeds; every copy starts a new episode.
    static func restoreEnvironmentRNG(_ slots: [EnvSlot], _ meta: CheckpointMeta) {
        for (slot, state) in zip(slots, meta.environmentRNG ?? []) where state.count == 4 {
            slot.rng = Random(snapshot: state); slot.needsReset = true
        }
    }

    static func loadShaped(_ mlp: MLP, _ t: [String: Safetensors.Tensor], prefix: String, source: String) throws {
        for l in 0..<mlp.layerCount {
            let wName = "\(prefix).\(l).weight", bName = "\(prefix).\(l).bias"
            guard let w = t[wName], w.shape == [mlp.sizes[l + 1], mlp.sizes[l]] else {
                throw RLError("\(source): tensor \(wName) missing or not of shape [\(mlp.sizes[l + 1]), \(mlp.sizes[l])]")
            }
            guard let b = t[bName], b.values.count == mlp.sizes[l + 1] else { throw RLError("\(source): tensor \(bName) missing or of the wrong size") }
            mlp.weights[l].storage = w.values
            mlp.biases[l] = b.values
        }
    }
}

/// The deterministic policy of a checkpoint, for evaluation: the Gaussian mean (PPO, clipped to [−1, 1]) or
/// tanh of the mean (SAC), after the saved observation filter, rescaled to the action bounds.
public final class DeterministicPolicy {
    public let meta: CheckpointMeta
    let network: MLP
    var input: Matrix

    public init(checkpoint: URL) throws {
        meta = try Checkpoint.readMeta(checkpoint)
        guard let activation = Activation(rawValue: meta.activation) else { throw RLError("\(checkpoint.path): unknown activation \(meta.activation)") }
        var rng = Random(seed: 0)
        let outputs = meta.algo == "sac" ? 2 * meta.actionSize : meta.actionSize
        network = MLP(sizes: [meta.observationSize] + meta.hidden + [outputs], activation: activation, rng: &rng)
        try Checkpoint.loadShaped(network, try Checkpoint.tensors(checkpoint, Checkpoint.modelFile),
                                  prefix: meta.algo == "sac" ? "actor" : "policy", source: checkpoint.path)
        input = Matrix(rows: 1, cols: meta.observationSize)
    }

    /// Writes the action (in the environment's bounds) for one raw observation.
    public func act(_ observation: [Float], into action: inout [Float]) {
        var obs = observation
        meta.filter?.normalize(&obs)
        input.storage = obs
        let out = network.forward(input)
        for j in 0..<meta.actionSize {
            let a = meta.algo == "sac" ? Foundation.tanh(out[0, j]) : min(max(out[0, j], -1), 1)
            action[j] = meta.actionLow[j] + (a + 1) * 0.5 * (meta.actionHigh[j] - meta.actionLow[j])
        }
    }
}

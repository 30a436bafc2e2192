import Foundation
import RL
import Imitation
import Sim

/// `bioimitate rollout --env`: one episode of an imitation environment under a checkpoint's deterministic policy,
/// zero actions or uniformly random actions; writes what happened as OpenSim storage files and `report.html`.
enum EnvRollout {
    /// The action source for `--policy`: zero, random, reference (torque envs), or a checkpoint trained on this environment.
    static func policy(_ name: String, env: ImitationEnvironment, seed: Int) throws -> (_ obs: [Float], _ action: inout [Float]) -> Void {
        switch name {
        case "zero": return { _, a in for i in a.indices { a[i] = min(max(0, env.actionLow[i]), env.actionHigh[i]) } }
        case "reference":
            // Torque envs: PD targets at the reference pose of the next frame (how far plain tracking gets).
            guard env.isTorqueDriven else { throw CLIError("--policy reference needs a torque-driven environment, \(env.task.id) is muscle-driven") }
            return { _, a in
                let f = min(env.frame + 1, env.reference.frameCount - 1)
                for (i, c) in env.actionCoordinates.enumerated() { a[i] = Float(env.reference.position(f, c)) }
            }
        case "random":
            var rng = Random(seed: UInt64(seed) &+ 7)
            return { _, a in for i in a.indices { a[i] = env.actionLow[i] + Float(rng.uniform()) * (env.actionHigh[i] - env.actionLow[i]) } }
        default:
            let p: DeterministicPolicy
            do { p = try DeterministicPolicy(checkpoint: try Checkpoint.resolve(name)) } catch let e as RLError { throw CLIError(e.description) }
            try checkMatches(p.meta, env: env, path: name)
            return { o, a in p.act(o, into: &a) }
        }
    }

    /// A checkpoint drives only the environment (and spaces) it was trained on.
    static func checkMatches(_ meta: CheckpointMeta, env: ImitationEnvironment, path: String) throws {
        guard meta.envID == env.task.id, meta.observationSize == env.observationSize, meta.actionSize == env.actionSize else {
            throw CLIError("\(path): the checkpoint was trained on \(meta.envID) (\(meta.observationSize) obs, \(meta.actionSize) act), not \(env.task.id) (\(env.observationSize) obs, \(env.actionSize) act)")
        }
    }

    /// Runs one episode from `reset(seed:)` for at most `steps` steps and returns its recording.
    static func episode(env: ImitationEnvironment, steps: Int, seed: UInt64,
                        act: (_ obs: [Float], _ action: inout [Float]) -> Void) -> EpisodeRecording {
        var obs = [Float](repeating: 0, count: env.observationSize), action = [Float](repeating: 0, count: env.actionSize)
        env.reset(seed: seed, observation: &obs)
        var rec = EpisodeRecording(env: env)
        rec.ending = "step limit \(steps) reached"
        for _ in 0..<steps {
            act(obs, &action)
            let r = env.step(action, observation: &obs)
            rec.record(action: action, reward: r.reward)
            if r.terminated { rec.ending = "terminated: \(env.info.fallReason ?? "")"; break }
            if r.truncated { rec.ending = "end of the reference"; break }
        }
        return rec
    }

    static func run(env: ImitationEnvironment, policy name: String, steps: Int, seed: Int, out: String) throws {
        let act = try policy(name, env: env, seed: seed)
        let rec = episode(env: env, steps: steps, seed: UInt64(seed), act: act)
        try rec.write(to: out)
        let rmse = rec.series(.jointRMSEDegrees).reduce(0, +) / Double(max(rec.steps, 1))
        print(String(format: "%@: %d steps (%.2f s), return %.3f, mean joint RMSE %.2f deg; %@", env.task.id, rec.steps,
                     Double(rec.steps) * env.reference.step, rec.totalReward, rmse, rec.ending))
        print("wrote \(out)/report.html, states.sto, motion.mot, speeds.sto, reference.sto, actions.sto, controls.sto, rewards.sto")
    }
}

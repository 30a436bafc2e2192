import Foundation
import RL
import Sim

/// `bioimitate rollout --env`: one episode of an imitation environment under a checkpoint's deterministic policy,
/// zero actions or uniformly random actions; writes what happened as OpenSim storage files.
enum EnvRollout {
    struct Recording {
        var time: [Double] = [], positions: [[Double]] = [], speeds: [[Double]] = [], reference: [[Double]] = []
        var actions: [[Double]] = [], applied: [[Double]] = [], terms: [[Double]] = []
    }

    static let termColumns = ["reward", "imitation", "effort", "smoothness", "weighted_imitation", "weighted_effort",
                              "weighted_smoothness", "joint_rmse_deg", "com_error_m", "power_w"]

    static func run(env: ImitationEnvironment, policy: String, steps: Int, seed: Int, out: String) throws {
        var act: ((_ obs: [Float], _ action: inout [Float]) -> Void)
        var rng = Random(seed: UInt64(seed) &+ 7)
        switch policy {
        case "zero": act = { _, a in for i in a.indices { a[i] = min(max(0, env.actionLow[i]), env.actionHigh[i]) } }
        case "random": act = { _, a in for i in a.indices { a[i] = env.actionLow[i] + Float(rng.uniform()) * (env.actionHigh[i] - env.actionLow[i]) } }
        default:
            let p: DeterministicPolicy
            do { p = try DeterministicPolicy(checkpoint: try Checkpoint.resolve(policy)) } catch let e as RLError { throw CLIError(e.description) }
            guard p.meta.envID == env.task.id,
                  p.meta.observationSize == env.observationSize, p.meta.actionSize == env.actionSize else {
                throw CLIError("\(policy): the checkpoint was trained on \(p.meta.envID) (\(p.meta.observationSize) obs, \(p.meta.actionSize) act), not \(env.task.id) (\(env.observationSize) obs, \(env.actionSize) act)")
            }
            act = { o, a in p.act(o, into: &a) }
        }
        var obs = [Float](repeating: 0, count: env.observationSize), action = [Float](repeating: 0, count: env.actionSize)
        env.reset(seed: UInt64(seed), observation: &obs)
        var rec = Recording()
        func record(reward: Double) {
            let d = env.data, f = min(env.frame, env.reference.frameCount - 1)
            rec.time.append(d.time); rec.positions.append(d.q); rec.speeds.append(d.u)
            rec.reference.append(env.reference.positions(at: f))
            rec.actions.append(action.map(Double.init)); rec.applied.append(env.appliedAction)
            let i = env.info
            rec.terms.append([reward, i.imitation, i.effort, i.smoothness, i.weightedImitation, i.weightedEffort, i.weightedSmoothness,
                              i.jointRMSE * 180 / .pi, i.comError, i.power] + i.footLoads)
        }
        record(reward: 0)
        var total = 0.0, ending = "step limit \(steps) reached"
        for _ in 0..<steps {
            act(obs, &action)
            let r = env.step(action, observation: &obs)
            total += r.reward
            record(reward: r.reward)
            if r.terminated { ending = "terminated: \(env.info.fallReason ?? "")"; break }
            if r.truncated { ending = "end of the reference"; break }
        }
        try write(env: env, rec, to: out)
        let n = rec.time.count - 1
        let rmse = rec.terms.dropFirst().map { $0[7] }.reduce(0, +) / Double(max(n, 1))
        print(String(format: "%@: %d steps (%.2f s), return %.3f, mean joint RMSE %.2f deg; %@", env.task.id, n, Double(n) * env.reference.step, total, rmse, ending))
        print("wrote \(out)/states.sto, speeds.sto, reference.sto, actions.sto, controls.sto, rewards.sto")
    }

    static func write(env: ImitationEnvironment, _ rec: Recording, to out: String) throws {
        let model = env.model
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try model.statesTable(name: "states", time: rec.time, positions: rec.positions).write(path: out + "/states.sto")
            try model.statesTable(name: "reference", time: rec.time, positions: rec.reference).write(path: out + "/reference.sto")
            let names = model.coordinates.map(\.name)
            try MotionTable(name: "speeds", labels: names, time: rec.time, rows: rec.speeds, inDegrees: false).write(path: out + "/speeds.sto")
            try MotionTable(name: "actions", labels: env.actionNames, time: rec.time, rows: rec.actions, inDegrees: false).write(path: out + "/actions.sto")
            // Applied controls: excitations of muscles, or the torques' target angles after smoothing.
            try MotionTable(name: "controls", labels: env.actionNames, time: rec.time, rows: rec.applied, inDegrees: false).write(path: out + "/controls.sto")
            var feet: [String] = []
            for f in model.forces where f is HuntCrossleyForce || f is SmoothSphereHalfSpaceForce {
                feet += ["fx", "fy", "fz", "mx", "my", "mz"].map { "\(f.name)_\($0)" }
            }
            try MotionTable(name: "rewards", labels: termColumns + feet, time: rec.time, rows: rec.terms, inDegrees: false).write(path: out + "/rewards.sto")
        } catch let e as SimError { throw CLIError("\(e)") }
    }
}

import ArgumentParser
import Foundation
import RL
import Imitation
import Sim

struct BenchEnv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-env",
        abstract: "Environment steps per second under random actions, and what observation and reward add to simulation.",
        discussion: """
            Each run steps the environment with uniformly random actions (resetting when an episode ends) on one core
            and splits the wall time into simulation (the integrator) and everything else (actions, reward, termination
            checks, observation). Prints the median over runs.
            """)

    @Option(help: "Comma-separated environment IDs.")
    var envs = "MuscleWalkingImitation2D-v0,MuscleWalkingImitation3D-v0"
    @Option(help: "Steps per run.") var steps = 2000
    @Option(help: IntegratorKind.help) var integrator = IntegratorKind.stiff
    @Option(help: "Runs (the median is reported).") var runs = 5

    func validate() throws {
        guard steps >= 1 else { throw ValidationError("--steps \(steps): must be at least 1") }
        guard runs >= 1 else { throw ValidationError("--runs \(runs): must be at least 1") }
    }

    func run() throws {
        for id in envs.split(separator: ",").map(String.init) {
            var rates: [Double] = [], overheads: [Double] = []
            for r in 0..<runs {
                var config = EnvironmentConfig()
                config.integrator = integrator
                let env = try Environments.imitation(id, config: config)
                var obs = [Float](repeating: 0, count: env.observationSize), action = [Float](repeating: 0, count: env.actionSize)
                var rng = Random(seed: UInt64(r))
                env.reset(seed: UInt64(r), observation: &obs)
                for _ in 0..<steps {
                    for i in action.indices { action[i] = env.actionLow[i] + Float(rng.uniform()) * (env.actionHigh[i] - env.actionLow[i]) }
                    let o = env.step(action, observation: &obs)
                    if o.terminated || o.truncated { env.reset(seed: rng.next(), observation: &obs) }
                }
                rates.append(Double(steps) / env.stepSeconds)
                overheads.append((env.stepSeconds - env.simulationSeconds) / env.simulationSeconds)
            }
            func median(_ x: [Double]) -> Double { let s = x.sorted(); return s[s.count / 2] }
            print(String(format: "%@  %6.0f env steps/s (median of %d runs of %d random-action steps); observation, reward and actions add %.1f %% to simulation",
                         id, median(rates), runs, steps, 100 * median(overheads)))
        }
    }
}

import ArgumentParser
import JSONConfig
import Imitation
import Sim

struct Rollout: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate an environment or an OpenSim model and write states, controls and a report.",
        discussion: """
            Model mode: bioimitate rollout --model FILE.osim --initial-state POSE.mot [--t0 T] --duration D \\
              [--controls C.sto] [--accuracy A] --out DIR
            simulates any .osim model from a pose (coordinates matched by name, degrees converted per the header) and
            writes DIR/states.sto (every coordinate, radians/metres, every 0.01 s) and DIR/speeds.sto. Controls columns
            are matched to actuator names.
            Environment mode: bioimitate rollout --env ID [--policy zero|random|CHECKPOINT] [--steps N] [--seed S] \
              [--reference FILE.mot] [--env-config F] --out DIR
            runs one episode (test mode: from the start of the reference to its end, or N steps) and writes
            states.sto, speeds.sto, reference.sto, actions.sto, controls.sto and rewards.sto (reward terms, tracking
            error, power and foot loads per step).
            Your own model as an environment: bioimitate rollout --model FILE.osim --reference MOTION.mot \
              [--actuation muscle|torque] [--policy ...] --out DIR (as `train --model`).
            """)

    @Option(help: "Environment ID (see `bioimitate envs`).")
    var env: String?

    @Option(help: "Model to simulate instead of an environment: a built-in name (gait2d, gait3d), an OpenSim .osim or a spec .json.")
    var model: String?

    @Option(name: .customLong("initial-state"), help: "Pose (.mot/.sto) for --model; coordinates matched by name.")
    var initialState: String?

    @Option(help: "Time in the pose file to start from (s).")
    var t0 = 0.0

    @Option(help: "Simulated duration for --model (s).")
    var duration = 1.0

    @Option(help: "Controls (.sto) for --model: one column per actuator name.")
    var controls: String?

    @Option(help: "Integrator accuracy (relative).")
    var accuracy = 1e-3

    @Option(help: "For --model. \(IntegratorKind.help.abstract)")
    var integrator = IntegratorKind.stiff

    @Option(help: "Policy for --env: a checkpoint path, zero, random, or reference (torque envs: PD targets on the reference pose).")
    var policy = "zero"

    @Option(help: "Most control steps for --env (the episode may end sooner).")
    var steps = 10_000

    @Option(help: "Motion (.mot/.sto) for --env to imitate instead of its built-in reference; with --model, runs the model as an imitation environment.")
    var reference: String?

    @Option(help: "With --model and --reference: muscle, torque or joints (default: muscle when the model has muscles).")
    var actuation: ActuationOption?

    @Option(name: .customLong("env-config"), help: "JSON file overriding environment settings (--env).")
    var envConfig: String?

    @Option(help: "Random seed.")
    var seed = 0

    @Option(help: "Output directory.")
    var out = "rollout"

    func validate() throws {
        if (env == nil) == (model == nil) { throw ValidationError("give exactly one of --env or --model") }
        if steps < 1 { throw ValidationError("--steps must be at least 1") }
        if !(duration > 0) { throw ValidationError("--duration must be positive") }
        if !(accuracy > 0 && accuracy < 1) { throw ValidationError("--accuracy must be in (0, 1)") }
    }

    /// `--model` with a motion or an actuation is the model as an imitation environment, else a plain simulation.
    var imitatesWithModel: Bool { model != nil && (reference != nil || actuation != nil) }

    func run() throws {
        if let model, !imitatesWithModel {
            try ModelRollout.run(model: model, initialState: initialState, t0: t0, duration: duration, controls: controls,
                                 mode: integrator.mode(accuracy: accuracy), out: out)
            return
        }
        var config = try ConfigLoader.load(EnvironmentConfig(), from: envConfig) { $0.firstProblem() }
        if envConfig == nil { config.mode = .test }
        let custom = imitatesWithModel ? try CustomModelOptions(model: model, actuation: actuation).spec(reference: reference) : nil
        let environment = try Environments.imitation(env ?? "", config: config, reference: reference, custom: custom, printNotes: true)
        try OutputFolder.prepare(out)
        try EnvRollout.run(env: environment, policy: policy, steps: steps, seed: seed, out: out)
    }
}

import ArgumentParser

struct Rollout: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate an environment or an OpenSim model and write states, controls and a report.",
        discussion: """
            Drive an environment (--env) with a policy checkpoint, zero or random actions, or drive any .osim
            model (--model) open-loop from an initial pose with excitations from a controls .sto file.
            """)

    @Option(help: "Environment ID (see `bioimitate envs`).")
    var env: String?

    @Option(help: "OpenSim model file (.osim) to simulate instead of an environment.")
    var model: String?

    @Option(help: "Policy: a checkpoint path, zero or random.")
    var policy = "zero"

    @Option(help: "Number of 0.01 s control steps.")
    var steps = 500

    @Option(help: "Random seed.")
    var seed = 0

    @Option(help: "Output directory.")
    var out = "rollout"

    func validate() throws {
        if (env == nil) == (model == nil) { throw ValidationError("give exactly one of --env or --model") }
        if steps < 1 { throw ValidationError("--steps must be at least 1") }
    }

    func run() throws {
        throw CLIError("rollout: simulation is not built yet in this version")
    }
}

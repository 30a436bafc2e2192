import ArgumentParser

struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained policy with deterministic episodes.",
        discussion: """
            PATH is a checkpoint or a run directory (its latest checkpoint is used). Prints and saves the return,
            episode length, falls and per-coordinate tracking error; settings default to configs/test_default.json.
            """)

    @Option(help: "Checkpoint file or run directory.")
    var checkpoint: String

    @Option(help: "Number of evaluation episodes (overrides episodes).")
    var episodes: Int?

    @Option(help: "JSON file overriding evaluation settings.")
    var config: String?

    func validate() throws {
        if let episodes, episodes < 1 { throw ValidationError("--episodes must be at least 1") }
    }

    func run() throws {
        _ = try ConfigLoader.load(TestConfig(), from: config) { $0.firstProblem() }
        throw CLIError("test: policy evaluation is not built yet in this version")
    }
}

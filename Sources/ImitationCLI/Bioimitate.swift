import ArgumentParser
import RL

@main
struct Bioimitate: ParsableCommand {
    static func main() {
        BLASKernel.reexecuteWithBetterKernels()
        main(nil)
    }

    static let configuration = CommandConfiguration(
        commandName: "bioimitate",
        abstract: "Train and evaluate simulated human bodies that imitate recorded human motion.",
        discussion: """
            Typical session:
              bioimitate envs                                         # what can be trained
              bioimitate train --env MuscleWalkingImitation2D-v0      # writes a run directory
              bioimitate test --checkpoint runs/<run>                 # evaluates its latest checkpoint
            Defaults live in configs/*.json; pass --config / --env-config to override any key.
            """,
        subcommands: [Train.self, Test.self, Rollout.self, Envs.self, Bench.self, BenchRL.self, ExportModel.self, MakeReference.self, BenchEnv.self])
}

/// A user-facing failure: printed as one line, exit status 1, no stack trace.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

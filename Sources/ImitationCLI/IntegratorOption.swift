import ArgumentParser
import Imitation
import Sim

/// `--integrator stiff|explicit`, shared by the commands that simulate; ArgumentParser rejects other names.
extension IntegratorKind: ExpressibleByArgument {
    static let help: ArgumentHelp = "Integrator: stiff (Rosenbrock-W) or explicit (Dormand-Prince)."
}

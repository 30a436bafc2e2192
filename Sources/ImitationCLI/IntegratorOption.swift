import ArgumentParser
import Sim

/// `--integrator stiff|explicit`, shared by the commands that simulate; ArgumentParser rejects other names.
enum IntegratorChoice: String, ExpressibleByArgument, CaseIterable {
    case stiff, explicit

    static let help: ArgumentHelp = "Integrator: stiff (Rosenbrock-W) or explicit (Dormand-Prince)."

    func mode(accuracy: Double) -> Integrator.Mode { Integrator.Mode(rawValue, accuracy: accuracy)! }
}

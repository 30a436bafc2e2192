import ArgumentParser
import Foundation
import Imitation
import Sim

struct ExportModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-model",
        abstract: "Write a model as bioimitate's own JSON spec (what the built-in models are).",
        discussion: "The spec is lossless: loading it gives the same dynamics as the .osim it came from.")

    @Option(help: "OpenSim model (.osim), spec (.json) or built-in name.") var model: String
    @Option(help: "Output .json file.") var out: String
    @Option(help: "Source and license line stored in the spec.") var source = ""
    @Flag(name: .customLong("restore-foot-contact"), help: "Add gait1422_3d's commented-out foot contact.")
    var restoreFootContact = false
    @Flag(name: .customLong("restore-limit-forces"), help: "Add gait1422_3d's commented-out coordinate limit forces.")
    var restoreLimitForces = false

    func run() throws {
        do {
            var m = try Model.load(model)
            if restoreFootContact { m = try m.withRestoredFootContact() }
            if restoreLimitForces { m = try m.withRestoredLimitForces() }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(try m.spec(source: source)).write(to: URL(fileURLWithPath: out), options: .atomic)
            print("wrote \(out): \(m.bodies.count) bodies, \(m.coordinateCount) coordinates, \(m.muscles.count) muscles, \(m.forces.count) force elements")
        } catch let e as SimError { throw CLIError("\(e)") }
    }
}

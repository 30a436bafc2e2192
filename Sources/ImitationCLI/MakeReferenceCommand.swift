import ArgumentParser
import Foundation
import Imitation
import Sim

struct MakeReference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-reference",
        abstract: "Fit one gait cycle of an OpenSim motion as a compact Fourier reference (what the built-in references are).",
        discussion: "The cycle length is detected from the motion; treadmill belt speed becomes forward progression.")

    @Option(help: "OpenSim motion (.mot/.sto).") var motion: String
    @Option(help: "Model whose coordinates the motion drives (built-in name, .json spec or .osim).") var model: String
    @Option(help: "Name of the reference.") var name: String
    @Option(help: "Source and license line stored in the file.") var source = ""
    @Option(help: "Start of the cycle (s after the first row).") var start = 0.0
    @Option(help: "Harmonics per coordinate.") var harmonics = 12
    @Option(help: "Output .json file.") var out: String

    func validate() throws {
        guard (1...200).contains(harmonics) else { throw ValidationError("--harmonics \(harmonics): must be between 1 and 200") }
        guard start.isFinite, start >= 0 else { throw ValidationError("--start \(start): must be a time of 0 s or more") }
    }

    func run() throws {
        do {
            let m = try Model.load(model)
            let (cycle, residual, notes) = try FourierCycle.fit(recording: motion, model: m, name: name, source: source,
                                                                start: start, harmonics: harmonics)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try encoder.encode(cycle).write(to: URL(fileURLWithPath: out), options: .atomic)
            for note in notes { print("note: \(note)") }
            let worst = residual.max { $0.value < $1.value }!
            print(String(format: "wrote %@: cycle %.3f s, %d coordinates, forward speed %.3f m/s; worst fit residual %@ %.3g",
                         out, cycle.period, cycle.coordinates.count, cycle.series("pelvis_tx")?.slope ?? 0, worst.key, worst.value))
        } catch let e as SimError { throw CLIError("\(e)") }
    }
}

import ArgumentParser
import Foundation
import Sim

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure simulation speed (figures, no pass/fail).",
        discussion: """
            Passive drop of the shared 2D and 3D gait models (muscles removed, foot contact kept, feet 4 cm above the
            floor), 0.01 s steps at the given accuracy, one core: the set-up of scripts/bench_opensim.py, so
            scripts/bench-sim.sh can put the two side by side. Prints the median of --runs runs.
            """)

    @Option(help: "Folder holding gait0914_2d.osim and gait1422_3d.osim.")
    var models = "../shared/data/models"
    @Option(help: "Simulated seconds per run.") var seconds = 1.0
    @Option(help: "Integrator accuracy.") var accuracy = 1e-3
    @Option(help: "Runs per case; the median is reported.") var runs = 3

    func run() throws {
        print("bioimitate, accuracy \(accuracy), \(seconds) s simulated per run, 0.01 s steps, median of \(runs)")
        for stem in ["gait0914_2d", "gait1422_3d"] {
            var model: Model
            do {
                model = try OsimLoader.load(path: "\(models)/\(stem).osim").removing { $0 is MuscleForce }
                if model.forces.first(where: { $0 is HuntCrossleyForce }) == nil { model = try model.withRestoredFootContact() }
            } catch { throw CLIError("\(error)") }
            var rates: [Double] = [], stepsPerInterval = 0.0
            for _ in 0..<runs {
                var d = SimData(model: model)
                model.liftFeet(&d, clearance: 0.04)
                var integrator = Integrator(model: model, mode: .adaptive(accuracy: accuracy))
                let n = Int((seconds / 0.01).rounded())
                let start = DispatchTime.now().uptimeNanoseconds
                for k in 1...n {
                    do { try integrator.advance(model, &d, to: Double(k) * 0.01) } catch { throw CLIError("\(stem): \(error)") }
                }
                rates.append(Double(n) / (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9))
                stepsPerInterval = Double(integrator.steps + integrator.rejected) / Double(n)
            }
            let median = rates.sorted()[runs / 2]
            print("\(stem.padding(toLength: 12, withPad: " ", startingAt: 0)) passive drop   \(String(format: "%9.1f", median)) steps/s  (runs: \(rates.map { String(format: "%.1f", $0) }.joined(separator: ", ")); \(String(format: "%.1f", stepsPerInterval)) integrator steps per 0.01 s)")
        }
    }
}

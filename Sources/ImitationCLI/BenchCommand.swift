import ArgumentParser
import Foundation
import Imitation
import Sim

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure simulation speed (figures, no pass/fail).",
        discussion: """
            The set-ups of scripts/bench_opensim.py on the shared 2D and 3D gait models, so scripts/bench-sim.sh can put
            both side by side: "passive drop" (muscles removed, foot contact kept, feet 4 cm above the floor),
            "muscle free" (all muscles, pelvis free, same pose, sine excitations 0.3 ± 0.2 at 1.5 Hz) and "muscle locked"
            (pelvis locked, feet lifted 1 m, same excitations). 0.01 s steps at the given accuracy, one core, medians.
            """)

    @Option(help: "Folder holding gait0914_2d.osim and gait1422_3d.osim.")
    var models = "../shared/data/models"
    @Option(help: "Simulated seconds per run.") var seconds = 1.0
    @Option(help: "Integrator accuracy.") var accuracy = 1e-3
    @Option(help: "Runs per case; the median is reported.") var runs = 3
    @Option(help: "Comma-separated cases: passive drop, muscle free, muscle locked.")
    var cases = "passive drop,muscle free,muscle locked"
    @Flag(help: "Use rigid tendons (no fiber-length states).") var rigidTendons = false
    @Option(help: IntegratorKind.help) var integrator = IntegratorKind.stiff
    @Option(help: "Comma-separated model stems to run.") var stems = "gait0914_2d,gait1422_3d"

    func run() throws {
        let mode = integrator.mode(accuracy: accuracy)
        print("bioimitate, \(integrator.rawValue) integrator, accuracy \(accuracy), \(seconds) s simulated per run, 0.01 s steps, median of \(runs)\(rigidTendons ? ", rigid tendons" : "")")
        for benchCase in cases.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            for stem in stems.split(separator: ",").map(String.init) {
                let (model, start) = try setup(stem, benchCase)
                var rates: [Double] = [], stepsPerInterval = 0.0, rejectedPerInterval = 0.0
                let muscleControls = model.forces.indices.filter { model.forces[$0] is MuscleForce }.map { model.controlOffsets[$0] }
                let n = Double(muscleControls.count)
                let phaseSin = muscleControls.indices.map { sin(2 * .pi * Double($0) / n) }
                let phaseCos = muscleControls.indices.map { cos(2 * .pi * Double($0) / n) }
                for _ in 0..<runs {
                    var d = start
                    var integrator = Integrator(model: model, mode: mode)
                    if benchCase != "passive drop" {
                        // 0.3 + 0.2·sin(ωt + φ_i) by the angle sum: one sine and cosine per call, not one per muscle.
                        integrator.controlLaw = { t, c in
                            let (s, k) = (sin(2 * .pi * 1.5 * t), cos(2 * .pi * 1.5 * t))
                            for (i, slot) in muscleControls.enumerated() { c[slot] = 0.3 + 0.2 * (s * phaseCos[i] + k * phaseSin[i]) }
                        }
                    }
                    let steps = Int((seconds / 0.01).rounded())
                    let begin = DispatchTime.now().uptimeNanoseconds
                    for k in 1...steps {
                        do { try integrator.advance(model, &d, to: Double(k) * 0.01) } catch { throw CLIError("\(stem) \(benchCase): \(error)") }
                    }
                    rates.append(Double(steps) / (Double(DispatchTime.now().uptimeNanoseconds - begin) * 1e-9))
                    stepsPerInterval = Double(integrator.steps + integrator.rejected) / Double(steps)
                    rejectedPerInterval = Double(integrator.rejected) / Double(steps)
                }
                let median = rates.sorted()[runs / 2]
                print("\(stem.padding(toLength: 12, withPad: " ", startingAt: 0)) \(benchCase.padding(toLength: 14, withPad: " ", startingAt: 0)) \(String(format: "%9.1f", median)) steps/s  (runs: \(rates.map { String(format: "%.1f", $0) }.joined(separator: ", ")); \(String(format: "%.2f", stepsPerInterval)) integrator steps per 0.01 s, \(String(format: "%.2f", rejectedPerInterval)) of them rejected)")
            }
        }
    }

    private func setup(_ stem: String, _ benchCase: String) throws -> (Model, SimData) {
        var model: Model
        do {
            model = try OsimLoader.load(path: "\(models)/\(stem).osim")
            if rigidTendons { model = model.withTendons(rigid: true) }
            if model.forces.first(where: { $0 is HuntCrossleyForce }) == nil { model = try model.withRestoredFootContact() }
        } catch { throw CLIError("\(error)") }
        switch benchCase {
        case "passive drop":
            model = model.removing { $0 is MuscleForce }
            var d = SimData(model: model)
            model.liftFeet(&d, clearance: 0.04)
            return (model, d)
        case "muscle free", "muscle locked":
            let locked = benchCase == "muscle locked"
            if locked { model = model.setting(locked: Set(model.coordinates.map(\.name).filter { $0.hasPrefix("pelvis_") })) }
            var d = SimData(model: model)
            model.liftFeet(&d, clearance: locked ? 1.0 : 0.04)
            let n = Double(model.muscles.count)
            var i = 0
            for (f, force) in model.forces.enumerated() where force is MuscleForce {
                d.z[model.stateOffsets[f]] = 0.3 + 0.2 * sin(2 * .pi * Double(i) / n); i += 1
            }
            model.equilibrateMuscles(&d)
            return (model, d)
        default:
            throw CLIError("--cases: unknown case '\(benchCase)' (passive drop, muscle free, muscle locked)")
        }
    }
}

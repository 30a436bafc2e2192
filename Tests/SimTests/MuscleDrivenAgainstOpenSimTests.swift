import Foundation
import XCTest
@testable import Imitation
@testable import Sim

/// Muscle-driven forward simulations against OpenSim 4.6 run at accuracy 1e-6 (tables 8a, 8b and 8c).
final class MuscleDrivenAgainstOpenSimTests: XCTestCase {
    /// Starts from the table's row 0 (coordinates, speeds, activations, fiber lengths) and follows it.
    private func follow(_ model: Model, _ table: ReferenceTable, duration: Double, mode: Integrator.Mode,
                        excitation: @escaping (Int, Double) -> Double) throws -> (rmsDegrees: Double, worstPelvis: Double, worstRMSCoordinate: String) {
        var d = SimData(model: model)
        let row0 = table.rows[0]
        for (i, c) in model.coordinates.enumerated() { d.q[i] = table.value(row0, "q_\(c.name)"); d.u[i] = table.value(row0, "u_\(c.name)") }
        for (i, f) in model.forces.enumerated() {
            guard let m = f as? MuscleForce else { continue }
            d.z[model.stateOffsets[i]] = table.value(row0, "a_\(m.name)")
            if !m.muscle.rigidTendon { d.z[model.stateOffsets[i] + 1] = table.value(row0, "lm_\(m.name)") }
        }
        let muscleControls = model.forces.enumerated().compactMap { $0.element is MuscleForce ? model.controlOffsets[$0.offset] : nil }
        var integrator = Integrator(model: model, mode: mode)
        integrator.controlLaw = { t, controls in for (i, slot) in muscleControls.enumerated() { controls[slot] = excitation(i, t) } }
        let rotational = model.coordinates.indices.filter { model.coordinates[$0].motion == .rotational && !model.coordinates[$0].locked }
        var squared = [Double](repeating: 0, count: model.coordinateCount), samples = 0, worstPelvis = 0.0
        let ty = model.coordinateIndex("pelvis_ty")!
        for row in table.rows.dropFirst() {
            let t = table.value(row, "time")
            if t > duration + 1e-9 { break }
            try integrator.advance(model, &d, to: t)
            for i in rotational { let e = d.q[i] - table.value(row, "q_\(model.coordinates[i].name)"); squared[i] += e * e }
            worstPelvis = max(worstPelvis, abs(d.q[ty] - table.value(row, "q_pelvis_ty")))
            samples += 1
        }
        let rms = rotational.map { (squared[$0] / Double(samples)).squareRoot() * 180 / .pi }
        let worst = rotational[rms.indices.max { rms[$0] < rms[$1] }!]
        return (rms.max()!, worstPelvis, model.coordinates[worst].name)
    }

    func testPelvisLockedOpenLoopSwingStaysWithinOneDegreeRMS() throws {
        for stem in ["gait0914_2d", "gait1422_3d"] {
            let loaded = try ReferenceTable.model(stem)
            let model = loaded.setting(locked: Set(loaded.coordinates.map(\.name).filter { $0.hasPrefix("pelvis_") }))
            let table = try ReferenceTable("\(stem)_openloop_pelvislocked.csv")
            let n = Double(model.muscles.count)
            for (name, mode) in [("explicit", Integrator.Mode.adaptive(accuracy: 1e-3)), ("stiff", .stiff(accuracy: 1e-3))] {
                let r = try follow(model, table, duration: 1, mode: mode) { i, t in 0.3 + 0.2 * sin(2 * .pi * 1.5 * t + 2 * .pi * Double(i) / n) }
                print("\(stem) pelvis-locked open loop, 1 s at accuracy 1e-3 (\(name)): worst joint-angle RMS error \(r.rmsDegrees)° (\(r.worstRMSCoordinate))")
                XCTAssertLessThan(r.rmsDegrees, 1, "\(stem) \(name)")
            }
        }
    }

    func testMuscleDropStaysWithinOneCentimetreOfOpenSim() throws {
        for stem in ["gait0914_2d", "gait1422_3d"] {
            var model = try ReferenceTable.model(stem)
            if stem == "gait1422_3d" { model = try model.withRestoredFootContact() }
            let table = try ReferenceTable("\(stem)_drop_muscles_exc005.csv")
            for (name, mode) in [("explicit", Integrator.Mode.adaptive(accuracy: 1e-3)), ("stiff", .stiff(accuracy: 1e-3))] {
                let r = try follow(model, table, duration: 0.3, mode: mode) { _, _ in 0.05 }
                print("\(stem) muscle drop, 0.3 s at accuracy 1e-3 (\(name)): worst pelvis height error \(r.worstPelvis) m, worst joint RMS \(r.rmsDegrees)°")
                XCTAssertLessThan(r.worstPelvis, 0.01, "\(stem) \(name)")
            }
        }
    }
    /// The benchmark's "muscle free" set-up (table 8c), so its speed figures come with their accuracy: at our default
    /// settings the joint angles must be closer to the converged answer than OpenSim's at its default accuracy (1e-3),
    /// and the pelvis height within 1 mm (OpenSim's own error is 0.09 mm in 2D, 0.67 mm in 3D; both are printed).
    func testMuscleFreeBenchmarkCaseIsMoreAccurateThanOpenSimAtItsDefault() throws {
        for stem in ["gait0914_2d", "gait1422_3d"] {
            var model = try ReferenceTable.model(stem)
            if stem == "gait1422_3d" { model = try model.withRestoredFootContact() }
            let converged = try ReferenceTable("\(stem)_muscle_free_acc1e-6.csv")
            let theirs = try ReferenceTable("\(stem)_muscle_free_acc1e-3.csv")
            var squared = [Double](repeating: 0, count: model.coordinateCount), theirPelvis = 0.0
            let rotational = model.coordinates.indices.filter { model.coordinates[$0].motion == .rotational }
            for (a, b) in zip(converged.rows.dropFirst(), theirs.rows.dropFirst()) {
                for i in rotational { let e = converged.value(a, "q_\(model.coordinates[i].name)") - theirs.value(b, "q_\(model.coordinates[i].name)"); squared[i] += e * e }
                theirPelvis = max(theirPelvis, abs(converged.value(a, "q_pelvis_ty") - theirs.value(b, "q_pelvis_ty")))
            }
            let theirRMS = rotational.map { (squared[$0] / Double(converged.rows.count - 1)).squareRoot() * 180 / .pi }.max()!
            let n = Double(model.muscles.count)
            let ours = try follow(model, converged, duration: 1, mode: EnvironmentConfig().integratorMode) { i, t in
                0.3 + 0.2 * sin(2 * .pi * 1.5 * t + 2 * .pi * Double(i) / n)
            }
            print("\(stem) muscle free, 1 s, against OpenSim at 1e-6: ours (default settings) worst joint-angle RMS \(ours.rmsDegrees)° (\(ours.worstRMSCoordinate)), pelvis height \(ours.worstPelvis * 1000) mm; OpenSim at 1e-3: \(theirRMS)°, \(theirPelvis * 1000) mm")
            XCTAssertLessThan(ours.rmsDegrees, theirRMS, stem)
            XCTAssertLessThan(ours.worstPelvis, 1e-3, stem)
        }
    }
}

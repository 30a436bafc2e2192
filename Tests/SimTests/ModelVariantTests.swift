import XCTest
@testable import Imitation
@testable import Sim

final class ModelVariantTests: XCTestCase {
    func testTorqueVariantActuatesEveryRotationalUnlockedCoordinate() throws {
        let model = try ReferenceTable.model("gait1422_3d").torqueDriven()
        XCTAssertTrue(model.muscles.isEmpty)
        let actuated = model.forces.compactMap { ($0 as? CoordinateActuator).map { model.coordinates[$0.coordinate].name } }
        // 17 coordinates: 3 pelvis translations and 3 locked (hip rotations, lumbar) have no actuator.
        XCTAssertEqual(actuated.count, 11)
        XCTAssertFalse(actuated.contains("pelvis_tx") || actuated.contains("hip_rotation_r") || actuated.contains("lumbar_extension"))
        XCTAssertTrue(actuated.contains("pelvis_tilt") && actuated.contains("knee_angle_l"))
        // A control is a torque: 2 N·m on a free pendulum-like check through the dynamics.
        var d = SimData(model: model)
        let knee = model.coordinateIndex("knee_angle_r")!
        let slot = model.controlOffsets[model.forces.firstIndex { $0.name == "knee_angle_r_torque" }!]
        d.controls[slot] = 2
        var rates: [Double] = []
        try model.computeAccelerations(&d, stateRates: &rates)
        let withTorque = d.udot[knee]
        d.controls[slot] = 0
        try model.computeAccelerations(&d, stateRates: &rates)
        XCTAssertGreaterThan(withTorque - d.udot[knee], 0)
    }

    func testLockedKneeVariantLocksTheLeftKneeAndAnkleAndDropsThreeMuscles() throws {
        for stem in ["gait0914_2d", "gait1422_3d"] {
            let full = try ReferenceTable.model(stem)
            let model = try full.lockedLeftKnee()
            XCTAssertEqual(model.muscles.count, full.muscles.count - 3, stem)
            XCTAssertFalse(model.muscles.contains { ["gastroc_l", "soleus_l", "tib_ant_l"].contains($0.name) })
            XCTAssertTrue(model.coordinates[model.coordinateIndex("knee_angle_l")!].locked)
            XCTAssertTrue(model.coordinates[model.coordinateIndex("ankle_angle_l")!].locked)
            let torque = model.torqueDriven()
            XCTAssertNil(torque.forces.first { $0.name == "knee_angle_l_torque" })
            // Locked coordinates do not move.
            var d = SimData(model: model)
            var integrator = Integrator(model: model, mode: .adaptive(accuracy: 1e-3))
            let knee = model.coordinateIndex("knee_angle_l")!, before = d.q[knee]
            try integrator.advance(model, &d, to: 0.05)
            XCTAssertEqual(d.q[knee], before)
        }
    }
}

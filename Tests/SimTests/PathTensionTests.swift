import Foundation
import XCTest
@testable import Sim

/// The evaluation's path pass (points placed with the kinematics, directions kept for the tension) against the
/// general path loops, on every muscle of the shared models, moving points included.
final class PathTensionTests: XCTestCase {
    func testPlacedPathsGiveTheGeneralLengthsSpeedsAndForces() throws {
        var moving = 0
        for stem in ["gait0914_2d", "gait1422_3d", "gait10dof18musc"] {
            let model = try ReferenceTable.model(stem)
            var rng = Random(seed: 7)
            for _ in 0..<10 {
                var d = SimData(model: model)
                for i in 0..<model.coordinateCount { d.q[i] += rng.uniform(-0.6, 0.6); d.u[i] = rng.uniform(-2, 2) }
                model.updateKinematics(&d)
                for (f, force) in model.forces.enumerated() {
                    guard let muscle = force as? MuscleForce else { continue }
                    if muscle.path.hasMovingPoint { moving += 1 }
                    let general = muscle.path.lengthAndSpeed(d)
                    let placed = muscle.path.lengthAndSpeed(placedFrom: model.slots(f).pathPoints, &d)
                    XCTAssertEqual(placed.length, general.length, accuracy: 1e-14, "\(stem) \(muscle.name)")
                    XCTAssertEqual(placed.speed, general.speed, accuracy: 1e-13, "\(stem) \(muscle.name)")
                    model.clearForces(&d)
                    muscle.path.applyTension(100, placedFrom: model.slots(f).pathPoints, &d)
                    model.projectBodyForces(&d, gravity: false, inertial: false)
                    let viaPlaced = d.scratch.generalized.array
                    model.clearForces(&d)
                    muscle.path.applyTension(100, &d)
                    model.projectBodyForces(&d, gravity: false, inertial: false)
                    for k in 0..<model.coordinateCount {
                        XCTAssertEqual(viaPlaced[k], d.scratch.generalized[k], accuracy: 1e-11, "\(stem) \(muscle.name) \(model.coordinates[k].name)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(moving, 0, "no path with a moving point was checked")
    }
}

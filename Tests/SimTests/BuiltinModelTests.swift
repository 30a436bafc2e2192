import Foundation
import XCTest
@testable import Imitation
@testable import Sim

final class BuiltinModelTests: XCTestCase {
    /// The shipped specs give exactly the dynamics of the OpenSim files they were made from.
    func testBuiltinModelsReproduceTheirSourceModels() throws {
        for (name, stem) in [("gait2d", "gait0914_2d"), ("gait3d", "gait1422_3d")] {
            let builtin = try Model.builtin(name)
            var source = try ReferenceTable.model(stem)
            if stem == "gait1422_3d" { source = try source.withRestoredFootContact().withRestoredLimitForces() }
            XCTAssertEqual(builtin.coordinates.map(\.name), source.coordinates.map(\.name))
            XCTAssertEqual(builtin.muscles.map(\.name), source.muscles.map(\.name))
            XCTAssertEqual(builtin.forces.count, source.forces.count)
            for model in [builtin, source] { XCTAssertEqual(model.stateCount, source.stateCount) }
            // Same accelerations and state rates at a random pose with random muscle states and excitations.
            var rng = Random(seed: 4)
            var a = SimData(model: builtin), b = SimData(model: source)
            for i in 0..<builtin.coordinateCount { a.q[i] += rng.uniform(-0.3, 0.3); a.u[i] = rng.uniform(-1, 1) }
            for i in 0..<builtin.controlCount { a.controls[i] = rng.uniform(0, 1) }
            builtin.equilibrateMuscles(&a)
            b.q = a.q; b.u = a.u; b.z = a.z; b.controls = a.controls
            var ra = [Double](repeating: 0, count: builtin.stateCount), rb = ra
            try builtin.computeAccelerations(&a, stateRates: &ra)
            try source.computeAccelerations(&b, stateRates: &rb)
            XCTAssertEqual(a.udot, b.udot, name)
            XCTAssertEqual(ra, rb, name)
            XCTAssertEqual(a.outputs, b.outputs, name)
        }
        XCTAssertThrowsError(try Model.builtin("gait4d"))
    }
}

/// A tiny deterministic generator for tests (Sim has no RNG of its own).
struct Random {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
    mutating func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next()) / Double(1 << 53) }
}

import Foundation
import XCTest
@testable import Sim

final class MuscleEnergeticsTests: XCTestCase {
    func params(_ fmax: Double) -> MuscleParameters {
        var p = MuscleParameters(name: "soleus_r", muscleClass: .millard2012)
        p.maxIsometricForce = fmax; p.optimalFiberLength = 0.05; p.tendonSlackLength = 0.25
        return p
    }

    func testMassAndSlowTwitchFractions() {
        let e = UmbergerEnergetics()
        let m = MuscleMetabolicProperties(parameters: params(2500), energetics: e)
        XCTAssertEqual(m.mass, 2500 / 0.25e6 * 1059.7 * 0.05, accuracy: 1e-12)
        XCTAssertEqual(m.slowTwitchFraction, 0.803)
        XCTAssertEqual(UmbergerEnergetics.slowTwitchFraction(muscleName: "tib_ant_l"), 0.70)
        XCTAssertEqual(UmbergerEnergetics.slowTwitchFraction(muscleName: "unknown"), 0.5)
    }

    func testRatesAreNonNegativeAndScaleWithMuscleSize() {
        let e = UmbergerEnergetics()
        let small = MuscleModel(params(1000)), big = MuscleModel(params(2000))
        let ms = MuscleMetabolicProperties(parameters: small.parameters), mb = MuscleMetabolicProperties(parameters: big.parameters)
        for a in [0.01, 0.3, 1.0] {
            for u in [0.0, 0.5, 1.0] {
                for lmt in [0.28, 0.3, 0.32] {
                    for v in [-0.5, -0.1, 0, 0.1, 0.5] {
                        let ss = small.evaluate(activation: a, fiberLength: small.equilibriumFiberLength(activation: a, mtuLength: lmt) * 1.01,
                                                mtuLength: lmt, mtuLengtheningSpeed: v, excitation: u)
                        let sb = big.evaluate(activation: a, fiberLength: big.equilibriumFiberLength(activation: a, mtuLength: lmt) * 1.01,
                                              mtuLength: lmt, mtuLengtheningSpeed: v, excitation: u)
                        let rs = e.rate(ms, excitation: u, state: ss), rb = e.rate(mb, excitation: u, state: sb)
                        XCTAssertGreaterThanOrEqual(rs.total, 0)
                        XCTAssertGreaterThanOrEqual(rs.activationMaintenance, 0)
                        XCTAssertGreaterThanOrEqual(rs.activationMaintenance + rs.shortening, ms.mass * 1 - 1e-9, "minimum heat 1 W/kg")
                        // Same normalized state in a muscle with twice the force (and mass): twice the rate.
                        XCTAssertEqual(rb.total, 2 * rs.total, accuracy: 1e-6 * max(1, rs.total))
                    }
                }
            }
        }
        // More excitation → more activation-maintenance heat.
        let s = small.evaluate(activation: 0.5, fiberLength: 0.05, mtuLength: 0.3, mtuLengtheningSpeed: 0, excitation: 0.5)
        XCTAssertGreaterThan(e.rate(ms, excitation: 0.9, state: s).activationMaintenance,
                             e.rate(ms, excitation: 0.6, state: s).activationMaintenance)
    }

    func testTotalPowerAddsBasalRate() {
        let e = UmbergerEnergetics()
        XCTAssertEqual(e.totalPower(bodyMass: 75, muscles: [], excitations: [], states: []), 1.51 * 75, accuracy: 1e-12)
        let m = MuscleModel(params(1000))
        let props = MuscleMetabolicProperties(parameters: m.parameters)
        let st = m.evaluate(activation: 0.6, fiberLength: 0.05, mtuLength: 0.3, mtuLengtheningSpeed: -0.1, excitation: 0.8)
        let one = e.rate(props, excitation: 0.8, state: st).total
        XCTAssertEqual(e.totalPower(bodyMass: 75, muscles: [props, props], excitations: [0.8, 0.8], states: [st, st]),
                       1.51 * 75 + 2 * one, accuracy: 1e-9)
        XCTAssertGreaterThan(one, 0)
    }
}

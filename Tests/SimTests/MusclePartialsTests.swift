import Foundation
import XCTest
@testable import Sim

/// The damped Millard muscle's closed-form partial derivatives (what the stiff integrator's W uses) against central
/// differences of its own evaluation.
final class MusclePartialsTests: XCTestCase {
    func testDampedMillardPartialsMatchCentralDifferences() throws {
        var checked = 0
        for (key, p) in try MuscleTestSupport.allParameters().sorted(by: { $0.key < $1.key }) where p.muscleClass == .millard2012 {
            let muscle = MuscleModel(p)
            guard muscle.hasFiberLengthState, muscle.millardCurves != nil, p.millard!.fiberDamping >= 0.001 else { continue }
            let lopt = p.optimalFiberLength, lts = p.tendonSlackLength
            for a in [0.05, 0.4, 0.95] {
                for excitation in [0.0, 0.7] {
                    for stretch in [0.7, 1.0, 1.3] {
                        // A pose near isometric equilibrium, then the fiber a little longer or shorter than it.
                        let length = stretch * lopt + 1.02 * lts
                        let rest = muscle.equilibriumFiberLength(activation: a, mtuLength: length)
                        for fiber in [0.97 * rest, rest, 1.03 * rest] {
                            let g = muscle.partials(activation: a, fiberLength: fiber, mtuLength: length, mtuLengtheningSpeed: 0.1,
                                                    excitation: excitation)
                            func f(_ a: Double, _ l: Double, _ length: Double) -> (Double, Double, Double) {
                                let e = muscle.evaluate(activation: a, fiberLength: l, mtuLength: length, mtuLengtheningSpeed: 0.1,
                                                        excitation: excitation)
                                return (e.tendonForce, e.activationDerivative, e.fiberLengthDerivative)
                            }
                            func central(_ h: Double, _ shift: (Double) -> (Double, Double, Double)) -> (Double, Double, Double) {
                                let (p, m) = (shift(h), shift(-h))
                                return ((p.0 - m.0) / (2 * h), (p.1 - m.1) / (2 * h), (p.2 - m.2) / (2 * h))
                            }
                            let byL = central(1e-7) { f(a, fiber, length + $0) }
                            let byl = central(1e-7 * lopt) { f(a, fiber + $0, length) }
                            let bya = central(1e-6) { f(a + $0, fiber, length) }
                            let label = "\(key) a \(a) u \(excitation) stretch \(stretch) fiber \(fiber / rest)"
                            // Force slopes in N/m against F_iso / lts; fiber-speed slopes in 1/s against vmax-based scales.
                            let forceScale = p.maxIsometricForce / lts, speedScale = p.maxContractionVelocity
                            XCTAssertEqual(g.dFdL, byL.0, accuracy: 1e-5 * forceScale, label)
                            XCTAssertEqual(g.dFdl, byl.0, accuracy: 1e-5 * forceScale, label)
                            XCTAssertEqual(g.dFda, bya.0, accuracy: 1e-5 * p.maxIsometricForce, label)
                            XCTAssertEqual(g.dldotdL, byL.2, accuracy: 1e-4 * speedScale, label)
                            XCTAssertEqual(g.dldotdl, byl.2, accuracy: 1e-4 * speedScale, label)
                            XCTAssertEqual(g.dldotda, bya.2, accuracy: 1e-4 * speedScale * lopt, label)
                            XCTAssertEqual(g.dadotda, bya.1, accuracy: 1e-3 * abs(bya.1) + 1e-6, label)
                            checked += 1
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 200)
    }
}

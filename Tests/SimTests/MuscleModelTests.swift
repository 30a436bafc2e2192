import Foundation
import XCTest
@testable import Sim

final class MuscleModelTests: XCTestCase {
    func testMillardCurvesAreContinuousAndMonotonic() {
        var p = MuscleParameters(name: "m", muscleClass: .millard2012)
        p.maxIsometricForce = 1000
        let c = MuscleModel(p).millardCurves!
        for (name, curve, lo, hi, increasing) in [
            ("fv", c.forceVelocity, -1.5, 1.5, true), ("fpe", c.fiberForceLength, 0.8, 2.0, true),
            ("fse", c.tendonForceLength, 0.95, 1.1, true), ("fal", c.activeForceLength, 0.3, 1.0, true),
        ] {
            var prev = curve.value(lo)
            let n = 3000
            for i in 1...n {
                let x = lo + (hi - lo) * Double(i) / Double(n)
                let y = curve.value(x)
                if increasing { XCTAssertGreaterThanOrEqual(y, prev - 1e-12, "\(name) not monotonic at \(x)") }
                XCTAssertLessThan(abs(y - prev), 0.01, "\(name) jumps at \(x)")
                prev = y
            }
            // Continuity of value and slope across every segment joint.
            for s in 0..<curve.segmentCount {
                let x = curve.px[6 * s + 5]
                let l = curve.evaluate(x - 1e-9), r = curve.evaluate(x + 1e-9)
                XCTAssertEqual(l.value, r.value, accuracy: 1e-7, "\(name) value at joint \(x)")
                XCTAssertEqual(l.slope, r.slope, accuracy: 1e-4 * max(1, abs(l.slope)), "\(name) slope at joint \(x)")
            }
        }
        XCTAssertEqual(c.activeForceLength.value(1), 1, accuracy: 1e-12)
        XCTAssertEqual(c.forceVelocity.value(0), 1, accuracy: 1e-12)
        XCTAssertEqual(c.tendonForceLength.value(1.049), 1, accuracy: 1e-12)
        XCTAssertEqual(c.fiberForceLength.value(1.7), 1, accuracy: 1e-12)
    }

    /// The cell quintics the simulation evaluates are the Bezier curve to rounding in value (within 1e-12) and within
    /// 1e-9 of the largest slope in slope, over the curve and its extensions; the cell-bracketed damped solve within 1e-11.
    func testCurveCellsFollowTheBezierCurves() {
        for damped in [true, false] {
            var p = MuscleParameters(name: "m", muscleClass: .millard2012)
            p.millard?.fiberDamping = damped ? 0.1 : 0
            let c = MuscleModel(p).millardCurves!
            for (name, curve) in [("fv", c.forceVelocity), ("fpe", c.fiberForceLength), ("fse", c.tendonForceLength),
                                  ("fal", c.activeForceLength)] {
                let span = curve.xEnd - curve.xStart
                var worstValue = 0.0, worstSlope = 0.0, maxSlope = 0.0
                let n = 20_000
                for i in 0...n {
                    let x = curve.xStart - 0.05 * span + 1.1 * span * Double(i) / Double(n)
                    let table = curve.evaluate(x), exact = curve.exactEvaluate(x)
                    XCTAssertEqual(curve.value(x), table.value)
                    worstValue = max(worstValue, abs(table.value - exact.value))
                    worstSlope = max(worstSlope, abs(table.slope - exact.slope))
                    maxSlope = max(maxSlope, abs(exact.slope))
                }
                print("curve cells \(name) (damped \(damped)): value error \(worstValue), slope error \(worstSlope) of max slope \(maxSlope); \(curve.valueCells.map(\.count)) cells per segment")
                XCTAssertLessThan(worstValue, 1e-12, name)
                XCTAssertLessThan(worstSlope, 1e-9 * maxSlope, name)
            }
            var worstSolve = 0.0
            for (scale, slope) in [(0.0, 0.1), (0.3, 0.1), (1.0, 0.1), (1.0, 0.0), (0.05, 0.01)] {
                for i in 0...400 {
                    let target = -0.5 + 2.5 * Double(i) / 400
                    if slope == 0 && !(target > scale * c.forceVelocity.yStart && target < scale * c.forceVelocity.yEnd) { continue }
                    let table = c.forceVelocity.solveIncreasing(scale: scale, slope: slope, target: target)
                    let exact = c.forceVelocity.exactSolveIncreasing(scale: scale, slope: slope, target: target)
                    worstSolve = max(worstSolve, abs(table.x - exact.x), abs(table.value - exact.value))
                }
            }
            print("curve cells fv solve (damped \(damped)): worst difference \(worstSolve)")
            XCTAssertLessThan(worstSolve, 1e-11)
        }
    }

    /// Muscles whose curve properties are equal read one set of curve cells (every muscle of the 2D model), and
    /// different properties get their own.
    func testMusclesWithEqualCurvePropertiesShareTheirCurves() throws {
        let model = try ReferenceTable.model("gait0914_2d")
        let curves = model.muscles.map { $0.muscle.millardCurves! }
        XCTAssertEqual(curves.count, 14)
        XCTAssertEqual(Set(curves.map(ObjectIdentifier.init)).count, 1)
        var p = MuscleParameters(name: "m", muscleClass: .millard2012)
        p.millard?.fiberDamping = 0.1
        let a = MuscleModel(p).millardCurves!, b = MuscleModel(p).millardCurves!
        p.millard?.curves.tendonStrainAtOneNormForce = 0.1
        let c = MuscleModel(p).millardCurves!
        XCTAssertTrue(a === b)
        XCTAssertFalse(a === c)
        XCTAssertNotEqual(c.tendonForceLength.xEnd, a.tendonForceLength.xEnd)
    }

    /// The damped solve started from any hint (good, poor, stale, out of range) returns the root of the solve without
    /// one, bit for bit, and leaves the hint at the root's cell, from which the next solve nearby needs few cells.
    func testForceVelocitySolveIsTheSameFromAnyHint() {
        var p = MuscleParameters(name: "m", muscleClass: .millard2012)
        p.millard?.fiberDamping = 0.1
        let fv = MuscleModel(p).millardCurves!.forceVelocity
        let hint = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        defer { hint.deallocate() }
        var checked = 0
        for (scale, slope) in [(0.0, 0.1), (0.3, 0.1), (1.0, 0.1), (0.05, 0.01)] {
            for i in 0...200 {
                let target = -0.5 + 2.5 * Double(i) / 200
                let plain = fv.solveIncreasing(scale: scale, slope: slope, target: target)
                for start in [-3, 0, 1, 17, 64, 65, 130, 200, 258, 259, 260, 10_000] {
                    hint.pointee = start
                    let hinted = fv.solveIncreasing(scale: scale, slope: slope, target: target, hint: hint)
                    XCTAssertEqual(hinted.x, plain.x, "scale \(scale) target \(target) hint \(start)")
                    XCTAssertEqual(hinted.value, plain.value)
                    checked += 1
                }
            }
        }
        XCTAssertEqual(checked, 4 * 201 * 12)
    }

    /// The damped-fiber solve c·fv(v) + b·v = t, inside the curve and on its linear extensions, and the undamped
    /// inverse (b = 0): the returned velocity satisfies the equation and the returned value is fv there.
    func testForceVelocitySolveSatisfiesItsEquation() {
        let fv = MuscleModel(MuscleParameters(name: "m", muscleClass: .millard2012)).millardCurves!.forceVelocity
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let c = Double.random(in: 0...1, using: &rng), b = Double.random(in: 0.001...0.2, using: &rng)
            let t = Double.random(in: -0.5...1.8, using: &rng)
            let (v, value) = fv.solveIncreasing(scale: c, slope: b, target: t)
            XCTAssertEqual(value, fv.value(v), accuracy: 1e-12, "value at v = \(v)")
            XCTAssertEqual(c * value + b * v, t, accuracy: 1e-12, "c \(c) b \(b) t \(t)")
        }
        let m = MuscleModel(MuscleParameters(name: "m", muscleClass: .millard2012))
        for target in stride(from: 0.05, through: 1.35, by: 0.05) {
            let v = m.inverseForceVelocity(target)
            XCTAssertEqual(m.forceVelocity(v).value, target, accuracy: 1e-12)
        }
    }

    func testActivationDynamics() {
        let fo = ActivationDynamics.firstOrder(activationTime: 0.01, deactivationTime: 0.04, minimumActivation: 0.01)
        XCTAssertEqual(fo.derivative(activation: 0.4, excitation: 0.4), 0)
        XCTAssertEqual(fo.derivative(activation: 0.5, excitation: 1), 0.5 / (0.01 * 1.25), accuracy: 1e-12)
        XCTAssertEqual(fo.derivative(activation: 0.5, excitation: 0), -0.5 * 1.25 / 0.04, accuracy: 1e-12)
        XCTAssertEqual(fo.clamp(0), 0.01)
        let th = ActivationDynamics.tanhSmoothed(activationTime: 0.015, deactivationTime: 0.06, smoothing: 10)
        XCTAssertEqual(th.derivative(activation: 0.3, excitation: 0.3), 0)
        XCTAssertGreaterThan(th.derivative(activation: 0.2, excitation: 0.9), 0)
        XCTAssertLessThan(th.derivative(activation: 0.9, excitation: 0.2), 0)
    }

    /// A very stiff compliant tendon must behave like the rigid tendon.
    func testRigidTendonMatchesStiffCompliantTendon() {
        for cls in [MuscleClass.millard2012, .deGrooteFregly2016, .thelen2003] {
            var p = MuscleParameters(name: "m", muscleClass: cls)
            p.maxIsometricForce = 1500; p.optimalFiberLength = 0.1; p.tendonSlackLength = 0.25
            p.pennationAngleAtOptimal = 0.2
            p.millard?.curves.tendonStrainAtOneNormForce = 0.0005
            p.deGroote?.tendonStrainAtOneNormForce = 0.0005
            p.thelen?.fmaxTendonStrain = 0.0005
            let compliant = MuscleModel(p, rigidTendon: false), rigid = MuscleModel(p, rigidTendon: true)
            for a in [0.2, 0.7, 1.0] {
                for lmt in [0.33, 0.35, 0.37] {
                    let lce = compliant.equilibriumFiberLength(activation: a, mtuLength: lmt)
                    let ec = compliant.evaluate(activation: a, fiberLength: lce, mtuLength: lmt, mtuLengtheningSpeed: 0, excitation: a)
                    let er = rigid.evaluate(activation: a, fiberLength: 0, mtuLength: lmt, mtuLengtheningSpeed: 0, excitation: a)
                    XCTAssertEqual(ec.tendonForce, er.tendonForce, accuracy: 0.01 * p.maxIsometricForce, "\(cls) a=\(a) lmt=\(lmt)")
                    XCTAssertEqual(ec.fiberLength, er.fiberLength, accuracy: 0.005 * p.optimalFiberLength, "\(cls)")
                    XCTAssertEqual(ec.normFiberVelocity, 0, accuracy: 1e-6, "\(cls) equilibrium is static")
                    XCTAssertEqual(rigid.hasFiberLengthState, false)
                }
            }
        }
    }

    func testRigidTendonFiberVelocityFollowsPath() {
        var p = MuscleParameters(name: "m", muscleClass: .millard2012)
        p.optimalFiberLength = 0.1; p.tendonSlackLength = 0.2; p.maxContractionVelocity = 10
        let m = MuscleModel(p, rigidTendon: true)
        let slow = m.evaluate(activation: 1, fiberLength: 0, mtuLength: 0.3, mtuLengtheningSpeed: -0.2, excitation: 1)
        let iso = m.evaluate(activation: 1, fiberLength: 0, mtuLength: 0.3, mtuLengtheningSpeed: 0, excitation: 1)
        let ecc = m.evaluate(activation: 1, fiberLength: 0, mtuLength: 0.3, mtuLengtheningSpeed: 0.2, excitation: 1)
        XCTAssertEqual(slow.normFiberVelocity, -0.2, accuracy: 1e-12)
        XCTAssertLessThan(slow.tendonForce, iso.tendonForce)
        XCTAssertGreaterThan(ecc.tendonForce, iso.tendonForce)
    }
}

final class MuscleFlagTests: XCTestCase {
    func testFileFlagsFollowOpenSimPerClass() {
        var p = MuscleParameters(name: "m", muscleClass: .millard2012)
        p.ignoreTendonCompliance = true
        p.ignoreActivationDynamics = true
        let mil = MuscleModel(p)
        XCTAssertTrue(mil.rigidTendon)
        XCTAssertFalse(mil.hasActivationState)
        let e = mil.evaluate(activation: 0.9, fiberLength: 0, mtuLength: 0.3, mtuLengtheningSpeed: 0, excitation: 0.4)
        XCTAssertEqual(e.activation, 0.4)            // excitation drives force directly
        XCTAssertEqual(e.activationDerivative, 0)
        p.muscleClass = .thelen2003                  // Thelen2003Muscle ignores both flags
        let th = MuscleModel(p)
        XCTAssertFalse(th.rigidTendon)
        XCTAssertTrue(th.hasActivationState)
        XCTAssertTrue(MuscleModel(p, rigidTendon: true).rigidTendon)
    }
}

final class MuscleClampTests: XCTestCase {
    func testFiberHeldAtMinimumLengthWhenShortening() {
        var p = MuscleParameters(name: "m", muscleClass: .millard2012)
        p.optimalFiberLength = 0.1; p.tendonSlackLength = 0.2
        let m = MuscleModel(p)
        XCTAssertEqual(m.minimumFiberLength, 0.4441 * 0.1, accuracy: 1e-12)  // active-force-length minimum
        // Slack tendon, fiber below its minimum: it would not lengthen, so it is held there.
        let held = m.evaluate(activation: 1, fiberLength: 0.03, mtuLength: 0.2, mtuLengtheningSpeed: 0, excitation: 1)
        XCTAssertTrue(held.fiberStateClamped)
        XCTAssertEqual(held.fiberLengthDerivative, 0)
        XCTAssertEqual(held.fiberForce, 0)
        XCTAssertEqual(held.tendonForce, 0)
        XCTAssertEqual(held.fiberLength, m.minimumFiberLength)
        // Stretched tendon pulls the fiber longer: it is free.
        let free = m.evaluate(activation: 1, fiberLength: 0.03, mtuLength: 0.3, mtuLengtheningSpeed: 0, excitation: 1)
        XCTAssertFalse(free.fiberStateClamped)
        XCTAssertGreaterThan(free.tendonForce, 0)
        XCTAssertGreaterThan(free.fiberLengthDerivative, 0)
    }
}

import Foundation
import XCTest
@testable import Sim

/// `SimData` keeps value semantics although its evaluation results live in shared storage until written.
final class SimDataTests: XCTestCase {
    func testACopyEvaluatesWithoutChangingTheOriginal() throws {
        let model = try Model.builtin("gait2d")
        var original = SimData(model: model)
        for i in 0..<model.controlCount { original.controls[i] = 0.4 }
        model.equilibrateMuscles(&original)
        var rates = [Double](repeating: 0, count: model.stateCount)
        try model.computeAccelerations(&original, stateRates: &rates)
        let udot = Array(original.udot), outputs = Array(original.outputs), origin = Array(original.origin)

        var copy = original
        copy.q[model.coordinateIndex("knee_angle_r")!] -= 0.5
        copy.u[0] = 2
        try model.computeAccelerations(&copy, stateRates: &rates)
        XCTAssertNotEqual(Array(copy.udot), udot)
        XCTAssertNotEqual(Array(copy.origin), origin)
        XCTAssertEqual(Array(original.udot), udot)
        XCTAssertEqual(Array(original.outputs), outputs)
        XCTAssertEqual(Array(original.origin), origin)

        // The original, evaluated again, still gives its own results; so does the copy.
        let copyUdot = Array(copy.udot)
        try model.computeAccelerations(&original, stateRates: &rates)
        XCTAssertEqual(Array(original.udot), udot)
        XCTAssertEqual(Array(copy.udot), copyUdot)
    }
}

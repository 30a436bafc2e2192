import Foundation
import XCTest
@testable import Sim

final class SinCosTests: XCTestCase {
    /// The kinematics' sinCos agrees with Foundation's sin and cos to 2 ulp of 1 over joint-angle ranges and well
    /// beyond, at the quadrant edges, and hands large and non-finite angles to Foundation.
    func testSinCosAgreesWithFoundation() {
        var worst = 0.0
        var angles = (0...200_000).map { -40 + 80 * Double($0) / 200_000 }
        for k in -64...64 {  // multiples of π/4 and their neighbours, where the reduction switches quadrant
            let edge = Double(k) * Double.pi / 4
            angles += [edge, edge.nextUp, edge.nextDown, edge + 1e-9, edge - 1e-9]
        }
        angles += [0, -0.0, 1e-300, 5e-324, 99_999.9, -99_999.9]
        for x in angles {
            let (s, c) = sinCos(x)
            worst = max(worst, abs(s - Foundation.sin(x)), abs(c - Foundation.cos(x)))
        }
        print("sinCos: worst difference from Foundation \(worst) over \(angles.count) angles")
        XCTAssertLessThanOrEqual(worst, 2 * Double.ulpOfOne)
        XCTAssertEqual(sinCos(1e-300).sin, 1e-300)
        for x in [1e6, -3e10, Double.infinity, Double.nan] {
            let (s, c) = sinCos(x)
            XCTAssertEqual(s.bitPattern, Foundation.sin(x).bitPattern, "\(x)")
            XCTAssertEqual(c.bitPattern, Foundation.cos(x).bitPattern, "\(x)")
        }
    }
}

import Foundation
import XCTest
@testable import Imitation
@testable import Sim

final class EnvironmentConfigTests: XCTestCase {
    func testDefaultsAreValidAndBadValuesNameTheirKey() {
        XCTAssertNil(EnvironmentConfig().firstProblem())
        var c = EnvironmentConfig(); c.stepSize = 0
        XCTAssertEqual(c.firstProblem()?.key, "step_size")
        c = EnvironmentConfig(); c.rewardWeights = [0.8, -1, 0.1]
        XCTAssertEqual(c.firstProblem()?.key, "r_weights")
        c = EnvironmentConfig(); c.integrationAccuracy = .nan
        XCTAssertEqual(c.firstProblem()?.key, "integration_accuracy")
    }
}

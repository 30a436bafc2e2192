import Foundation
import XCTest
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
        c = EnvironmentConfig(); c.integrator = "euler"
        XCTAssertEqual(c.firstProblem()?.key, "integrator")
    }

    /// A run config from before the `integrator` key reads back as the explicit integrator it was trained with; a
    /// current one round-trips; any other missing key is still an error.
    func testRunConfigsWithoutAnIntegratorReadAsExplicit() throws {
        let current = try JSONEncoder().encode(EnvironmentConfig())
        XCTAssertEqual(try JSONDecoder().decode(EnvironmentConfig.self, from: current), EnvironmentConfig())
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: current) as? [String: Any])
        object["integrator"] = nil
        let old = try JSONDecoder().decode(EnvironmentConfig.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(old.integrator, "explicit")
        XCTAssertEqual(old.integratorMode, .adaptive(accuracy: 1e-3))
        object["horizon"] = nil
        XCTAssertThrowsError(try JSONDecoder().decode(EnvironmentConfig.self, from: JSONSerialization.data(withJSONObject: object)))
    }
}

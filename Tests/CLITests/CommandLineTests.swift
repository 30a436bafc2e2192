import Foundation
import XCTest

/// Runs the built `bioimitate` binary the way a user does and checks what they see.
final class CommandLineTests: XCTestCase {
    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) { try runBioimitate(arguments) }

    func testHelpListsSubcommands() throws {
        let r = try run(["--help"])
        XCTAssertEqual(r.status, 0)
        for name in ["train", "test", "rollout", "envs"] { XCTAssertTrue(r.out.contains("  \(name) "), name) }
    }

    func testMissingConfigIsOneLineAndNonZero() throws {
        let r = try run(["train", "--config", "/nonexistent.json"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertEqual(r.err.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count, 1, r.err)
        XCTAssertTrue(r.err.contains("/nonexistent.json"), r.err)
    }

    func testMisspelledKeyIsOneLineAndNonZero() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-typo-\(UUID().uuidString).json")
        try #"{"num_sgd_itr": 5}"#.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let r = try run(["train", "--config", url.path])
        XCTAssertNotEqual(r.status, 0)
        let lines = r.err.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
        XCTAssertEqual(lines.count, 1, r.err)
        XCTAssertTrue(r.err.contains("unknown key 'num_sgd_itr'") && r.err.contains("num_sgd_iter"), r.err)
    }

    func testUnknownEnvironmentIsRejected() throws {
        let r = try run(["train", "--env", "MuscleFlying2D-v0"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.err.contains("unknown environment 'MuscleFlying2D-v0'"), r.err)
    }

    func testEnvsJSONListsEveryID() throws {
        let r = try run(["envs", "--json"])
        XCTAssertEqual(r.status, 0)
        let rows = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]]
        XCTAssertEqual(rows?.count, 18)  // Pendulum-v1 and the seventeen imitation IDs
        XCTAssertEqual(rows?.first?["id"] as? String, "Pendulum-v1")
    }
}

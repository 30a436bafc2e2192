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

    /// Inputs that once hung or ran on garbage: each ends at once with one line naming what is wrong, and writes nothing.
    func testHostileInputsEndAtOnceWithOneLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let nan = dir.appendingPathComponent("nan.mot")
        try "x\ninDegrees=yes\nendheader\ntime\tknee_angle_r\n0\t1\n0.1\tnan\n".write(to: nan, atomically: true, encoding: .utf8)
        let pose = dir.appendingPathComponent("pose.mot")
        try "x\ninDegrees=yes\nendheader\ntime\tknee_angle_r\n0\t-10\n0.1\t-12\n".write(to: pose, atomically: true, encoding: .utf8)
        let misspelled = dir.appendingPathComponent("misspelled.mot")
        try "x\ninDegrees=yes\nendheader\ntime\tknee_angel_r\n0\t-10\n".write(to: misspelled, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out").path
        let cases: [([String], String)] = [
            (["make-reference", "--motion", pose.path, "--model", "gait2d", "--name", "x", "--harmonics", "0", "--out", out + ".json"], "--harmonics 0"),
            (["make-reference", "--motion", pose.path, "--model", "gait2d", "--name", "x", "--harmonics=-3", "--out", out + ".json"], "--harmonics -3"),
            (["rollout", "--model", "gait2d", "--initial-state", nan.path, "--duration", "0.05", "--out", out], "column 'knee_angle_r' is nan"),
            (["rollout", "--env", "MuscleWalkingImitation2D-v0", "--reference", nan.path, "--steps", "3", "--out", out], "is nan"),
            (["rollout", "--model", "gait2d", "--initial-state", pose.path, "--t0", "5", "--duration", "0.05", "--out", out], "--t0 5.0"),
            // A motion lacking a tracked coordinate (a misspelled column, a 2D motion on a 3D model) is not tracked at
            // that coordinate's default.
            (["rollout", "--env", "MuscleWalkingImitation2D-v0", "--reference", pose.path, "--steps", "3", "--out", out], "no column for 8 of model"),
        ]
        // An --out that cannot be a folder is one line before any work, not a raw system error after it.
        let blocker = dir.appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        for arguments in [["rollout", "--model", "gait2d", "--duration", "0.05", "--out", blocker.path],
                          ["rollout", "--env", "MuscleWalkingImitation2D-v0", "--steps", "3", "--out", blocker.path + "/sub"],
                          ["train", "--env", "Pendulum-v1", "--steps", "100", "--out", blocker.path]] {
            let r = try run(arguments)
            XCTAssertNotEqual(r.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(r.err.contains("is a file") && r.err.split(separator: "\n").count == 1, "\(arguments.joined(separator: " ")): \(r.err)")
        }
        // A pose column that names no coordinate is skipped as OpenSim skips it, but said (a misspelling shows).
        let skipped = try run(["rollout", "--model", "gait2d", "--initial-state", misspelled.path, "--duration", "0.02", "--out", dir.appendingPathComponent("ok").path])
        XCTAssertEqual(skipped.status, 1, skipped.err)  // and with no column left, nothing is posed: refused
        XCTAssertTrue(skipped.err.contains("skipped: knee_angel_r"), skipped.err)
        for (arguments, words) in cases {
            let r = try run(arguments)
            XCTAssertNotEqual(r.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(r.err.contains(words), "\(arguments.joined(separator: " ")): \(r.err)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(arguments.joined(separator: " ")) wrote \(out)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".json"))
        }
    }
}

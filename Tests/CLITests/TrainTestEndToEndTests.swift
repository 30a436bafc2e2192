import Foundation
import XCTest

/// A short real training run through the binary, then evaluation and resume, as a user would do them.
final class TrainTestEndToEndTests: XCTestCase {
    private func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-e2e-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testPPOTrainTestAndResumeOnPendulum() throws {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("tiny.json")
        try #"{"hidden": [16, 16], "train_batch_size": 400, "sgd_minibatch_size": 100, "num_sgd_iter": 2, "checkpoint_every": 1, "batch_mode": "truncate_episodes"}"#
            .write(to: config, atomically: true, encoding: .utf8)
        let train = try runBioimitate(["train", "--env", "Pendulum-v1", "--config", config.path, "--steps", "800", "--out", dir.path])
        XCTAssertEqual(train.status, 0, train.err)
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("Pendulum-v1_ppo_s0_") }
        XCTAssertEqual(runs.count, 1)
        let run = dir.appendingPathComponent(runs[0])
        let files = try FileManager.default.contentsOfDirectory(atPath: run.path)
        XCTAssertTrue(files.contains("config.json") && files.contains("progress.csv"))
        XCTAssertTrue(files.contains { $0.hasPrefix("events.out.tfevents.") })
        let csv = try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 3)  // header + two iterations of 400 steps
        XCTAssertTrue(csv[2].hasPrefix("800,2,"))
        let latest = try String(contentsOf: run.appendingPathComponent("checkpoints/latest"), encoding: .utf8)
        XCTAssertEqual(latest.trimmingCharacters(in: .whitespacesAndNewlines), "step-000000800")

        let test = try runBioimitate(["test", "--checkpoint", run.path, "--episodes", "2"])
        XCTAssertEqual(test.status, 0, test.err)
        let line = test.out.split(separator: "\n").first { $0.hasPrefix("mean_return: ") }
        XCTAssertNotNil(line.flatMap { Double($0.dropFirst("mean_return: ".count)) }, test.out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("test/metrics.json").path))

        let resumed = try runBioimitate(["train", "--resume", run.path, "--steps", "1200"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        let csv2 = try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(csv2.last?.hasPrefix("1200,3,") == true, "\(csv2.last ?? "")")
    }

    func testBadCheckpointsGetOneLine() throws {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("ck"), withIntermediateDirectories: true)
        try "{not json".write(to: dir.appendingPathComponent("ck/meta.json"), atomically: true, encoding: .utf8)
        for path in [dir.appendingPathComponent("missing").path, dir.path, dir.appendingPathComponent("ck").path] {
            let r = try runBioimitate(["test", "--checkpoint", path])
            XCTAssertNotEqual(r.status, 0)
            XCTAssertEqual(r.err.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count, 1, r.err)
        }
    }

    /// A few hundred steps of PPO on an imitation environment through the binary, then an evaluation of it.
    func testPPOTrainsAndTestsOnAnImitationEnvironment() throws {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("tiny.json")
        try #"{"hidden": [16, 16], "train_batch_size": 200, "sgd_minibatch_size": 100, "num_sgd_iter": 2, "checkpoint_every": 1, "batch_mode": "truncate_episodes"}"#
            .write(to: config, atomically: true, encoding: .utf8)
        let id = "TorqueWalkingImitation2D-v0"
        let train = try runBioimitate(["train", "--env", id, "--config", config.path, "--steps", "400", "--out", dir.path])
        XCTAssertEqual(train.status, 0, train.err)
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("\(id)_ppo_s0_") }
        XCTAssertEqual(runs.count, 1)
        let run = dir.appendingPathComponent(runs[0])
        let csv = try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(csv.last?.hasPrefix("400,2,") == true, "\(csv.last ?? "")")
        let test = try runBioimitate(["test", "--checkpoint", run.path, "--episodes", "1"])
        XCTAssertEqual(test.status, 0, test.err)
        XCTAssertTrue(test.out.contains("env: \(id)"), test.out)
    }
}

import Foundation
import XCTest

/// A short real training run through the binary, then evaluation and resume, as a user would do them.
final class TrainTestEndToEndTests: XCTestCase {
    private func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-e2e-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Creates `dir` and a PPO config in it small enough for a run of a few hundred steps.
    private func tinyConfig(in dir: URL, batch: Int) throws -> URL {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("tiny.json")
        try #"{"hidden": [16, 16], "train_batch_size": \#(batch), "sgd_minibatch_size": 100, "num_sgd_iter": 2, "checkpoint_every": 1, "batch_mode": "truncate_episodes"}"#
            .write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    func testPPOTrainTestAndResumeOnPendulum() throws {
        let dir = temporaryDirectory()
        let config = try tinyConfig(in: dir, batch: 400)
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
        // The episode count goes on from the checkpoint's instead of starting again at 0.
        func episodes(_ line: Substring?) -> Int { line.flatMap { Int($0.split(separator: ",")[2]) } ?? -1 }
        XCTAssertGreaterThanOrEqual(episodes(csv2.last), episodes(csv[2]), "\(csv2)")

        // A finished run is not silently re-run; configuration options cannot ride along with --resume.
        let finished = try runBioimitate(["train", "--resume", run.path])
        XCTAssertEqual(finished.status, 0, finished.err)
        XCTAssertTrue(finished.out.contains("nothing to train"), finished.out)
        let mixed = try runBioimitate(["train", "--resume", run.path, "--algo", "sac"])
        XCTAssertNotEqual(mixed.status, 0)
        XCTAssertTrue(mixed.err.contains("--algo cannot be given"), mixed.err)
        // A checkpoint copied out of its run resumes into a new run under --out: nothing is written beside the copy.
        let copy = dir.appendingPathComponent("elsewhere/kept")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: run.appendingPathComponent("checkpoints/step-000001200"), to: copy)
        let before = try FileManager.default.subpathsOfDirectory(atPath: copy.deletingLastPathComponent().path).sorted()
        let fresh = dir.appendingPathComponent("fresh")
        let moved = try runBioimitate(["train", "--resume", copy.path, "--steps", "1600", "--out", fresh.path])
        XCTAssertEqual(moved.status, 0, moved.err)
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: copy.deletingLastPathComponent().path).sorted(), before)
        let newRun = try FileManager.default.contentsOfDirectory(atPath: fresh.path)
        XCTAssertEqual(newRun.count, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: fresh.appendingPathComponent("\(newRun[0])/config.json").path))
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
        let config = try tinyConfig(in: dir, batch: 200)
        let id = "TorqueWalkingImitation2D-v0"
        let train = try runBioimitate(["train", "--env", id, "--config", config.path, "--steps", "400", "--out", dir.path])
        XCTAssertEqual(train.status, 0, train.err)
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("\(id)_ppo_s0_") }
        XCTAssertEqual(runs.count, 1)
        let run = dir.appendingPathComponent(runs[0])
        let csv = try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(csv.last?.hasPrefix("400,2,") == true, "\(csv.last ?? "")")
        // progress.csv and TensorBoard carry the reward terms.
        XCTAssertTrue(csv[0].contains("reward/imitation") && csv[0].contains("reward/joint_rmse_deg"), String(csv[0]))

        let test = try runBioimitate(["test", "--checkpoint", run.path, "--episodes", "2"])
        XCTAssertEqual(test.status, 0, test.err)
        XCTAssertTrue(test.out.contains("env: \(id)"), test.out)
        let metrics = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("test/metrics.json"))) as? [String: Any])
        let rmse = try XCTUnwrap(metrics["tracking_rmse_deg"] as? [String: Double])
        XCTAssertEqual(Set(rmse.keys), ["pelvis_tilt", "hip_flexion_r", "knee_angle_r", "ankle_angle_r", "hip_flexion_l", "knee_angle_l", "ankle_angle_l"])
        XCTAssertTrue(rmse.values.allSatisfy { $0.isFinite && $0 >= 0 })
        for key in ["mean_com_error_m", "cost_of_transport_j_per_kg_m", "mean_tracking_rmse_deg"] { XCTAssertNotNil(metrics[key] as? Double, key) }
        // The motion opens in OpenSim's format, the torques are written, and the report is self-contained.
        let motion = try String(contentsOf: run.appendingPathComponent("test/motion.mot"), encoding: .utf8)
        XCTAssertTrue(motion.contains("endheader") && motion.contains("knee_angle_r"))
        XCTAssertTrue(try String(contentsOf: run.appendingPathComponent("test/controls.sto"), encoding: .utf8).hasPrefix("torques"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("test/report.html").path))

        let rollout = try runBioimitate(["rollout", "--env", id, "--policy", run.path, "--steps", "30", "--out", dir.appendingPathComponent("ro").path])
        XCTAssertEqual(rollout.status, 0, rollout.err)
        let html = try String(contentsOf: dir.appendingPathComponent("ro/report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("\"knee_angle_r\"") && html.contains("\"segments\""))
        // A checkpoint of one environment does not drive another.
        let other = try runBioimitate(["rollout", "--env", "MuscleWalkingImitation2D-v0", "--policy", run.path, "--steps", "3", "--out", dir.appendingPathComponent("x").path])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertEqual(other.err.split(separator: "\n").count, 1, other.err)
        XCTAssertTrue(other.err.contains("trained on \(id)"), other.err)
    }
}

/// SIGKILL in the middle of training: every checkpoint left behind is complete, and `--resume` continues.
final class KilledTrainingTests: XCTestCase {
    func testSIGKILLLeavesReadableCheckpointsAndResumeContinues() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-kill-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("tiny.json")
        try #"{"hidden": [64, 64], "train_batch_size": 400, "sgd_minibatch_size": 100, "num_sgd_iter": 4, "checkpoint_every": 1, "batch_mode": "truncate_episodes"}"#
            .write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = bioimitateBinary
        process.arguments = ["train", "--env", "Pendulum-v1", "--config", config.path, "--steps", "100000000", "--out", dir.path]
        process.standardOutput = FileHandle.nullDevice; process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill at a moment unrelated to checkpoint writes: once a few exist, after an odd delay.
        let deadline = Date().addingTimeInterval(60)
        var checkpoints: URL?
        while Date() < deadline {
            if let run = try FileManager.default.contentsOfDirectory(atPath: dir.path).first(where: { $0.hasPrefix("Pendulum-v1_ppo") }) {
                checkpoints = dir.appendingPathComponent(run).appendingPathComponent("checkpoints")
                let steps = (try? FileManager.default.contentsOfDirectory(atPath: checkpoints!.path))?.filter { $0.hasPrefix("step-") } ?? []
                if steps.count >= 4 { break }
            }
            usleep(20_000)
        }
        usleep(37_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let folder = try XCTUnwrap(checkpoints)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") && $0 != "latest" }
        XCTAssertGreaterThanOrEqual(names.count, 4)
        for name in names {
            let r = try runBioimitate(["test", "--checkpoint", folder.appendingPathComponent(name).path, "--episodes", "1",
                                       "--out", dir.appendingPathComponent("eval-\(name)").path])
            XCTAssertEqual(r.status, 0, "\(name): \(r.err)")
        }
        let latest = try String(contentsOf: folder.appendingPathComponent("latest"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(names.contains(latest))
        let done = Int(latest.dropFirst("step-".count))!
        let run = folder.deletingLastPathComponent()
        let resumed = try runBioimitate(["train", "--resume", run.path, "--steps", String(done + 800)])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        let rows = try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let steps = rows.map { Int($0.split(separator: ",")[0])! }
        // Rows logged after the last checkpoint were dropped on resume, so the steps keep increasing.
        XCTAssertEqual(steps, steps.sorted())
        XCTAssertEqual(Set(steps).count, steps.count)
        XCTAssertEqual(steps.last, done + 800)
    }
}

import Foundation
import XCTest

/// `train --model FILE --reference FILE --actuation`, then `test`, `--resume` and `rollout` on the same run, as a
/// researcher with their own model does it: the run records the files and their content hashes.
final class CustomModelCommandTests: XCTestCase {
    static let data = RolloutModelTests.shared

    func testTrainTestAndRolloutOnAnOpenSim4ModelAndItsMotion() throws {
        let source = Self.data.appendingPathComponent("models/gait10dof18musc.osim")
        let motion = Self.data.appendingPathComponent("motions/subject01_walk1_ik.mot").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: source.path), "shared data not present")
        let dir = try temporaryFolder("bioimitate-custom")
        // A copy of the model, so the test can change it afterwards.
        let model = dir.appendingPathComponent("mine.osim")
        try FileManager.default.copyItem(at: source, to: model)
        let config = dir.appendingPathComponent("tiny.json")
        try #"{"hidden": [16, 16], "train_batch_size": 200, "sgd_minibatch_size": 100, "num_sgd_iter": 2, "checkpoint_every": 1, "batch_mode": "truncate_episodes"}"#
            .write(to: config, atomically: true, encoding: .utf8)
        let train = try runBioimitate(["train", "--model", model.path, "--reference", motion, "--actuation", "joints", "--config", config.path,
                                       "--steps", "400", "--out", dir.appendingPathComponent("runs").path])
        XCTAssertEqual(train.status, 0, train.err)
        XCTAssertTrue(train.out.contains("note: columns not in the model, ignored: pelvis_list"), train.out)
        let id = "mine+subject01_walk1_ik-Joints"
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("runs").path)
        XCTAssertEqual(runs.count, 1)
        XCTAssertTrue(runs[0].hasPrefix("\(id)_ppo_s0_"), runs[0])
        let run = dir.appendingPathComponent("runs/\(runs[0])")
        let settings = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as? [String: Any])
        let recorded = try XCTUnwrap(settings["model"] as? [String: Any])
        XCTAssertEqual(recorded["path"] as? String, model.path)
        XCTAssertEqual(recorded["actuation"] as? String, "joints")
        XCTAssertEqual((recorded["hash"] as? String)?.count ?? 0 > 0, true)
        XCTAssertEqual(settings["reference"] as? String, motion)

        let test = try runBioimitate(["test", "--checkpoint", run.path, "--episodes", "1"])
        XCTAssertEqual(test.status, 0, test.err)
        XCTAssertTrue(test.out.contains("env: \(id)"), test.out)
        // Joint-only actuation reports the residual torque on the pelvis (a 2D model: pelvis_tilt only).
        XCTAssertTrue(test.out.contains("residual torques (N·m, mean |τ| / peak): pelvis_tilt "), test.out)
        let metrics = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("test/metrics.json"))) as? [String: Any])
        let rmse = try XCTUnwrap(metrics["tracking_rmse_deg"] as? [String: Double])
        XCTAssertEqual(Set(rmse.keys), ["pelvis_tilt", "hip_flexion_r", "knee_angle_r", "ankle_angle_r", "hip_flexion_l", "knee_angle_l",
                                        "ankle_angle_l", "lumbar_extension"])
        XCTAssertNotNil((metrics["residual_torque_nm"] as? [String: [String: Double]])?["pelvis_tilt"]?["peak"])
        let resumed = try runBioimitate(["train", "--resume", run.path, "--steps", "600"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        let rollout = try runBioimitate(["rollout", "--model", model.path, "--reference", motion, "--actuation", "joints", "--policy", run.path,
                                         "--steps", "5", "--out", dir.appendingPathComponent("ro").path])
        XCTAssertEqual(rollout.status, 0, rollout.err)
        XCTAssertTrue(rollout.out.contains("\(id): 5 steps"), rollout.out)

        // The model file changed after training: test says so in one line instead of building another environment.
        let handle = try FileHandle(forWritingTo: model)
        handle.seekToEndOfFile(); handle.write(Data("\n<!-- edited -->\n".utf8)); try handle.close()
        let changed = try runBioimitate(["test", "--checkpoint", run.path, "--episodes", "1"])
        XCTAssertNotEqual(changed.status, 0)
        XCTAssertEqual(changed.err.split(separator: "\n").count, 1, changed.err)
        XCTAssertTrue(changed.err.contains("mine.osim changed since the run was trained"), changed.err)
    }

    func testOptionsThatDoNotGoTogetherAreRefused() throws {
        for arguments in [["train", "--env", "TorqueWalkingImitation2D-v0", "--model", "gait2d"], ["train", "--actuation", "torque"]] {
            let r = try runBioimitate(arguments + ["--out", "/nonexistent/never"])
            XCTAssertNotEqual(r.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(r.err.contains("--model") || r.err.contains("--actuation"), r.err)
        }
        // A built-in model needs no motion: it imitates its own walking reference.
        let r = try runBioimitate(["train", "--model", "gait2d", "--actuation", "torque", "--print-config"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("\"env_id\" : \"gait2d+walking-Torque\""), r.out)
    }
}

import Foundation
import RL
import XCTest

/// Training onto a disk that fills up: a small tmpfs (mounting needs root; the test is skipped where it cannot
/// mount), a run that fills it, then more space and `--resume`.
final class DiskFullTests: XCTestCase {
    private func system(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice; process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func testAFullDiskStopsTrainingWithOneLineAndLosesAtMostTheIterationInProgress() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-diskfull-\(UUID().uuidString)")
        let disk = base.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: base) }
        guard getuid() == 0, system(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.path]) == 0 else {
            throw XCTSkip("cannot mount a small filesystem here (needs root)")
        }
        addTeardownBlock { _ = self.system(["umount", disk.path]) }
        // About 110 kB per checkpoint (weights and Adam moments of two 64-wide networks): the 1 MB disk fills within
        // a few iterations of 400 steps, each checkpointed.
        let config = base.appendingPathComponent("small.json")
        try #"{"hidden": [64, 64], "train_batch_size": 400, "sgd_minibatch_size": 100, "num_sgd_iter": 1, "checkpoint_every": 1}"#
            .write(to: config, atomically: true, encoding: .utf8)
        let full = try runBioimitate(["train", "--env", "Pendulum-v1", "--config", config.path, "--steps", "8000", "--out", disk.path])
        XCTAssertNotEqual(full.status, 0)
        let lines = full.err.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, full.err)
        XCTAssertTrue(full.err.contains("No space left on device"), full.err)
        let stoppedAt = try XCTUnwrap(full.err.components(separatedBy: "training stopped at step ").dropFirst().first
            .flatMap { Int($0.prefix { $0.isNumber }) }, full.err)

        let run = disk.appendingPathComponent(try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: disk.path).first))
        let checkpoints = run.appendingPathComponent("checkpoints")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: checkpoints.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "half-written checkpoint folders left behind")
        let latest = try Checkpoint.resolve(run.path)
        let saved = try Checkpoint.readMeta(latest).envSteps
        XCTAssertGreaterThanOrEqual(saved, stoppedAt - 400, "more than the iteration in progress was lost")
        XCTAssertNoThrow(try DeterministicPolicy(checkpoint: latest), "the latest checkpoint must be complete")
        XCTAssertTrue(full.err.contains(latest.path), full.err)

        XCTAssertEqual(system(["mount", "-o", "remount,size=32m", disk.path]), 0)
        let resumed = try runBioimitate(["train", "--resume", run.path])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertEqual(try Checkpoint.readMeta(try Checkpoint.resolve(run.path)).envSteps, 8000)
        // progress.csv: whole rows only, steps increasing by one batch from the header on.
        let rows = try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.map { Int($0.prefix { $0 != "," }) ?? -1 }, Array(stride(from: 400, through: 8000, by: 400)), "\(rows)")
    }
}

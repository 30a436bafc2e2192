import Foundation
import XCTest
@testable import RL

final class LearnerTests: XCTestCase {
    private func smallPPO(seed: Int = 0, envs: Int = 1) -> PPO {
        var c = PPOConfig()
        c.seed = seed; c.hidden = [16, 16]; c.trainBatchSize = 400; c.sgdMinibatchSize = 100; c.numSGDIter = 3
        c.numEnvs = envs; c.batchMode = .truncateEpisodes
        return PPO(config: c, environments: (0..<envs).map { _ in Pendulum() })
    }

    private func smallSAC(seed: Int = 0) -> SAC {
        var c = SACConfig()
        c.seed = seed; c.hidden = [16, 16]; c.batchSize = 32; c.learningStarts = 50; c.totalSteps = 1000; c.bufferSize = 1000
        return SAC(config: c, environments: [Pendulum()])
    }

    func testPendulumDynamicsMatchGymnasiumEquations() {
        let p = Pendulum()
        var obs = [Float](repeating: 0, count: 3)
        p.setState(theta: 1.0, thetaDot: 0.5)
        let out = p.step([1.5], observation: &obs)
        // θ̇' = 0.5 + (15·sin 1 + 3·1.5)·0.05, θ' = 1 + θ̇'·0.05, cost = 1 + 0.1·0.25 + 0.001·2.25.
        let thetaDot = 0.5 + (15 * sin(1.0) + 4.5) * 0.05
        XCTAssertEqual(p.thetaDot, thetaDot, accuracy: 1e-12)
        XCTAssertEqual(p.theta, 1 + thetaDot * 0.05, accuracy: 1e-12)
        XCTAssertEqual(out.reward, -(1 + 0.025 + 0.00225), accuracy: 1e-12)
        XCTAssertEqual(Double(obs[0]), cos(1 + thetaDot * 0.05), accuracy: 1e-6)
        // Torque is clipped to ±2, speed to ±8, and the angle cost wraps.
        p.setState(theta: 3 * Double.pi, thetaDot: 7.9)
        let clipped = p.step([10], observation: &obs)
        XCTAssertEqual(p.thetaDot, 8)
        XCTAssertEqual(clipped.reward, -(Double.pi * Double.pi + 0.1 * 7.9 * 7.9 + 0.001 * 4), accuracy: 1e-9)
        var steps = 1
        while !p.step([0], observation: &obs).truncated { steps += 1 }
        XCTAssertEqual(steps + 1, 200)
    }

    func testPPOIsReproducibleForASeedAndLossesAreFinite() {
        let a = smallPPO(seed: 5), b = smallPPO(seed: 5), c = smallPPO(seed: 6)
        for _ in 0..<2 {
            let sa = a.trainIteration(), sb = b.trainIteration()
            // Losses are reproducible; wall times are not.
            let learned = { (s: [(String, Double)]) in s.filter { !$0.0.hasPrefix("time/") }.map(\.1) }
            XCTAssertEqual(learned(sa), learned(sb))
            XCTAssertEqual(sa.filter { $0.0.hasPrefix("time/") }.count, 2)
            XCTAssertTrue(sa.allSatisfy { $0.1.isFinite }, "\(sa)")
            c.trainIteration()
        }
        XCTAssertEqual(a.policy.weights, b.policy.weights)
        XCTAssertNotEqual(a.policy.weights, c.policy.weights)
        XCTAssertEqual(a.envSteps, 800)
    }

    func testPPOWithParallelEnvironmentsIsDeterministic() {
        let a = smallPPO(seed: 1, envs: 3), b = smallPPO(seed: 1, envs: 3)
        a.trainIteration(); b.trainIteration()
        XCTAssertEqual(a.value.weights, b.value.weights)
    }

    func testSACIsReproducibleAndFinite() {
        let a = smallSAC(seed: 2), b = smallSAC(seed: 2)
        var stats: [(String, Double)] = []
        for _ in 0..<120 { stats = a.step(); _ = b.step() }
        XCTAssertFalse(stats.isEmpty)
        XCTAssertTrue(stats.allSatisfy { $0.1.isFinite }, "\(stats)")
        XCTAssertEqual(a.actor.weights, b.actor.weights)
        XCTAssertEqual(a.updates, 70)
    }

    func testCheckpointRoundTripRestoresWeightsAndContinuesTheSameCurve() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = smallPPO(seed: 9)
        a.trainIteration()
        let saved = try Checkpoint.save(a, envID: Pendulum.id, environment: Pendulum(), in: dir, name: "step-1")
        try Checkpoint.markLatest("step-1", in: dir)
        XCTAssertEqual(try Checkpoint.resolve(dir.path).standardizedFileURL.path, saved.standardizedFileURL.path)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.hasPrefix(".tmp") })

        let b = smallPPO(seed: 123)
        try Checkpoint.restore(b, from: saved)
        XCTAssertEqual(a.policy.weights, b.policy.weights)
        XCTAssertEqual(a.logStd.value, b.logStd.value)
        XCTAssertEqual(a.filter, b.filter)
        XCTAssertEqual(a.envSteps, b.envSteps)
        // The next iteration is the same for both only if the optimizer moments, random state and filter came back.
        // (Environment state is not saved: both learners start new episodes.)
        let fresh = smallPPO(seed: 9); try Checkpoint.restore(fresh, from: saved)
        fresh.trainIteration(); b.trainIteration()
        XCTAssertEqual(fresh.policy.weights, b.policy.weights)

        let policy = try DeterministicPolicy(checkpoint: saved)
        var action: [Float] = [0]
        policy.act([1, 0, 0], into: &action)
        var normalized: [Float] = [1, 0, 0]; a.filter?.normalize(&normalized)
        let mean = a.policy.forward(Matrix(rows: 1, cols: 3, storage: normalized))
        XCTAssertEqual(action[0], min(max(mean[0, 0], -1), 1) * 2, accuracy: 1e-6)
    }

    func testSafetensorsRoundTripAndRejectsGarbage() throws {
        let t: [(String, Safetensors.Tensor)] = [("a.weight", .init(shape: [2, 3], values: [1, 2, 3, 4, 5, -6.5])), ("b", .init(shape: [1], values: [.pi]))]
        let data = try Safetensors.encode(t, metadata: ["format": "pt"])
        let back = try Safetensors.decode(data, source: "mem")
        XCTAssertEqual(back["a.weight"], t[0].1); XCTAssertEqual(back["b"], t[1].1)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual((8 + headerLength) % 8, 0)
        XCTAssertThrowsError(try Safetensors.decode(Data([1, 2, 3]), source: "x"))
        XCTAssertThrowsError(try Safetensors.decode(data.prefix(40), source: "x"))
        // A non-finite value is neither saved nor read back: a diverged network never becomes a checkpoint, and a
        // checkpoint edited to hold NaN is refused naming the tensor.
        XCTAssertThrowsError(try Safetensors.encode([("w", .init(shape: [2], values: [1, .nan]))]))
        var edited = data
        let nan = Float.nan.bitPattern.littleEndian
        withUnsafeBytes(of: nan) { edited.replaceSubrange((edited.count - 4)..<edited.count, with: $0) }
        XCTAssertThrowsError(try Safetensors.decode(edited, source: "nan.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("nan.safetensors") && "\(error)".contains("finite"), "\(error)")
        }
    }

    func testCheckpointOfOneAlgorithmCannotResumeTheOther() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let sac = smallSAC()
        let saved = try Checkpoint.save(sac, envID: Pendulum.id, environment: Pendulum(), in: dir, name: "s")
        XCTAssertThrowsError(try Checkpoint.restore(smallPPO(), from: saved))
        let other = smallSAC(seed: 4)
        try Checkpoint.restore(other, from: saved)
        XCTAssertEqual(other.actor.weights, sac.actor.weights)
        XCTAssertEqual(other.q2.biases, sac.q2.biases)
    }
}

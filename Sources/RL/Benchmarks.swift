import CBLAS
import Foundation

/// Throughput figures for `bioimitate bench-rl`: measured, never asserted.
public enum Benchmarks {
    /// GFLOP/s of one n×n×n `cblas_sgemm` (best of `repeats`).
    public static func sgemmGFLOPS(n: Int, repeats: Int = 5) -> Double {
        var rng = Random(seed: 1)
        let a = Matrix(rows: n, cols: n, storage: (0..<(n * n)).map { _ in Float(rng.normal()) })
        let b = a
        var c = Matrix(rows: n, cols: n)
        var best = Double.infinity
        for _ in 0..<repeats {
            let t = DispatchTime.now().uptimeNanoseconds
            gemm(a, b, into: &c)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t) * 1e-9)
        }
        return 2 * Double(n * n * n) / best * 1e-9
    }

    /// A synthetic environment of the given sizes for timing learners without simulation.
    final class NullEnvironment: Environment {
        let observationSize: Int, actionSize: Int
        let actionLow: [Float], actionHigh: [Float]
        init(obs: Int, act: Int) {
            observationSize = obs; actionSize = act
            actionLow = [Float](repeating: -1, count: act); actionHigh = [Float](repeating: 1, count: act)
        }
        func reset(seed: UInt64, observation: inout [Float]) { for i in observation.indices { observation[i] = Float(i % 7) * 0.1 } }
        func step(_ action: [Float], observation: inout [Float]) -> StepOutcome { StepOutcome(reward: 0, terminated: false, truncated: false) }
    }

    /// Samples per second through PPO's SGD epochs on a random batch, and the GFLOP/s that implies
    /// (forward 2·in·out per layer and sample, backward twice that, for policy and value networks).
    public static func ppoUpdate(config: PPOConfig, observationSize: Int, actionSize: Int, batch: Int) -> (samplesPerSecond: Double, gflops: Double, seconds: Double) {
        let ppo = PPO(config: config, environments: [NullEnvironment(obs: observationSize, act: actionSize)])
        var rng = Random(seed: 2)
        var b = PPO.Batch()
        b.obs = (0..<(batch * observationSize)).map { _ in Float(rng.normal()) }
        b.actions = (0..<(batch * actionSize)).map { _ in Float(rng.normal()) }
        b.means = [Float](repeating: 0, count: batch * actionSize)
        b.logp = [Float](repeating: -Float(actionSize) * 1.42, count: batch)
        b.advantages = (0..<batch).map { _ in Float(rng.normal()) }
        b.returns = (0..<batch).map { _ in Float(rng.normal()) }
        let t = DispatchTime.now().uptimeNanoseconds
        _ = ppo.update(b)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t) * 1e-9
        let minibatches = (batch / config.sgdMinibatchSize) * config.numSGDIter
        let samples = Double(minibatches * config.sgdMinibatchSize)
        func macs(_ sizes: [Int]) -> Double { zip(sizes, sizes.dropFirst()).reduce(0) { $0 + Double($1.0 * $1.1) } }
        let perSample = 3 * 2 * (macs(ppo.policy.sizes) + macs(ppo.value.sizes))
        return (samples / seconds, samples * perSample / seconds * 1e-9, seconds)
    }
}

import ArgumentParser
import Foundation
import RL

struct BenchRL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-rl",
        abstract: "Measure PPO update throughput against the machine's sgemm rate (figures, no pass/fail).",
        discussion: "Runs the PPO SGD epochs on a random batch and one large cblas_sgemm in the same process; prints medians.")

    @Option(help: "Observation size of the synthetic batch.") var obs = 100
    @Option(help: "Action size of the synthetic batch.") var act = 20
    @Option(help: "Samples in the batch (train_batch_size).") var batch = 3200
    @Option(help: "Repetitions; medians are reported.") var repeats = 3
    @Option(help: "Size n of the reference n×n×n sgemm.") var sgemmSize = 2048
    @Flag(help: "Only check OpenBLAS's sgemm against a double-precision product (exit 1 if off by more than 1e-5).") var check = false

    func run() throws {
        let error = BLASKernel.checkSgemm()
        print("OpenBLAS kernels: \(BLASKernel.coreName); sgemm against a double-precision product: largest error \(String(format: "%.1e", error)) of the largest entry")
        if check {
            guard error < 1e-5 else { throw CLIError("sgemm on OpenBLAS's \(BLASKernel.coreName) kernels is off by \(error) of the largest entry") }
            return
        }
        // The original RLlib sizes (hidden 512x512, 20 epochs of minibatch 256): the largest update the tool ships a config for.
        var config = PPOConfig()
        config.hidden = [512, 512]; config.numSGDIter = 20; config.sgdMinibatchSize = 256
        config.trainBatchSize = batch
        let sgemm = (0..<repeats).map { _ in Benchmarks.sgemmGFLOPS(n: sgemmSize) }.sorted()[repeats / 2]
        let runs = (0..<repeats).map { _ in Benchmarks.ppoUpdate(config: config, observationSize: obs, actionSize: act, batch: batch) }
        let median = runs.sorted { $0.gflops < $1.gflops }[repeats / 2]
        print("sgemm \(sgemmSize)^3: \(String(format: "%.1f", sgemm)) GFLOP/s")
        print("PPO update (hidden \(config.hidden), \(config.numSGDIter) epochs, minibatch \(config.sgdMinibatchSize), batch \(batch), obs \(obs), act \(act)):")
        print(String(format: "  %.0f samples/s, %.1f GFLOP/s (%.0f%% of sgemm), %.2f s per update", median.samplesPerSecond,
                     median.gflops, 100 * median.gflops / sgemm, median.seconds))
    }
}

import Foundation
import Workers

/// One environment copy with its own random stream and buffers, so copies can be stepped on different cores
/// without sharing mutable state. Results do not depend on the number of threads.
final class EnvSlot {
    let env: Environment
    var rng: Random
    var raw: [Float]          // observation as the environment wrote it
    var normalized: [Float]   // after the observation filter
    var action: [Float]       // sampled action in the learner's normalized space
    var scaled: [Float]       // action rescaled to the environment's bounds
    var next: [Float]         // scratch: the filtered observation after a step
    var outcome = StepOutcome(reward: 0, terminated: false, truncated: true)
    var needsReset = true
    var episodeReturn = 0.0
    var episodeLength = 0
    var failed: String?       // a non-finite observation or reward ends the episode and is reported

    init(env: Environment, seed: UInt64, index: Int) {
        self.env = env
        rng = Random(seed: seed, stream: UInt64(index) + 1)
        raw = [Float](repeating: 0, count: env.observationSize)
        normalized = raw
        next = raw
        action = [Float](repeating: 0, count: env.actionSize)
        scaled = action
    }

    /// One slot per environment copy, each with its own random stream of the run's seed.
    static func copies(_ environments: [Environment], seed: Int) -> [EnvSlot] {
        environments.enumerated().map { EnvSlot(env: $0.element, seed: UInt64(bitPattern: Int64(seed)), index: $0.offset) }
    }

    func reset() {
        env.reset(seed: rng.next(), observation: &raw)
        needsReset = false; episodeReturn = 0; episodeLength = 0; failed = nil
    }

    func step() {
        env.rescale(action, into: &scaled)
        outcome = env.step(scaled, observation: &raw)
        if !outcome.reward.isFinite || raw.contains(where: { !$0.isFinite }) {
            // A simulator blow-up ends the episode; the bad numbers never reach the learner.
            failed = "non-finite observation or reward"
            outcome = StepOutcome(reward: 0, terminated: true, truncated: false)
            for i in raw.indices where !raw[i].isFinite { raw[i] = 0 }
        }
        episodeReturn += outcome.reward
        episodeLength += 1
        if outcome.terminated || outcome.truncated { needsReset = true }
    }
}

/// Writes each copy's raw observation through the filter into `normalized` and row i of `matrix` (the batch the
/// policy sees), allocating nothing.
func filterObservations(_ slots: [EnvSlot], _ filter: RunningMeanStd?, into matrix: inout Matrix) {
    let width = matrix.cols
    for (i, s) in slots.enumerated() {
        for j in 0..<width { s.normalized[j] = s.raw[j] }
        filter?.normalize(&s.normalized)
        for j in 0..<width { matrix.storage[i * width + j] = s.normalized[j] }
    }
}

/// Writes the filtered copy of a slot's current raw observation into its `next` scratch.
func filterNext(_ s: EnvSlot, _ filter: RunningMeanStd?) {
    for j in 0..<s.raw.count { s.next[j] = s.raw[j] }
    filter?.normalize(&s.next)
}

/// Steps environment copies together, one worker thread per core (at most one per copy). A `WorkerPool` rather than
/// Dispatch's concurrentPerform: waking a sleeping thread for every ~130 µs step made two copies on two cores no
/// faster than one here. Each copy steps alone, so the results do not depend on the number of threads.
final class SlotStepper {
    let slots: [EnvSlot]
    private var pool: WorkerPool!
    /// Which copies the current `step` moves (nil: all).
    private var active: [Bool]?

    init(_ slots: [EnvSlot]) {
        self.slots = slots
        let threads = min(slots.count, ProcessInfo.processInfo.activeProcessorCount)
        pool = WorkerPool(workers: threads - 1) { [unowned self] i in if self.active?[i] ?? true { self.slots[i].step() } }
    }

    deinit { pool.shutdown() }

    /// One environment step of every copy, or of those `active` marks.
    func step(_ active: [Bool]? = nil) {
        self.active = active
        pool.run(slots.count)
        self.active = nil
    }
}

/// Recent finished episodes, for progress reports.
public struct EpisodeStats: Sendable {
    public private(set) var returns: [Double] = []
    public private(set) var lengths: [Int] = []
    public private(set) var total = 0
    public private(set) var failures = 0
    let window = 100

    public init() {}

    /// Counting on from a resumed run's `total` episodes (its recent returns are not kept in a checkpoint).
    public mutating func continueCount(from total: Int) { self.total = max(self.total, total) }

    public mutating func record(return r: Double, length: Int, failed: Bool) {
        returns.append(r); lengths.append(length); total += 1
        if failed { failures += 1 }
        if returns.count > window { returns.removeFirst(); lengths.removeFirst() }
    }

    public var meanReturn: Double { returns.isEmpty ? .nan : returns.reduce(0, +) / Double(returns.count) }
    public var meanLength: Double { lengths.isEmpty ? .nan : Double(lengths.reduce(0, +)) / Double(lengths.count) }
}

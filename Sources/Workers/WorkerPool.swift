import Dispatch
import Foundation
import Synchronization

/// Runs one fixed job over items 0..<count on the calling thread plus `workers` long-lived threads: the vector
/// environment's and the learners' per-step calls over environment copies. One copy's step takes ~100–200 µs and waking a sleeping thread on this
/// kind of virtual machine costs about as much (Dispatch's concurrentPerform stepped two copies on two cores no
/// faster than one core did), so idle workers spin for a while before they sleep. Items are claimed one at a time,
/// so copies of uneven cost (resets, adaptive integrator steps) balance out.
public final class WorkerPool: @unchecked Sendable {
    /// How long an idle worker keeps looking for the next round before it sleeps (between two vector steps Python
    /// or a learner works for tens to hundreds of µs).
    static let spin: Duration = .microseconds(300)

    /// The job, fixed for the pool's life; what it works on is set by the caller before each `run`.
    private let job: (Int) -> Void
    /// round (bits 40…) | count (bits 20–39) | next unclaimed item (bits 0–19), one word so that a worker that is
    /// late for a round can never claim an item of the next one.
    private let claim = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private var round = 0
    private var sleepers: [Sleeper] = []
    private let finished = DispatchGroup()

    /// A worker's way to sleep without missing a round: it raises `asleep`, looks once more, then waits; whoever
    /// lowers a raised flag signals.
    final class Sleeper: @unchecked Sendable {
        let asleep = Atomic<Bool>(false)
        let semaphore = DispatchSemaphore(value: 0)
    }

    /// `workers` threads beside the caller; with none, `run` works through the items on the caller alone.
    public init(workers: Int, job: @escaping (Int) -> Void) {
        self.job = job
        for _ in 0..<max(0, workers) {
            let sleeper = Sleeper()
            sleepers.append(sleeper)
            finished.enter()
            Thread { [unowned self] in self.work(sleeper); self.finished.leave() }.start()
        }
    }

    /// Runs job(i) for i in 0..<count and returns when every item has finished.
    public func run(_ count: Int) {
        precondition(count < 1 << 20, "WorkerPool: at most 2^20 items")
        if sleepers.isEmpty || count == 1 { for i in 0..<count { job(i) }; return }
        round += 1
        remaining.store(count, ordering: .sequentiallyConsistent)
        claim.store(round << 40 | count << 20, ordering: .sequentiallyConsistent)
        wake()
        drain(round)
        while remaining.load(ordering: .acquiring) > 0 {}
    }

    /// Ends the worker threads (waits for them); `run` uses the caller alone afterwards.
    public func shutdown() {
        guard !sleepers.isEmpty else { return }
        stopping.store(true, ordering: .sequentiallyConsistent)
        round += 1
        claim.store(round << 40, ordering: .sequentiallyConsistent)
        wake()
        finished.wait()
        sleepers = []
    }

    private func wake() {
        for s in sleepers where s.asleep.exchange(false, ordering: .sequentiallyConsistent) { s.semaphore.signal() }
    }

    /// Claims and runs items of round `r` until none are left.
    private func drain(_ r: Int) {
        while true {
            let c = claim.load(ordering: .sequentiallyConsistent)
            let (index, count) = (c & 0xFFFFF, (c >> 20) & 0xFFFFF)
            if c >> 40 != r || index >= count { return }
            guard claim.compareExchange(expected: c, desired: c + 1, ordering: .sequentiallyConsistent).exchanged else { continue }
            job(index)
            remaining.subtract(1, ordering: .releasing)
        }
    }

    private func work(_ sleeper: Sleeper) {
        var seen = 0
        let clock = ContinuousClock()
        while true {
            let deadline = clock.now + Self.spin
            var r = claim.load(ordering: .sequentiallyConsistent) >> 40
            while r == seen && clock.now < deadline { r = claim.load(ordering: .sequentiallyConsistent) >> 40 }
            if r == seen {
                sleeper.asleep.store(true, ordering: .sequentiallyConsistent)
                if claim.load(ordering: .sequentiallyConsistent) >> 40 == seen
                    || !sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) {
                    sleeper.semaphore.wait()  // asleep until signalled (or take the signal already on its way)
                }
                r = claim.load(ordering: .sequentiallyConsistent) >> 40
            }
            seen = r
            if stopping.load(ordering: .sequentiallyConsistent) { return }
            drain(r)
        }
    }
}

import Dispatch
import Foundation
import Imitation
import Sim
import Workers

// bi_vec_*: N copies of one environment stepped together in one call, split over worker threads. A finished copy is
// reset on its next step (gymnasium's next-step autoreset): that step ignores its action and reports the new
// episode's first observation with reward 0 and both flags clear; or, in same-step mode, within the step that ended it.

/// One copy and its episode state; workers touch only their own copies, so nothing is shared while stepping.
final class VectorCopy {
    let handle: EnvHandle
    /// Seeds for autoresets and unseeded resets, restarted by every explicit reset seed.
    var seeds: SplitMix
    /// The seed of the next reset when the caller gave one (the copy then starts as a single env with that seed would).
    var givenSeed: UInt64?
    var needsReset = true
    /// How long the copy's last call took (s): the pool starts the costliest copies first.
    var seconds = 0.0
    /// Why the copy's episode ended at the last step (kept across a same-step reset).
    var fallReason: String?

    init(_ handle: EnvHandle, index: Int) {
        self.handle = handle
        seeds = SplitMix(seed: UInt64(index))
    }

    func reset(writing observations: UnsafeMutablePointer<Float>) {
        let seed = givenSeed ?? seeds.next()
        givenSeed = nil
        handle.reset(seed: seed, writing: observations)
        needsReset = false
    }
}

/// What a `bi_vec*` points at. A call sets `call` (what to do, the caller's buffers), then the pool runs `perform`
/// for every copy.
final class VectorHandle {
    let copies: [VectorCopy]
    let threads: Int
    private var pool: WorkerPool!

    enum Call {
        case reset(observations: UnsafeMutablePointer<Float>)
        case step(actions: UnsafePointer<Float>, observations: UnsafeMutablePointer<Float>, rewards: UnsafeMutablePointer<Double>,
                  terminated: UnsafeMutablePointer<Int32>, truncated: UnsafeMutablePointer<Int32>, info: UnsafeMutablePointer<Double>?,
                  finalObservations: UnsafeMutablePointer<Float>?)
    }
    var call: Call?
    /// Copies by their last call's cost, costliest first, so that no long step starts last while the other workers
    /// have finished (the next step's costs resemble the last's: contact phases and resets last several steps).
    private var order: [Int]
    /// Same-step autoreset (what Stable-Baselines3 expects): a copy that ends is reset within the step that ended it.
    var sameStepReset = false

    init(copies: [EnvHandle], threads: Int) {
        self.copies = copies.enumerated().map { VectorCopy($0.element, index: $0.offset) }
        self.threads = max(1, min(threads, copies.count))
        order = Array(copies.indices)
        pool = WorkerPool(workers: self.threads - 1) { [unowned self] in self.perform($0) }
    }

    deinit { pool.shutdown() }

    var observationSize: Int { copies[0].handle.env.observationSize }
    var actionSize: Int { copies[0].handle.env.actionSize }
    var infoSize: Int { infoNames.count + copies[0].handle.env.info.footLoads.count }

    /// Does `call` for every copy on the pool (the calling thread alone when it has no workers).
    func run(_ call: Call) {
        self.call = call
        defer { self.call = nil }
        for k in 1..<order.count {  // insertion sort: nearly sorted already after the first step
            let i = order[k]
            var j = k
            while j > 0 && copies[order[j - 1]].seconds < copies[i].seconds { order[j] = order[j - 1]; j -= 1 }
            order[j] = i
        }
        pool.run(copies.count)
    }

    /// The pool's job: the k-th costliest copy, timed.
    private func perform(_ k: Int) {
        let i = order[k], c = copies[i]
        let start = DispatchTime.now().uptimeNanoseconds
        perform(c, i)
        c.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    private func perform(_ c: VectorCopy, _ i: Int) {
        let h = c.handle
        let width = observationSize
        switch call! {
        case .reset(let observations):
            c.reset(writing: observations + i * width)
        case .step(let actions, let observations, let rewards, let terminated, let truncated, let info, let finalObservations):
            c.fallReason = nil
            if c.needsReset {
                c.reset(writing: observations + i * width)
                rewards[i] = 0; terminated[i] = 0; truncated[i] = 0
                if let info { writeInfo(h, into: info + i * infoSize) }
                return
            }
            let r = h.step(actions + i * actionSize, writing: observations + i * width)
            rewards[i] = r.reward; terminated[i] = r.terminated ? 1 : 0; truncated[i] = r.truncated ? 1 : 0
            if let info { writeInfo(h, into: info + i * infoSize) }
            guard r.terminated || r.truncated else { return }
            c.fallReason = h.env.info.fallReason
            if sameStepReset {
                if let f = finalObservations { (f + i * width).update(from: observations + i * width, count: width) }
                c.reset(writing: observations + i * width)
            } else {
                c.needsReset = true
            }
        }
    }
}

private func vector(_ pointer: OpaquePointer?) -> VectorHandle? {
    pointer.map { Unmanaged<VectorHandle>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
}

@_cdecl("bi_vec_create")
public func biVecCreate(_ id: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?, _ reference: UnsafePointer<CChar>?,
                        _ count: Int32, _ threads: Int32) -> OpaquePointer? {
    createVector(count, threads) { biEnvCreate(id, configJSON, reference) }
}

@_cdecl("bi_vec_create_custom")
public func biVecCreateCustom(_ model: UnsafePointer<CChar>?, _ actuation: UnsafePointer<CChar>?, _ configJSON: UnsafePointer<CChar>?,
                              _ reference: UnsafePointer<CChar>?, _ count: Int32, _ threads: Int32) -> OpaquePointer? {
    createVector(count, threads) { biEnvCreateCustom(model, actuation, configJSON, reference) }
}

/// `count` copies from `create` (a bi_env handle or NULL with the error set) stepped on `threads` threads (0: one per core).
private func createVector(_ count: Int32, _ threads: Int32, _ create: () -> OpaquePointer?) -> OpaquePointer? {
    guard count >= 1, count < 1 << 20 else { _ = fail("bi_vec_create: num_envs must be between 1 and 2^20, got \(count)"); return nil }
    var copies: [EnvHandle] = []
    for _ in 0..<count {
        guard let pointer = create() else { return nil }
        copies.append(Unmanaged<EnvHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeRetainedValue())
    }
    let workers = threads > 0 ? Int(threads) : ProcessInfo.processInfo.activeProcessorCount
    return OpaquePointer(Unmanaged.passRetained(VectorHandle(copies: copies, threads: workers)).toOpaque())
}

@_cdecl("bi_vec_close")
public func biVecClose(_ vec: OpaquePointer?) {
    guard let vec else { return }
    Unmanaged<VectorHandle>.fromOpaque(UnsafeRawPointer(vec)).release()
}

@_cdecl("bi_vec_num_envs")
public func biVecNumEnvs(_ vec: OpaquePointer?) -> Int32 {
    guard let v = vector(vec) else { return fail("bi_vec_num_envs: vec is NULL") }
    return Int32(v.copies.count)
}

@_cdecl("bi_vec_num_threads")
public func biVecNumThreads(_ vec: OpaquePointer?) -> Int32 {
    guard let v = vector(vec) else { return fail("bi_vec_num_threads: vec is NULL") }
    return Int32(v.threads)
}

@_cdecl("bi_vec_set_same_step_reset")
public func biVecSetSameStepReset(_ vec: OpaquePointer?, _ on: Int32) -> Int32 {
    guard let v = vector(vec) else { return fail("bi_vec_set_same_step_reset: vec is NULL") }
    v.sameStepReset = on != 0
    return 0
}

@_cdecl("bi_vec_fall_reason")
public func biVecFallReason(_ vec: OpaquePointer?, _ index: Int32) -> UnsafePointer<CChar>? {
    guard let v = vector(vec), v.copies.indices.contains(Int(index)) else { return nil }
    let c = v.copies[Int(index)]
    return c.handle.handOut(c.fallReason)
}

@_cdecl("bi_vec_env")
public func biVecEnv(_ vec: OpaquePointer?, _ index: Int32) -> OpaquePointer? {
    guard let v = vector(vec), v.copies.indices.contains(Int(index)) else {
        _ = fail("bi_vec_env: no copy \(index)"); return nil
    }
    return OpaquePointer(Unmanaged.passUnretained(v.copies[Int(index)].handle).toOpaque())
}

@_cdecl("bi_vec_reset")
public func biVecReset(_ vec: OpaquePointer?, _ seeds: UnsafePointer<UInt64>?, _ observations: UnsafeMutablePointer<Float>?) -> Int32 {
    guard let v = vector(vec) else { return fail("bi_vec_reset: vec is NULL") }
    guard let observations else { return fail("bi_vec_reset: observations buffer is NULL") }
    if let seeds { for (i, c) in v.copies.enumerated() { c.seeds = SplitMix(seed: seeds[i]); c.givenSeed = seeds[i] } }
    v.run(.reset(observations: observations))
    return 0
}

@_cdecl("bi_vec_step")
public func biVecStep(_ vec: OpaquePointer?, _ actions: UnsafePointer<Float>?, _ observations: UnsafeMutablePointer<Float>?,
                      _ rewards: UnsafeMutablePointer<Double>?, _ terminated: UnsafeMutablePointer<Int32>?,
                      _ truncated: UnsafeMutablePointer<Int32>?, _ info: UnsafeMutablePointer<Double>?,
                      _ finalObservations: UnsafeMutablePointer<Float>?) -> Int32 {
    guard let v = vector(vec) else { return fail("bi_vec_step: vec is NULL") }
    guard let actions, let observations, let rewards, let terminated, let truncated else {
        return fail("bi_vec_step: actions, observations, rewards, terminated or truncated buffer is NULL")
    }
    let m = v.actionSize
    // Every action is checked before any copy moves, so a refused call changes nothing.
    for (i, c) in v.copies.enumerated() where !c.needsReset {
        if let refusal = c.handle.refusal(actions + i * m) { return fail("bi_vec_step: copy \(i) \(refusal)") }
    }
    v.run(.step(actions: actions, observations: observations, rewards: rewards, terminated: terminated, truncated: truncated, info: info,
                 finalObservations: finalObservations))
    return 0
}

import Foundation

/// Proximal Policy Optimization (Schulman et al. 2017) as RLlib runs it: a diagonal Gaussian policy with a
/// state-independent log-std, a separate value network, GAE(λ), the clipped surrogate plus an adaptive KL
/// penalty, a clipped value loss, standardized advantages and minibatch SGD epochs over each batch.
public final class PPO {
    public let config: PPOConfig
    public let policy: MLP
    public let logStd: ParameterVector
    public let value: MLP
    public private(set) var filter: RunningMeanStd?
    public private(set) var klCoeff: Double
    public private(set) var envSteps = 0
    public private(set) var iterations = 0
    public private(set) var episodes = EpisodeStats()
    let optimizer: Adam
    var rng: Random
    let slots: [EnvSlot]
    let stepper: SlotStepper
    let obsSize: Int, actSize: Int
    /// The filtered observations of all copies, one row each (the policy's input while sampling).
    var stepObservations: Matrix

    public init(config: PPOConfig, environments: [Environment]) {
        precondition(!environments.isEmpty)
        self.config = config
        obsSize = environments[0].observationSize
        actSize = environments[0].actionSize
        rng = Random(seed: UInt64(bitPattern: Int64(config.seed)))
        policy = MLP(sizes: [obsSize] + config.hidden + [actSize], activation: config.activation, outputGain: 0.01, rng: &rng)
        value = MLP(sizes: [obsSize] + config.hidden + [1], activation: config.activation, outputGain: 1, rng: &rng)
        logStd = ParameterVector([Float](repeating: Float(config.initialLogStd), count: actSize))
        optimizer = Adam([policy, logStd, value], learningRate: Float(config.lr))
        klCoeff = config.klCoeff
        filter = config.observationFilter.make(size: obsSize)
        slots = EnvSlot.copies(environments, seed: config.seed)
        stepper = SlotStepper(slots)
        stepObservations = Matrix(rows: environments.count, cols: obsSize)
    }

    // MARK: Sampling

    /// The batch of one iteration, flattened over environments.
    struct Batch {
        var obs: [Float] = [], actions: [Float] = [], means: [Float] = [], logp: [Float] = []
        var advantages: [Float] = [], returns: [Float] = []
        var count: Int { logp.count }
    }

    private final class Trajectory {
        var obs: [Float] = [], actions: [Float] = [], means: [Float] = [], logp: [Float] = []
        var values: [Float] = [], rewards: [Float] = []
        /// (index of the last step, bootstrap value of the state after it: 0 when terminated).
        var ends: [(Int, Float)] = []
        var openEnd: Bool { ends.last.map { $0.0 != rewards.count - 1 } ?? !rewards.isEmpty }
    }

    private func collect() -> Batch {
        let trajectories = slots.map { _ in Trajectory() }
        var active = [Bool](repeating: true, count: slots.count)
        var collected = 0
        let target = config.trainBatchSize
        let complete = config.batchMode == .completeEpisodes
        var bootstrapRequests: [(slot: Int, end: Int, obs: [Float])] = []

        for s in slots where s.needsReset { s.reset(); filter?.update(s.raw) }
        filterObservations(slots, filter, into: &stepObservations)
        while active.contains(true) {
            let means = policy.forward(stepObservations)
            let values = value.forward(stepObservations)
            for (i, s) in slots.enumerated() where active[i] {
                for j in 0..<actSize { s.action[j] = means[i, j] + Foundation.exp(logStd.value[j]) * Float(s.rng.normal()) }
            }
            stepper.step(active)
            for (i, s) in slots.enumerated() where active[i] {
                let t = trajectories[i]
                t.obs += s.normalized
                t.actions += s.action
                t.means += means.storage[(i * actSize)..<((i + 1) * actSize)]
                t.logp.append(s.action.withUnsafeBufferPointer { a in means.storage.withUnsafeBufferPointer { m in
                    logStd.value.withUnsafeBufferPointer { ls in diagonalGaussianLogProb(a.baseAddress!, mean: m.baseAddress! + i * actSize, logStd: ls.baseAddress!, count: actSize) } } })
                t.values.append(values[i, 0])
                t.rewards.append(Float(s.outcome.reward))
                collected += 1
                let done = s.outcome.terminated || s.outcome.truncated
                if done {
                    episodes.record(return: s.episodeReturn, length: s.episodeLength, failed: s.failed != nil)
                    if s.outcome.terminated { t.ends.append((t.rewards.count - 1, 0)) }
                    else {
                        filterNext(s, filter)
                        bootstrapRequests.append((i, t.ends.count, s.next)); t.ends.append((t.rewards.count - 1, .nan))
                    }
                }
                if complete && done && collected >= target { active[i] = false }
                if done && active[i] { s.reset() }
                filter?.update(s.raw)
            }
            if !complete && collected >= target { for i in active.indices { active[i] = false } }
            filterObservations(slots, filter, into: &stepObservations)
        }
        // Cut segments (batch full mid-episode, or time limits) bootstrap from the value of the next state.
        for (i, s) in slots.enumerated() where trajectories[i].openEnd {
            bootstrapRequests.append((i, trajectories[i].ends.count, s.normalized)); trajectories[i].ends.append((trajectories[i].rewards.count - 1, .nan))
        }
        if !bootstrapRequests.isEmpty {
            var m = Matrix(rows: bootstrapRequests.count, cols: obsSize)
            for (r, req) in bootstrapRequests.enumerated() { for j in 0..<obsSize { m[r, j] = req.obs[j] } }
            let v = value.forward(m)
            for (r, req) in bootstrapRequests.enumerated() { trajectories[req.slot].ends[req.end].1 = v[r, 0] }
        }
        envSteps += collected

        var batch = Batch()
        let gamma = Float(config.gamma), lambda = Float(config.lambda)
        for t in trajectories {
            var adv = [Float](repeating: 0, count: t.rewards.count)
            var start = 0
            for (end, bootstrap) in t.ends {
                var nextValue = bootstrap, running: Float = 0
                for k in stride(from: end, through: start, by: -1) {
                    let delta = t.rewards[k] + gamma * nextValue - t.values[k]
                    running = delta + gamma * lambda * running
                    adv[k] = running
                    nextValue = t.values[k]
                }
                start = end + 1
            }
            batch.obs += t.obs; batch.actions += t.actions; batch.means += t.means; batch.logp += t.logp
            batch.advantages += adv
            batch.returns += zip(adv, t.values).map { $0 + $1 }
        }
        return batch
    }

    // MARK: Learning

    /// One iteration: sample a batch, run the SGD epochs, adapt the KL coefficient. Returns scalars to log.
    @discardableResult
    /// One batch of sampling and its SGD epochs; returns the losses and the wall time of each phase (sampling
    /// includes the environments' own stepping, which dominates on the imitation environments).
    public func trainIteration() -> [(String, Double)] {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let batch = collect()
        let t1 = DispatchTime.now().uptimeNanoseconds
        let stats = update(batch)
        let t2 = DispatchTime.now().uptimeNanoseconds
        iterations += 1
        return stats + [("time/sample_seconds", Double(t1 - t0) * 1e-9), ("time/update_seconds", Double(t2 - t1) * 1e-9)]
    }

    func update(_ batch: Batch) -> [(String, Double)] {
        let n = batch.count
        let mb = min(config.sgdMinibatchSize, n)
        // Standardized advantages (RLlib's default postprocessing).
        let mean = batch.advantages.reduce(0, +) / Float(n)
        let std = (batch.advantages.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(n)).squareRoot()
        let advantages = batch.advantages.map { ($0 - mean) / (std + 1e-8) }
        let oldLogStd = logStd.value

        var obs = Matrix(rows: mb, cols: obsSize)
        var dMean = Matrix(rows: mb, cols: actSize)
        var dValue = Matrix(rows: mb, cols: 1)
        var order = Array(0..<n)
        var sampleDMean = [Float](repeating: 0, count: actSize), sampleDLogStd = sampleDMean
        var sums = (policy: 0.0, vf: 0.0, kl: 0.0, entropy: 0.0, clipFrac: 0.0, gradNorm: 0.0, count: 0)
        var lastEpochKL = 0.0, lastEpochBatches = 0
        let clip = Float(config.clipParam), kl = Float(klCoeff), vfClip = Float(config.vfClipParam)
        let vfCoeff = Float(config.vfLossCoeff), entCoeff = Float(config.entropyCoeff)

        for epoch in 0..<config.numSGDIter {
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            if epoch == config.numSGDIter - 1 { lastEpochKL = 0; lastEpochBatches = 0 }
            for start in stride(from: 0, through: n - mb, by: mb) {
                for r in 0..<mb {
                    let k = order[start + r]
                    for j in 0..<obsSize { obs[r, j] = batch.obs[k * obsSize + j] }
                }
                policy.zeroGradients(); value.zeroGradients(); logStd.zeroGradients()
                let means = policy.forward(obs)
                let values = value.forward(obs)
                var policyLoss: Float = 0, klSum: Float = 0, clipped = 0, vfLoss: Float = 0
                let invB = 1 / Float(mb)
                for r in 0..<mb {
                    let k = order[start + r]
                    let g = batch.actions.withUnsafeBufferPointer { acts in
                        batch.means.withUnsafeBufferPointer { olds in
                            means.storage.withUnsafeBufferPointer { mu in
                                Self.surrogate(action: acts.baseAddress! + k * actSize, oldMean: olds.baseAddress! + k * actSize,
                                               oldLogStd: oldLogStd, oldLogp: batch.logp[k], mean: mu.baseAddress! + r * actSize,
                                               logStd: logStd.value, advantage: advantages[k], clip: clip, klCoeff: kl,
                                               dMean: &sampleDMean, dLogStd: &sampleDLogStd)
                            }
                        }
                    }
                    policyLoss += g.surrogate - kl * g.kl; klSum += g.kl
                    if g.clipped { clipped += 1 }
                    for j in 0..<actSize { dMean[r, j] = invB * sampleDMean[j]; logStd.grad[j] += invB * sampleDLogStd[j] }
                    let err = values[r, 0] - batch.returns[k]
                    let sq = err * err
                    vfLoss += min(sq, vfClip)
                    dValue[r, 0] = sq < vfClip ? vfCoeff * 2 * err * invB : 0
                }
                for j in 0..<actSize { logStd.grad[j] -= entCoeff }
                policy.backward(dMean)
                value.backward(dValue)
                let norm = optimizer.step(maxGradNorm: Float(config.gradClip))
                let entropy = logStd.value.reduce(0) { $0 + Double($1) } + Double(actSize) * 0.5 * Foundation.log(2 * Double.pi * M_E)
                sums.policy += Double(policyLoss * invB); sums.vf += Double(vfLoss * invB)
                sums.kl += Double(klSum * invB); sums.entropy += entropy
                sums.clipFrac += Double(clipped) / Double(mb); sums.gradNorm += Double(norm); sums.count += 1
                if epoch == config.numSGDIter - 1 { lastEpochKL += Double(klSum * invB); lastEpochBatches += 1 }
            }
        }
        // RLlib's adaptive KL rule: ×1.5 above twice the target, ×0.5 below half of it.
        let sampledKL = lastEpochKL / Double(max(lastEpochBatches, 1))
        klCoeff = Self.adaptedKLCoefficient(klCoeff, sampledKL: sampledKL, target: config.klTarget)
        let c = Double(max(sums.count, 1))
        return [("loss/policy", sums.policy / c), ("loss/value", sums.vf / c), ("policy/kl", sums.kl / c),
                ("policy/kl_coeff", klCoeff), ("policy/entropy", sums.entropy / c), ("policy/clip_fraction", sums.clipFrac / c),
                ("loss/grad_norm", sums.gradNorm / c), ("train/learning_rate", config.lr), ("train/batch_size", Double(n))]
    }

    /// One sample's clipped-surrogate loss −min(r·A, clip(r)·A) plus kl_coeff·KL(old ‖ new), and its gradients
    /// with respect to the new mean and log-std (written to dMean, dLogStd).
    /// ∂logp/∂μ = z/σ, ∂logp/∂logσ = z² − 1; ∂KL/∂μ = (μ − μ_old)/σ², ∂KL/∂logσ = 1 − (σ_old² + (μ_old − μ)²)/σ².
    static func surrogate(action: UnsafePointer<Float>, oldMean: UnsafePointer<Float>, oldLogStd: [Float], oldLogp: Float,
                          mean: UnsafePointer<Float>, logStd: [Float], advantage a: Float, clip: Float, klCoeff: Float,
                          dMean: inout [Float], dLogStd: inout [Float]) -> (surrogate: Float, kl: Float, clipped: Bool) {
        let n = logStd.count
        var logp: Float = -0.5 * Float(n) * Float(Foundation.log(2 * Double.pi)), kl: Float = 0
        for j in 0..<n {
            let std = Foundation.exp(logStd[j])
            let z = (action[j] - mean[j]) / std
            logp += -0.5 * z * z - logStd[j]
            let d = oldMean[j] - mean[j]
            kl += logStd[j] - oldLogStd[j] + 0.5 * (Foundation.exp(2 * (oldLogStd[j] - logStd[j])) + d * d / (std * std)) - 0.5
        }
        let ratio = Foundation.exp(logp - oldLogp)
        let surr1 = ratio * a, surr2 = min(max(ratio, 1 - clip), 1 + clip) * a
        let dLogp: Float = surr1 <= surr2 ? -ratio * a : 0
        for j in 0..<n {
            let std = Foundation.exp(logStd[j]), variance = std * std
            let z = (action[j] - mean[j]) / std
            let d = mean[j] - oldMean[j]
            dMean[j] = dLogp * z / std + klCoeff * d / variance
            dLogStd[j] = dLogp * (z * z - 1) + klCoeff * (1 - (Foundation.exp(2 * oldLogStd[j]) + d * d) / variance)
        }
        return (-min(surr1, surr2) + klCoeff * kl, kl, surr1 > surr2)
    }

    public static func adaptedKLCoefficient(_ coeff: Double, sampledKL: Double, target: Double) -> Double {
        if sampledKL > 2 * target { return coeff * 1.5 }
        if sampledKL < 0.5 * target { return coeff * 0.5 }
        return coeff
    }
}

extension PPO: Learner {
    public static let name = "ppo"
    public static let scalarNames = ["loss/policy", "loss/value", "policy/kl", "policy/kl_coeff", "policy/entropy", "policy/clip_fraction",
                                     "loss/grad_norm", "train/learning_rate", "train/batch_size", "time/sample_seconds", "time/update_seconds"]
    /// The Gaussian mean, clipped to the normalized action range.
    public static let policyHead = PolicyHead(prefix: "policy", outputsPerAction: 1, squash: .clip)

    public var checkpointDue: Bool { iterations % config.checkpointEvery == 0 }
    public var networks: [MLP] { [policy, value] }

    public func checkpointState() -> LearnerState {
        LearnerState(tensors: policy.shapedTensors(prefix: "policy")
                        + [("policy.log_std", Safetensors.Tensor(shape: [logStd.value.count], values: logStd.value))]
                        + value.shapedTensors(prefix: "value"),
                     optimizers: [optimizer], envSteps: envSteps, iterations: iterations, episodes: episodes.total,
                     filter: filter, rng: rng, environmentRNG: slots.map(\.rng), scalars: ["kl_coeff": klCoeff])
    }

    public func restore(_ state: LearnerState, source: String) throws {
        try state.load(policy, prefix: "policy", source: source)
        try state.load(value, prefix: "value", source: source)
        logStd.value = try state.tensor("policy.log_std", count: logStd.value.count, source: source)
        envSteps = state.envSteps; iterations = state.iterations; klCoeff = state.scalars["kl_coeff"] ?? config.klCoeff
        episodes.continueCount(from: state.episodes)
        filter = state.filter; rng = state.rng
        restoreEnvironmentRNG(slots, state.environmentRNG)
    }
}

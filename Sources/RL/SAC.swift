import Foundation

/// Soft Actor-Critic (Haarnoja et al. 2018) as in CleanRL's continuous-action version: a tanh-squashed
/// Gaussian actor whose log-std is squashed into [−5, 2], twin Q critics with Polyak-averaged targets, and a
/// learned temperature α aiming at entropy −scale·|A|.
public final class SAC {
    public let config: SACConfig
    public let actor: MLP
    public let q1: MLP, q2: MLP
    let q1Target: MLP, q2Target: MLP
    public let logAlpha: ParameterVector
    public private(set) var filter: RunningMeanStd?
    public private(set) var envSteps = 0
    public private(set) var updates = 0
    public private(set) var episodes = EpisodeStats()
    let actorOptimizer: Adam, criticOptimizer: Adam, alphaOptimizer: Adam
    var rng: Random
    let slots: [EnvSlot]
    let stepper: SlotStepper
    let obsSize: Int, actSize: Int
    /// The filtered observations of all copies, one row each (the actor's input while acting).
    var stepObservations: Matrix
    var buffer: ReplayBuffer
    let targetEntropy: Float
    static let logStdMin: Float = -5, logStdMax: Float = 2

    // Batch workspaces, allocated once.
    private var obsBatch: Matrix, nextObsBatch: Matrix, criticInput: Matrix
    private var noise: Matrix, sampled: Matrix, logp: [Float]
    private var dActor: Matrix, dQ: Matrix, dAction: Matrix, targets: [Float]
    private var indices: [Int], useFirst: [Bool]
    private var lastStats: [(String, Double)] = []
    /// Environment steps at which `trainIteration` next reports and next asks for a checkpoint.
    private var nextReport: (log: Int, checkpoint: Int)?
    public private(set) var checkpointDue = false

    public init(config: SACConfig, environments: [Environment]) {
        precondition(!environments.isEmpty)
        self.config = config
        obsSize = environments[0].observationSize
        actSize = environments[0].actionSize
        rng = Random(seed: UInt64(bitPattern: Int64(config.seed)))
        let act = config.activation
        actor = MLP(sizes: [obsSize] + config.hidden + [2 * actSize], activation: act, outputGain: 0.01, rng: &rng)
        q1 = MLP(sizes: [obsSize + actSize] + config.hidden + [1], activation: act, rng: &rng)
        q2 = MLP(sizes: [obsSize + actSize] + config.hidden + [1], activation: act, rng: &rng)
        q1Target = MLP(sizes: q1.sizes, activation: act, rng: &rng); q1Target.copyParameters(from: q1)
        q2Target = MLP(sizes: q2.sizes, activation: act, rng: &rng); q2Target.copyParameters(from: q2)
        logAlpha = ParameterVector([Float(Foundation.log(config.initialAlpha))])
        actorOptimizer = Adam([actor], learningRate: Float(config.actorLR))
        criticOptimizer = Adam([q1, q2], learningRate: Float(config.criticLR))
        alphaOptimizer = Adam([logAlpha], learningRate: Float(config.alphaLR))
        targetEntropy = -Float(config.targetEntropyScale) * Float(actSize)
        filter = config.observationFilter.make(size: obsSize)
        slots = EnvSlot.copies(environments, seed: config.seed)
        stepper = SlotStepper(slots)
        stepObservations = Matrix(rows: environments.count, cols: obsSize)
        buffer = ReplayBuffer(capacity: max(min(config.bufferSize, config.totalSteps), config.batchSize),
                              observationSize: obsSize, actionSize: actSize)
        let b = config.batchSize
        obsBatch = Matrix(rows: b, cols: obsSize); nextObsBatch = obsBatch
        criticInput = Matrix(rows: b, cols: obsSize + actSize)
        noise = Matrix(rows: b, cols: actSize); sampled = noise; logp = [Float](repeating: 0, count: b)
        dActor = Matrix(rows: b, cols: 2 * actSize); dQ = Matrix(rows: b, cols: 1); targets = logp
        dAction = Matrix(rows: b, cols: actSize); indices = [Int](repeating: 0, count: b); useFirst = [Bool](repeating: true, count: b)
    }

    public var alpha: Float { Foundation.exp(logAlpha.value[0]) }

    /// Squashes the actor's raw log-std output into [logStdMin, logStdMax].
    @inline(__always) static func logStd(_ raw: Float) -> Float {
        logStdMin + 0.5 * (logStdMax - logStdMin) * (Foundation.tanh(raw) + 1)
    }

    /// Samples tanh-squashed actions for each row of `obs` given the actor's output; writes actions and
    /// log-probabilities (with the tanh change-of-variables correction) and keeps the noise for backward.
    private func sampleActions(_ out: Matrix, rows: Int) {
        for r in 0..<rows {
            var lp: Float = -0.5 * Float(actSize) * Float(Foundation.log(2 * Double.pi))
            for j in 0..<actSize {
                let ls = Self.logStd(out[r, actSize + j])
                let e = Float(rng.normal())
                noise[r, j] = e
                let a = Foundation.tanh(out[r, j] + Foundation.exp(ls) * e)
                sampled[r, j] = a
                lp += -0.5 * e * e - ls - Foundation.log(1 - a * a + 1e-6)
            }
            logp[r] = lp
        }
    }

    /// One environment step on every copy, then `gradientSteps` updates per copy once learning has started.
    /// Returns training scalars when updates ran.
    @discardableResult
    public func step() -> [(String, Double)] {
        for s in slots where s.needsReset { s.reset(); filter?.update(s.raw) }
        let learning = envSteps >= config.learningStarts
        filterObservations(slots, filter, into: &stepObservations)
        if learning {
            let out = actor.forward(stepObservations)
            for (i, s) in slots.enumerated() {
                for j in 0..<actSize {
                    let std = Foundation.exp(Self.logStd(out[i, actSize + j]))
                    s.action[j] = Foundation.tanh(out[i, j] + std * Float(s.rng.normal()))
                }
            }
        } else {
            for s in slots { for j in 0..<actSize { s.action[j] = Float(s.rng.uniform(-1, 1)) } }
        }
        stepper.step()
        for s in slots {
            // `normalized` still holds the observation the action was chosen from; stepping only writes `raw`.
            filterNext(s, filter)
            buffer.add(obs: s.normalized, action: s.action, reward: Float(s.outcome.reward), nextObs: s.next, terminal: s.outcome.terminated)
            if s.outcome.terminated || s.outcome.truncated {
                episodes.record(return: s.episodeReturn, length: s.episodeLength, failed: s.failed != nil)
            }
            filter?.update(s.raw)
        }
        envSteps += slots.count
        if learning && buffer.count >= config.batchSize {
            for _ in 0..<(config.gradientSteps * slots.count) { lastStats = update() }
        }
        return lastStats
    }

    func update() -> [(String, Double)] {
        let b = config.batchSize
        for r in 0..<b {
            let k = Int(rng.next() % UInt64(buffer.count))
            indices[r] = k
            for j in 0..<obsSize { obsBatch[r, j] = buffer.obs[k * obsSize + j]; nextObsBatch[r, j] = buffer.nextObs[k * obsSize + j] }
        }
        let gamma = Float(config.gamma), alphaNow = alpha, invB = 1 / Float(b)

        // Critic targets: y = r + γ(1 − done)(min Q'(s', a') − α log π(a'|s')).
        let nextOut = actor.forward(nextObsBatch)
        sampleActions(nextOut, rows: b)
        fillCriticInput(nextObsBatch, actions: sampled)
        let t1 = q1Target.forward(criticInput), t2 = q2Target.forward(criticInput)
        for r in 0..<b {
            let k = indices[r]
            targets[r] = buffer.rewards[k] + gamma * (1 - buffer.terminals[k]) * (min(t1[r, 0], t2[r, 0]) - alphaNow * logp[r])
        }
        // Critic step on the mean squared errors of both critics.
        for r in 0..<b { for j in 0..<actSize { sampled[r, j] = buffer.actions[indices[r] * actSize + j] } }
        fillCriticInput(obsBatch, actions: sampled)
        q1.zeroGradients(); q2.zeroGradients()
        var qLoss: Float = 0
        for q in [q1, q2] {
            let v = q.forward(criticInput)
            for r in 0..<b { let e = v[r, 0] - targets[r]; qLoss += e * e * invB; dQ[r, 0] = 2 * e * invB }
            q.backward(dQ)
        }
        criticOptimizer.step(maxGradNorm: Float(config.gradClip))

        // Actor step: minimize E[α log π(a|s) − min Q(s, a)] through the reparameterized sample.
        let out = actor.forward(obsBatch)
        sampleActions(out, rows: b)
        fillCriticInput(obsBatch, actions: sampled)
        let v1 = q1.forward(criticInput)
        let v2 = q2.forward(criticInput)
        var actorLoss: Float = 0
        for r in 0..<b { useFirst[r] = v1[r, 0] <= v2[r, 0]; actorLoss += (alphaNow * logp[r] - min(v1[r, 0], v2[r, 0])) * invB }
        // ∂(−min Q)/∂a through whichever critic is the minimum for each sample.
        for r in 0..<b { dQ[r, 0] = useFirst[r] ? -1 : 0 }
        let g1 = q1.backward(dQ)
        for r in 0..<b { for j in 0..<actSize { dAction[r, j] = g1[r, obsSize + j] } }
        for r in 0..<b { dQ[r, 0] = useFirst[r] ? 0 : -1 }
        let g2 = q2.backward(dQ)
        for r in 0..<b { for j in 0..<actSize { dAction[r, j] += g2[r, obsSize + j] } }
        var entropySum: Float = 0
        for r in 0..<b {
            entropySum -= logp[r]
            for j in 0..<actSize {
                let g = Self.actorGradient(mean: out[r, j], rawLogStd: out[r, actSize + j], noise: noise[r, j],
                                           alpha: alphaNow, dLossdAction: dAction[r, j])
                dActor[r, j] = g.dMean * invB
                dActor[r, actSize + j] = g.dRaw * invB
            }
        }
        actor.zeroGradients()
        actor.backward(dActor)
        actorOptimizer.step(maxGradNorm: Float(config.gradClip))

        // Temperature: ∂/∂log α of −α·E[log π + target] .
        let meanLogp = -entropySum * invB
        logAlpha.grad[0] = -alphaNow * (meanLogp + targetEntropy)
        alphaOptimizer.step()

        q1Target.blend(toward: q1, tau: Float(config.tau))
        q2Target.blend(toward: q2, tau: Float(config.tau))
        updates += 1
        return [("loss/critic", Double(qLoss / 2)), ("loss/actor", Double(actorLoss)), ("policy/alpha", Double(alphaNow)),
                ("policy/entropy", Double(entropySum * invB)), ("train/learning_rate", config.actorLR)]
    }

    /// One action dimension of the actor loss α·log π(a|s) + ℓ(a), with a = tanh(μ + σ·ε) reparameterized,
    /// log σ squashed from the raw output, and ∂ℓ/∂a given (−∂Q/∂a). Returns the term's value and its gradients with
    /// respect to μ and the raw log-std output. With ε fixed, ∂log π/∂u = 2a(1 − a²)/(1 − a² + 1e-6) from the tanh
    /// correction, and ∂log π/∂log σ = −1 + ∂log π/∂u · σε.
    static func actorGradient(mean: Float, rawLogStd: Float, noise e: Float, alpha: Float, dLossdAction: Float)
        -> (logp: Float, dMean: Float, dRaw: Float) {
        let ls = logStd(rawLogStd), std = Foundation.exp(ls)
        let a = Foundation.tanh(mean + std * e)
        let oneMinus = 1 - a * a
        let logp = -0.5 * e * e - ls - 0.5 * Float(Foundation.log(2 * Double.pi)) - Foundation.log(oneMinus + 1e-6)
        let dU = alpha * 2 * a * oneMinus / (oneMinus + 1e-6) + dLossdAction * oneMinus
        let dLogStd = -alpha + dU * std * e
        let th = Foundation.tanh(rawLogStd)
        return (logp, dU, dLogStd * 0.5 * (logStdMax - logStdMin) * (1 - th * th))
    }

    private func fillCriticInput(_ obs: Matrix, actions: Matrix) {
        let width = obsSize + actSize
        for r in 0..<obs.rows {
            for j in 0..<obsSize { criticInput.storage[r * width + j] = obs.storage[r * obsSize + j] }
            for j in 0..<actSize { criticInput.storage[r * width + obsSize + j] = actions.storage[r * actSize + j] }
        }
    }

    public var optimizers: [Adam] { [actorOptimizer, criticOptimizer, alphaOptimizer] }
}

extension SAC: Learner {
    public static let name = "sac"
    public static let scalarNames = ["loss/critic", "loss/actor", "policy/alpha", "policy/entropy", "train/learning_rate"]
    /// tanh of the Gaussian mean; the actor's second half of outputs are log-stds.
    public static let policyHead = PolicyHead(prefix: "actor", outputsPerAction: 2, squash: .tanh)

    public var iterations: Int { updates }
    public var networks: [MLP] { [actor] }

    /// Steps every copy until the next report (every max(1000, copies) steps), checkpoint or the end of training.
    public func trainIteration() -> [(String, Double)] {
        let logEvery = max(1000, config.numEnvs)
        var (log, checkpoint) = nextReport ?? (envSteps + logEvery, envSteps + config.checkpointEvery)
        var scalars: [(String, Double)] = []
        repeat { scalars = step() } while envSteps < log && envSteps < checkpoint && envSteps < config.totalSteps
        while envSteps >= log { log += logEvery }
        checkpointDue = envSteps >= checkpoint
        while envSteps >= checkpoint { checkpoint += config.checkpointEvery }
        nextReport = (log, checkpoint)
        return scalars
    }

    public func checkpointState() -> LearnerState {
        LearnerState(tensors: actor.shapedTensors(prefix: "actor") + q1.shapedTensors(prefix: "q1") + q2.shapedTensors(prefix: "q2")
                        + [("log_alpha", Safetensors.Tensor(shape: [1], values: logAlpha.value))],
                     optimizers: optimizers, envSteps: envSteps, iterations: updates, episodes: episodes.total,
                     filter: filter, rng: rng, environmentRNG: slots.map(\.rng))
    }

    public func restore(_ state: LearnerState, source: String) throws {
        try state.load(actor, prefix: "actor", source: source)
        try state.load(q1, prefix: "q1", source: source)
        try state.load(q2, prefix: "q2", source: source)
        logAlpha.value = try state.tensor("log_alpha", count: 1, source: source)
        envSteps = state.envSteps; updates = state.iterations; filter = state.filter; rng = state.rng
        episodes.continueCount(from: state.episodes)
        q1Target.copyParameters(from: q1); q2Target.copyParameters(from: q2)
        restoreEnvironmentRNG(slots, state.environmentRNG)
        nextReport = nil
    }
}

import Foundation

/// The deterministic policy of a checkpoint, for evaluation: the policy network's mean squashed as its algorithm's
/// `PolicyHead` says (PPO clips to [−1, 1], SAC takes tanh), after the saved observation filter, rescaled to the
/// action bounds.
public final class DeterministicPolicy {
    public let meta: CheckpointMeta
    let network: MLP
    let squash: PolicyHead.Squash
    var input: Matrix

    public init(checkpoint: URL) throws {
        meta = try Checkpoint.readMeta(checkpoint)
        guard let learner = Learners.named(meta.algo) else {
            throw RLError("\(checkpoint.path): unknown algorithm \"\(meta.algo)\" (known: \(Learners.names.joined(separator: ", ")))")
        }
        guard let activation = Activation(rawValue: meta.activation) else { throw RLError("\(checkpoint.path): unknown activation \(meta.activation)") }
        let head = learner.policyHead
        var rng = Random(seed: 0)
        network = MLP(sizes: [meta.observationSize] + meta.hidden + [head.outputsPerAction * meta.actionSize], activation: activation, rng: &rng)
        try network.load(try Checkpoint.tensors(checkpoint, Checkpoint.modelFile), prefix: head.prefix, source: checkpoint.path)
        squash = head.squash
        input = Matrix(rows: 1, cols: meta.observationSize)
    }

    /// Writes the action (in the environment's bounds) for one raw observation.
    public func act(_ observation: [Float], into action: inout [Float]) {
        var obs = observation
        meta.filter?.normalize(&obs)
        input.storage = obs
        let out = network.forward(input)
        for j in 0..<meta.actionSize {
            let a = squash == .tanh ? Foundation.tanh(out[0, j]) : min(max(out[0, j], -1), 1)
            action[j] = meta.actionLow[j] + (a + 1) * 0.5 * (meta.actionHigh[j] - meta.actionLow[j])
        }
    }
}

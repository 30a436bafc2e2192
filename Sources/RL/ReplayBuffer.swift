/// A ring buffer of transitions in flat Float arrays, allocated once at its capacity.
public struct ReplayBuffer {
    public let capacity: Int
    let obsSize: Int, actSize: Int
    var obs: [Float], nextObs: [Float], actions: [Float], rewards: [Float], terminals: [Float]
    public private(set) var count = 0
    private var head = 0

    public init(capacity: Int, observationSize: Int, actionSize: Int) {
        self.capacity = capacity; obsSize = observationSize; actSize = actionSize
        obs = [Float](repeating: 0, count: capacity * observationSize)
        nextObs = obs
        actions = [Float](repeating: 0, count: capacity * actionSize)
        rewards = [Float](repeating: 0, count: capacity)
        terminals = rewards
    }

    public mutating func add(obs o: [Float], action a: [Float], reward r: Float, nextObs n: [Float], terminal: Bool) {
        for j in 0..<obsSize { obs[head * obsSize + j] = o[j]; nextObs[head * obsSize + j] = n[j] }
        for j in 0..<actSize { actions[head * actSize + j] = a[j] }
        rewards[head] = r
        terminals[head] = terminal ? 1 : 0
        head = (head + 1) % capacity
        count = min(count + 1, capacity)
    }
}

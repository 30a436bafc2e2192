/// Actions as the body receives them (docs/environments.md#actions): a NaN becomes the lower bound, each number is
/// clipped to its bounds, and the applied action is the mean of the last `horizon` clipped actions (the original
/// environments' smoothing). Allocates nothing per step.
struct ActionFilter {
    let low: [Float], high: [Float]
    private var history: [[Double]]            // the last `horizon` clipped actions, a ring
    private var count = 0, next = 0
    private var previous: [Double]
    private var hasPrevious = false
    /// The action applied over the current step.
    private(set) var applied: [Double]

    init(low: [Float], high: [Float], horizon: Int) {
        self.low = low; self.high = high
        history = [[Double]](repeating: [Double](repeating: 0, count: low.count), count: horizon)
        previous = [Double](repeating: 0, count: low.count)
        applied = previous
    }

    mutating func reset() {
        count = 0; next = 0; hasPrevious = false
        for i in applied.indices { applied[i] = 0 }
    }

    /// Takes the policy's action and updates `applied`; returns the squared change from the previous clipped action
    /// (0 on the first step after a reset), which the smoothness term scores.
    mutating func take(_ action: [Float]) -> Double {
        var deltaSquared = 0.0
        for i in 0..<low.count {
            let a = Double(min(max(action[i].isNaN ? low[i] : action[i], low[i]), high[i]))
            history[next][i] = a
            if hasPrevious { deltaSquared += (a - previous[i]) * (a - previous[i]) }
            previous[i] = a
        }
        hasPrevious = true
        next = (next + 1) % history.count
        count = min(count + 1, history.count)
        for i in 0..<low.count {
            var sum = 0.0
            for k in 0..<count { sum += history[k][i] }
            applied[i] = sum / Double(count)
        }
        return deltaSquared
    }
}

/// The built-in torque environments' PD control: the torque kp·(target − q) − kd·u from the state at the start of the
/// control step, held over it and clipped to ±`limit` (custom models use `PDServo`, which acts at every stage).
enum HeldPD {
    @inline(__always) static func torque(target: Double, q: Double, u: Double, gains g: (kp: Double, kd: Double), limit: Double) -> Double {
        min(max(g.kp * (target - q) - g.kd * u, -limit), limit)
    }
}

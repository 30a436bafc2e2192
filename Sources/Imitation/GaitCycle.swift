import Sim

/// Gait-cycle length detected from the joint angles themselves rather than hard-coded.
///
/// Walking and running are close to left-right symmetric: the right leg does at t + T/2 what the left leg did at t.
/// Matching right-side angles against left-side angles gives the half cycle with a long overlap even in a recording
/// barely longer than one stride. Motions without `_r`/`_l` pairs fall back to self-similarity x(t + T) ≈ x(t).
public enum GaitCycle {
    /// The cycle duration (s) of `samples` (frames × columns at spacing `step`, angles in rad) whose column names are
    /// `names`; nil when the motion is too short or nothing periodic is found within `range` (s).
    public static func detect(names: [String], samples: [[Double]], step: Double,
                              range: ClosedRange<Double> = 0.4...2.2) -> Double? {
        var pairs: [(Int, Int)] = []
        for (i, name) in names.enumerated() where name.hasSuffix("_r") {
            if let j = names.firstIndex(of: String(name.dropLast(2)) + "_l") { pairs.append((i, j)) }
        }
        let frames = samples.count
        let minOverlap = max(Int((0.25 / step).rounded()), 4)
        if !pairs.isEmpty {
            // cost(L) = mean over t and pairs of (r(t+L) − l(t))² + (l(t+L) − r(t))², at L = T/2.
            let half = best(lags: lag(range.lowerBound / 2, step)...lag(range.upperBound / 2, step), frames: frames, minOverlap: minOverlap) { t, l in
                var s = 0.0
                for (r, lft) in pairs {
                    let a = samples[t + l][r] - samples[t][lft], b = samples[t + l][lft] - samples[t][r]
                    s += a * a + b * b
                }
                return s
            }
            return half.map { 2 * $0 * step }
        }
        let columns = Array(names.indices)
        return best(lags: lag(range.lowerBound, step)...lag(range.upperBound, step), frames: frames, minOverlap: minOverlap) { t, l in
            var s = 0.0
            for c in columns { let a = samples[t + l][c] - samples[t][c]; s += a * a }
            return s
        }.map { $0 * step }
    }

    /// The cycle duration (s) of a motion mapped on `model`, from its unlocked rotational coordinates other than the
    /// pelvis's (the pelvis follows the legs, and its rotations are small).
    static func detect(_ mapped: MappedMotion, model: Model) -> Double? {
        let angles = model.coordinates.indices.filter {
            model.coordinates[$0].motion == .rotational && !model.coordinates[$0].locked && !model.coordinates[$0].name.hasPrefix("pelvis")
        }
        return detect(names: angles.map { model.coordinates[$0].name }, samples: mapped.samples.map { row in angles.map { row[$0] } }, step: mapped.step)
    }

    private static func lag(_ seconds: Double, _ step: Double) -> Int { max(1, Int((seconds / step).rounded())) }

    /// The lag (in frames, refined to a fraction by a parabola through the minimum) with the least mean cost.
    private static func best(lags: ClosedRange<Int>, frames: Int, minOverlap: Int, cost: (Int, Int) -> Double) -> Double? {
        let upper = min(lags.upperBound, frames - minOverlap)
        guard upper > lags.lowerBound + 1 else { return nil }
        var costs: [Double] = []
        for l in lags.lowerBound...upper {
            var s = 0.0
            for t in 0..<(frames - l) { s += cost(t, l) }
            costs.append(s / Double(frames - l))
        }
        // The first clear minimum: a lag that is a local minimum and the best so far; later multiples of the cycle
        // match too, but with less overlap.
        guard let k = costs.indices.min(by: { costs[$0] < costs[$1] }), k > 0, k < costs.count - 1 else { return nil }
        let (a, b, c) = (costs[k - 1], costs[k], costs[k + 1])
        let denominator = a - 2 * b + c
        let shift = denominator > 0 ? 0.5 * (a - c) / denominator : 0
        return Double(lags.lowerBound + k) + shift
    }
}

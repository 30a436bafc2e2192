import Foundation
import Sim

/// The reward of docs/environments.md#reward, its constants named (values from the product specification,
/// ../shared/DESIGN.md, which follows the original environments):
/// reward = (base + w_imitate)·I + w_effort·exp(−E) + w_action·exp(−‖Δa‖).
enum ImitationReward {
    /// exp(−jointScale·MSE_q), MSE_q in rad²: an RMS error of 10° scores exp(−0.91) ≈ 0.40.
    static let jointScale = 30.0
    /// exp(−comScale·MSE_com), MSE_com in m² per axis: 10 cm off scores exp(−0.2) ≈ 0.82.
    static let comScale = 20.0
    /// 3D: each leg's ½·exp(−footScale·S), S the summed squared position errors (m²) of its femur, tibia, talus, calcaneus.
    static let footScale = 20.0
    /// Added to w_imitate so imitation dominates the reward whatever the weights (1.3 of a step's 1.6 at the defaults).
    static let imitationBase = 0.5
    /// The effort term's distance floor (m/s): standing still costs energy per 0.1 m/s, not infinitely.
    static let speedFloor = 0.1

    /// Fills `info`'s terms from the step's errors and returns the reward: `jointMSE` (rad²), `comSquared` (m², summed
    /// over `dims` axes), `feet` (3D: Σ ½·exp(−footScale·S) over the legs, else nil), `power` (W) over a step of
    /// `step` s that moved the centre of mass by `distance` (m) for a body of weight `bodyWeight` (N), and the
    /// squared action change `deltaSquared`.
    static func score(jointMSE: Double, comSquared: Double, dims: Int, feet: Double?, power: Double, distance: Double,
                      step: Double, bodyWeight: Double, deltaSquared: Double, weights w: [Double], into info: inout StepInfo) -> Double {
        var imitation = Foundation.exp(-jointScale * jointMSE) * Foundation.exp(-comScale * comSquared / Double(dims))
        if let feet { imitation *= feet }
        let effort = power * step / (bodyWeight * max(abs(distance), speedFloor * step))
        info.imitation = imitation; info.effort = Foundation.exp(-effort); info.smoothness = Foundation.exp(-deltaSquared.squareRoot())
        info.weightedImitation = (imitationBase + w[0]) * info.imitation
        info.weightedEffort = w[1] * info.effort
        info.weightedSmoothness = w[2] * info.smoothness
        info.jointRMSE = jointMSE.squareRoot(); info.comError = comSquared.squareRoot(); info.power = power
        return info.weightedImitation + info.weightedEffort + info.weightedSmoothness
    }
}

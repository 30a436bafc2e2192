import Foundation

/// First-order activation dynamics in the form each OpenSim muscle class uses.
public enum ActivationDynamics: Sendable, Equatable {
    /// MuscleFirstOrderActivationDynamicModel::calcDerivative (Thelen2003Muscle, Millard2012EquilibriumMuscle):
    /// activation clamped to [aMin, 1]; tau = ta(0.5+1.5a) when rising, td/(0.5+1.5a) when falling.
    case firstOrder(activationTime: Double, deactivationTime: Double, minimumActivation: Double)
    /// DeGrooteFregly2016Muscle::computeStateVariableDerivatives: tanh blend of the two rates.
    case tanhSmoothed(activationTime: Double, deactivationTime: Double, smoothing: Double)

    @inline(__always)
    public func derivative(activation a0: Double, excitation u: Double) -> Double {
        switch self {
        case let .firstOrder(ta, td, aMin):
            let a = min(max(a0, aMin), 1)
            let tau = u > a ? ta * (0.5 + 1.5 * a) : td / (0.5 + 1.5 * a)
            return (u - a) / tau
        case let .tanhSmoothed(ta, td, b):
            let z = 0.5 + 1.5 * a0
            let f = 0.5 * tanh(b * (u - a0))
            return ((f + 0.5) / (ta * z) + (0.5 - f) * z / td) * (u - a0)
        }
    }

    /// The activation the force computation sees (the clamp of MuscleFirstOrderActivationDynamicModel).
    @inline(__always)
    public func clamp(_ a: Double) -> Double {
        switch self {
        case let .firstOrder(_, _, aMin): return min(max(a, aMin), 1)
        case .tanhSmoothed: return a
        }
    }
}

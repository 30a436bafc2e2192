import Foundation

/// OpenSim's DeGrooteFregly2016Muscle (De Groote et al. 2016, Ann Biomed Eng 44:2922–2936): smooth closed-form curves
/// made for direct collocation, tanh-smoothed activation dynamics. Its own properties, with the defaults of
/// DeGrooteFregly2016Muscle::constructProperties.
public struct DeGrooteFregly2016Muscle: MuscleLaw, Equatable, Codable, Sendable {
    public var fiberDamping = 0.0
    public var activeForceWidthScale = 1.0
    public var passiveFiberStrainAtOneNormForce = 0.6
    public var tendonStrainAtOneNormForce = 0.049
    public var ignorePassiveFiberForce = false
    public var activationDynamicsSmoothing = 0.1
    public var defaultNormalizedTendonForce = 0.5
    public init() {}

    static let openSimName = "DeGrooteFregly2016Muscle"
    static let activationDefaults = ActivationDefaults(activationTime: 0.015, deactivationTime: 0.06, minimumActivation: 0.0,
                                                       defaultActivation: 0.5)

    mutating func read(_ e: OsimMuscleElement) throws {
        try e.read(["fiber_damping": \.fiberDamping, "active_force_width_scale": \.activeForceWidthScale,
                    "passive_fiber_strain_at_one_norm_force": \.passiveFiberStrainAtOneNormForce,
                    "tendon_strain_at_one_norm_force": \.tendonStrainAtOneNormForce,
                    "activation_dynamics_smoothing": \.activationDynamicsSmoothing,
                    "default_normalized_tendon_force": \.defaultNormalizedTendonForce], into: &self)
        e.read("ignore_passive_fiber_force", into: &ignorePassiveFiberForce)
    }

    /// DeGrooteFregly2016Muscle::computeStateVariableDerivatives.
    func activationDynamics(_ p: MuscleParameters) -> ActivationDynamics {
        .tanhSmoothed(activationTime: p.activationTimeConstant, deactivationTime: p.deactivationTimeConstant,
                      smoothing: activationDynamicsSmoothing)
    }

    /// m_minNormFiberLength = 0.2, or the pennation model's minimum where that is longer.
    func minimumFiberLength(_ p: MuscleParameters, pennationMinimum: Double, parallelogramHeight h: Double) -> Double {
        max(pennationMinimum, 0.2 * p.optimalFiberLength)
    }

    func mechanics(_ p: MuscleParameters, rigidTendon: Bool) -> any MuscleMechanics { Mechanics(law: self) }
}

extension DeGrooteFregly2016Muscle {
    /// The closed-form curves over the properties.
    final class Mechanics: MuscleMechanics {
        let law: DeGrooteFregly2016Muscle
        /// Damping below Millard's minimum counts as none here too.
        let damping: Double
        /// Per-muscle constants of the passive and tendon curves, computed once (kPE = 4, c1 = c3 = 0.2).
        let passiveOffset: Double, passiveScale: Double, kT: Double
        init(law: DeGrooteFregly2016Muscle) {
            self.law = law
            damping = effectiveFiberDamping(law.fiberDamping)
            passiveOffset = exp(4.0 * (0.2 - 1) / law.passiveFiberStrainAtOneNormForce)
            passiveScale = exp(4.0) - passiveOffset
            kT = log((1.0 + 0.2) / 0.2) / law.tendonStrainAtOneNormForce
        }

        // MARK: curves (DeGrooteFregly2016Muscle.h)

        @inline(__always)
        func activeForceLength(_ lN: Double) -> Double {  // calcActiveForceLengthMultiplier
            let x = (lN - 1) / law.activeForceWidthScale + 1
            return Self.gauss(x, 0.8150671134243542, 1.055033428970575, 0.162384573599574, 0.063303448465465)
                + Self.gauss(x, 0.433004984392647, 0.716775413397760, -0.029947116970696, 0.200356847296188)
                + Self.gauss(x, 0.1, 1.0, 0.353553390593274, 0.0)
        }

        /// Gaussian-like term of the active force-length curve (calcGaussianLikeCurve).
        @inline(__always)
        static func gauss(_ x: Double, _ b1: Double, _ b2: Double, _ b3: Double, _ b4: Double) -> Double {
            let d = b3 + b4 * x
            return b1 * exp(-0.5 * (x - b2) * (x - b2) / (d * d))
        }

        @inline(__always)
        func passiveForceLength(_ lN: Double) -> Double {  // calcPassiveForceMultiplier, kPE = 4, min norm fiber length 0.2
            if law.ignorePassiveFiberForce { return 0 }
            return (exp(4.0 * (lN - 1) / law.passiveFiberStrainAtOneNormForce) - passiveOffset) / passiveScale
        }

        @inline(__always)
        func tendonForceLength(_ tN: Double) -> Double {  // calcTendonForceMultiplier, c1 = 0.2, c2 = 1, c3 = 0.2
            return 0.2 * exp(kT * (tN - 1)) - 0.2
        }

        @inline(__always)
        func forceVelocity(_ vN: Double, activation a: Double) -> (value: Double, slope: Double) {  // calcForceVelocityMultiplier
            let t = -8.149 * vN - 0.374
            let s = sqrt(t * t + 1)  // `sqrt`: see MuscleModel.pennation
            return (-0.3211346127989808 * log(t + s) + 0.8825327733249912, -0.3211346127989808 * -8.149 / s)
        }

        @inline(__always)
        func inverseForceVelocity(_ fv: Double) -> Double {  // calcForceVelocityInverseCurve
            (sinh((fv - 0.8825327733249912) / -0.3211346127989808) + 0.374) / -8.149
        }

        static var initialFiberVelocity: InitialFiberVelocity { .zero }
    }
}

extension MuscleClass {
    public static let deGrooteFregly2016 = MuscleClass(DeGrooteFregly2016Muscle.self)
}

extension MuscleParameters {
    /// The DeGrooteFregly2016Muscle properties; nil for a muscle of another class.
    public var deGroote: DeGrooteFregly2016Muscle? { get { law(DeGrooteFregly2016Muscle.self) } set { setLaw(newValue) } }
}

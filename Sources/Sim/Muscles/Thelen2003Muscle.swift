import Foundation

/// OpenSim's Thelen2003Muscle (Thelen 2003, J Biomech Eng 125:70–77): exponential force-length curves, a tendon with
/// an exponential toe and a linear part, and Thelen's force-velocity relation solved for the fiber velocity.
/// Its own properties, with the defaults of Thelen2003Muscle::constructProperties (OpenSim 4.x).
public struct Thelen2003Muscle: MuscleLaw, Equatable, Codable, Sendable {
    public var fmaxTendonStrain = 0.04
    public var fmaxMuscleStrain = 0.6
    public var kShapeActive = 0.45
    public var kShapePassive = 5.0
    public var af = 0.25
    public var flen = 1.4
    public var fvLinearExtrapThreshold = 0.95
    public init() {}

    static let openSimName = "Thelen2003Muscle"
    static let activationDefaults = ActivationDefaults(activationTime: 0.015, deactivationTime: 0.05, minimumActivation: 0.01,
                                                       defaultActivation: 0.05)
    /// Thelen2003Muscle.cpp never reads ignore_tendon_compliance and ignore_activation_dynamics.
    static var followsIgnoreFlags: Bool { false }

    mutating func read(_ e: OsimMuscleElement) throws {
        try e.read(["FmaxTendonStrain": \.fmaxTendonStrain, "FmaxMuscleStrain": \.fmaxMuscleStrain, "KshapeActive": \.kShapeActive,
                    "KshapePassive": \.kShapePassive, "Af": \.af, "Flen": \.flen,
                    "fv_linear_extrap_threshold": \.fvLinearExtrapThreshold], into: &self)
    }

    /// Its pennation model's minimum, zero for an unpennated muscle (OpenSim 4.6's getMinimumFiberLength); the fiber
    /// may then shorten to nothing while the tendon takes the whole path.
    func minimumFiberLength(_ p: MuscleParameters, pennationMinimum: Double, parallelogramHeight h: Double) -> Double {
        h > Double.ulpOfOne ? pennationMinimum : 0
    }

    func mechanics(_ p: MuscleParameters, rigidTendon: Bool) -> any MuscleMechanics { Mechanics(law: self) }
}

extension Thelen2003Muscle {
    /// Thelen's curves and rules over the properties.
    final class Mechanics: MuscleMechanics {
        let law: Thelen2003Muscle
        /// Per-muscle constants of the curves, computed once: exp(kP) − 1, the toe's end strain and the linear
        /// region's slope (calcfse's exact toe constants, from the source comment), and the toe's slope factor.
        let passiveScale: Double, eToe: Double, kLin: Double, toeSlopeFactor: Double
        init(law: Thelen2003Muscle) {
            self.law = law
            passiveScale = exp(law.kShapePassive) - 1
            let e3 = exp(3.0)
            eToe = 99 * law.fmaxTendonStrain * e3 / (166 * e3 - 67)
            kLin = 0.67 / (law.fmaxTendonStrain - eToe)
            toeSlopeFactor = 0.33 / (exp(3.0) - 1) * (3 / eToe)
        }

        // MARK: curves

        @inline(__always)
        func activeForceLength(_ lN: Double) -> Double {  // Thelen2003Muscle::calcfal
            exp(-(lN - 1) * (lN - 1) / law.kShapeActive)
        }

        @inline(__always)
        func passiveForceLength(_ lN: Double) -> Double {  // Thelen2003Muscle::calcfpe
            guard lN > 1 else { return 0 }
            return (exp(law.kShapePassive * (lN - 1) / law.fmaxMuscleStrain) - 1) / passiveScale
        }

        @inline(__always)
        func tendonForceLength(_ tN: Double) -> Double {  // Thelen2003Muscle::calcfse
            let x = tN - 1, kToe = 3.0, fToe = 0.33
            if x > eToe { return kLin * (x - eToe) + fToe }
            if x > 0 { return fToe / (exp(kToe) - 1) * (exp(kToe * x / eToe) - 1) }
            return 0
        }

        /// Inverse of Thelen2003Muscle::calcdlceN without its linear extrapolation (rigid-tendon use only).
        @inline(__always)
        func forceVelocity(_ vN: Double, activation a: Double) -> (value: Double, slope: Double) {
            let k = 0.25 + 0.75 * a, af = law.af, flen = law.flen
            if vN <= 0 {
                let d = k - vN / af
                return ((k + vN) / d, (d + (k + vN) / af) / (d * d))
            }
            let c = (2 + 2 / af) / (flen - 1)
            let d = k + vN * c
            return ((k + vN * c * flen) / d, (c * flen * d - (k + vN * c * flen) * c) / (d * d))
        }

        /// Thelen's velocity at full activation on the optimal length (the compliant tendon solves with `fiberVelocity`).
        func inverseForceVelocity(_ fv: Double) -> Double { normFiberVelocity(activation: 1, fal: 1, afalfv: fv) }

        /// Thelen2003Muscle::calcDfalDlceN, calcDfpeDlceN, calcDfseDtlN.
        func curveSlopes(normFiberLength lN: Double, normTendonLength tN: Double) -> (fal: Double, fpe: Double, fse: Double) {
            let kA = law.kShapeActive, kP = law.kShapePassive, eM = law.fmaxMuscleStrain
            let dfal = -2 * (lN - 1) / kA * exp(-(lN - 1) * (lN - 1) / kA)
            let dfpe = lN > 1 ? kP / eM * exp(kP * (lN - 1) / eM) / passiveScale : 0
            let x = tN - 1
            let dfse = x > eToe ? kLin : (x > 0 ? toeSlopeFactor * exp(3 * x / eToe) : 0)
            return (dfal, dfpe, dfse)
        }

        // MARK: evaluation

        /// The fiber velocity from the force the tendon leaves for the active fiber (Thelen has no fiber damping).
        @inline(__always)
        func fiberVelocity(activation a: Double, fal: Double, fpe: Double, fse: Double, cosPennation: Double,
                           hint: UnsafeMutablePointer<Int>?) -> (vN: Double, fv: Double) {
            let afalfv = fse / cosPennation - fpe
            return (normFiberVelocity(activation: a, fal: fal, afalfv: afalfv), afalfv / (a * fal))
        }

        /// Thelen2003Muscle::calcdlceN: Thelen's inverse force-velocity with linear extrapolation
        /// beyond the concentric asymptote and above `fv_linear_extrap_threshold` of the eccentric one.
        @inline(__always)
        func normFiberVelocity(activation a: Double, fal: Double, afalfv fm: Double) -> Double {
            let af = law.af, flen = law.flen, afl = a * fal
            let k = 0.25 + 0.75 * a
            let asyE = afl * flen, thresh = law.fvLinearExtrapThreshold
            func b(_ f: Double) -> (Double, Double) {
                if f <= afl { return (afl + f / af, 1 / af) }
                return ((2 + 2 / af) * (afl * flen - f) / (flen - 1), -(2 + 2 / af) / (flen - 1))
            }
            if fm > 0 && fm < asyE * thresh {
                return k * (fm - afl) / b(fm).0
            }
            let f0 = fm <= 0 ? 0 : thresh * asyE
            let (b0, db) = b(f0)
            let v0 = k * (f0 - afl) / b0
            let dv = k / b0 - k * (f0 - afl) / (b0 * b0) * db
            return v0 + dv * (fm - f0)
        }

        // MARK: equilibrium (Thelen2003Muscle::initMuscleState)

        static var initialFiberVelocity: InitialFiberVelocity { .sharedUnlessAsked }

        func fiberStiffnessAlongTendon(_ dFmAT: Double, fiberLength lce: Double, sinPennation: Double, cosPennation: Double,
                                       dPennation: Double) -> Double {
            dFmAT * cosPennation
        }

        /// Thelen2003Muscle::calcfvInv: the force-velocity multiplier whose Thelen velocity is vN.
        func initialForceVelocity(activation a: Double, fal: Double, normFiberVelocity vN: Double) -> Double {
            var lo = -1.0, hi = 2.0 * a * fal * law.flen + 1
            var n = 0
            while normFiberVelocity(activation: a, fal: fal, afalfv: lo) > vN && n < 80 { lo = 2 * lo - 1; n += 1 }
            n = 0
            while normFiberVelocity(activation: a, fal: fal, afalfv: hi) < vN && n < 80 { hi *= 2; n += 1 }
            for _ in 0..<200 {
                let mid = 0.5 * (lo + hi)
                if normFiberVelocity(activation: a, fal: fal, afalfv: mid) < vN { lo = mid } else { hi = mid }
                if hi - lo < 1e-15 * max(1, abs(hi)) { break }
            }
            return max(0, 0.5 * (lo + hi) / (a * fal))
        }
    }
}

extension MuscleClass {
    public static let thelen2003 = MuscleClass(Thelen2003Muscle.self)
}

extension MuscleParameters {
    /// The Thelen2003Muscle properties; nil for a muscle of another class.
    public var thelen: Thelen2003Muscle? { get { law(Thelen2003Muscle.self) } set { setLaw(newValue) } }
}

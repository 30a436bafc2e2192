import Foundation

/// Everything derived from one muscle state and one path state.
public struct MuscleEvaluation: Sendable, Equatable {
    public var activation = 0.0            // clamped activation used for force
    public var fiberLength = 0.0           // clamped fiber length (m)
    public var normFiberLength = 0.0
    public var sinPennation = 0.0
    /// rad; computed on demand (the simulation needs only its sine and cosine).
    public var pennationAngle: Double { asin(min(sinPennation, 1)) }
    public var tendonLength = 0.0          // m
    public var tendonStrain = 0.0
    public var fiberVelocity = 0.0         // m/s, + lengthening
    public var normFiberVelocity = 0.0     // in units of vmax * lopt
    public var activeForceLengthMultiplier = 0.0
    public var passiveForceLengthMultiplier = 0.0
    public var forceVelocityMultiplier = 1.0
    public var activeFiberForce = 0.0      // N
    public var passiveFiberForce = 0.0     // N (elastic + damping)
    public var fiberForce = 0.0            // N
    public var fiberForceAlongTendon = 0.0 // N
    public var tendonForce = 0.0           // N, what the path transmits
    public var fiberStateClamped = false
    /// d(activation)/dt from the class's activation dynamics (0 when activation dynamics are ignored).
    public var activationDerivative = 0.0
    /// d(fiber length)/dt; 0 for a rigid tendon (no fiber-length state).
    public var fiberLengthDerivative = 0.0
    public init() {}
}

/// Immutable muscle-tendon model with OpenSim semantics. The simulator owns the state
/// (activation and, for a compliant tendon, fiber length) and calls `evaluate` with the path's
/// length and lengthening speed. Evaluation allocates nothing. A class, so the hot loop reads its parameters in
/// place instead of copying them (they include the path description) at every call.
public final class MuscleModel: Sendable {
    public let parameters: MuscleParameters
    public let rigidTendon: Bool
    public let activationDynamics: ActivationDynamics
    public let millardCurves: MillardCurves?
    /// Fixed-width pennation model (MuscleFixedWidthPennationModel.cpp): h = lopt sin(alpha_opt).
    public let parallelogramHeight: Double
    let maxSinPennation: Double, maxCosPennation: Double
    public let minimumFiberLength: Double
    let useDamping: Bool
    /// 1/optimal fiber length, 1/tendon slack length, 1/(vmax·optimal fiber length): the evaluation multiplies.
    let perOptimalLength: Double, perSlackLength: Double, perVelocityScale: Double

    /// `rigidTendon` nil follows the file's ignore_tendon_compliance, except for Thelen2003Muscle, which
    /// in OpenSim ignores that flag and ignore_activation_dynamics (Thelen2003Muscle.cpp never reads
    /// them); passing true gives the rigid-tendon variant for any class.
    public init(_ p: MuscleParameters, rigidTendon: Bool? = nil) {
        var p = p
        if p.muscleClass == .thelen2003 { p.ignoreActivationDynamics = false }
        parameters = p
        let rigid = rigidTendon ?? (p.muscleClass == .thelen2003 ? false : p.ignoreTendonCompliance)
        self.rigidTendon = rigid
        switch p.muscleClass {
        case .thelen2003, .millard2012:
            activationDynamics = .firstOrder(activationTime: p.activationTimeConstant,
                                             deactivationTime: p.deactivationTimeConstant,
                                             minimumActivation: p.minimumActivation)
        case .deGrooteFregly2016:
            activationDynamics = .tanhSmoothed(activationTime: p.activationTimeConstant,
                                               deactivationTime: p.deactivationTimeConstant,
                                               smoothing: p.activationDynamicsSmoothing)
        }
        // Millard2012EquilibriumMuscle: damping below this is treated as 0 (MIN_NONZERO_DAMPING_COEFFICIENT).
        useDamping = p.fiberDamping >= 0.001
        perOptimalLength = 1 / p.optimalFiberLength; perSlackLength = 1 / p.tendonSlackLength
        perVelocityScale = 1 / (p.maxContractionVelocity * p.optimalFiberLength)
        let h = p.optimalFiberLength * sin(p.pennationAngleAtOptimal)
        parallelogramHeight = h
        maxSinPennation = sin(p.maximumPennationAngle); maxCosPennation = cos(p.maximumPennationAngle)
        let pennMin = h > Double.ulpOfOne ? h / maxSinPennation : 0.01 * p.optimalFiberLength
        if p.muscleClass == .millard2012 {
            let curves = MillardCurves.shared(p.curves, dampedModel: useDamping || rigid)
            millardCurves = curves
            // Millard2012EquilibriumMuscle::extendFinalizeFromProperties (minimum fiber length)
            minimumFiberLength = max(1e-8, max(curves.minNormActiveFiberLength * p.optimalFiberLength, pennMin))
        } else if p.muscleClass == .deGrooteFregly2016 {
            millardCurves = nil
            minimumFiberLength = max(pennMin, 0.2 * p.optimalFiberLength)  // m_minNormFiberLength
        } else {
            millardCurves = nil
            // Thelen2003Muscle: its pennation model's minimum, zero for an unpennated muscle (OpenSim 4.6's
            // getMinimumFiberLength); the fiber may then shorten to nothing while the tendon takes the whole path.
            minimumFiberLength = h > Double.ulpOfOne ? pennMin : 0
        }
    }

    /// Muscles with a compliant tendon carry a fiber-length state.
    public var hasFiberLengthState: Bool { !rigidTendon }
    public var hasActivationState: Bool { !parameters.ignoreActivationDynamics }

    // MARK: curves (normalized)

    @inline(__always)
    public func activeForceLength(_ lN: Double) -> Double {
        switch parameters.muscleClass {
        case .thelen2003:  // Thelen2003Muscle::calcfal
            return exp(-(lN - 1) * (lN - 1) / parameters.kShapeActive)
        case .millard2012:
            return millardCurves!.activeForceLength.value(lN)
        case .deGrooteFregly2016:  // DeGrooteFregly2016Muscle.h calcActiveForceLengthMultiplier
            let x = (lN - 1) / parameters.activeForceWidthScale + 1
            return DeGroote.gauss(x, 0.8150671134243542, 1.055033428970575, 0.162384573599574, 0.063303448465465)
                + DeGroote.gauss(x, 0.433004984392647, 0.716775413397760, -0.029947116970696, 0.200356847296188)
                + DeGroote.gauss(x, 0.1, 1.0, 0.353553390593274, 0.0)
        }
    }

    @inline(__always)
    public func passiveForceLength(_ lN: Double) -> Double {
        switch parameters.muscleClass {
        case .thelen2003:  // Thelen2003Muscle::calcfpe
            guard lN > 1 else { return 0 }
            let kP = parameters.kShapePassive
            return (exp(kP * (lN - 1) / parameters.fmaxMuscleStrain) - 1) / (exp(kP) - 1)
        case .millard2012:
            return millardCurves!.fiberForceLength.value(lN)
        case .deGrooteFregly2016:  // calcPassiveForceMultiplier, kPE = 4, min norm fiber length 0.2
            if parameters.ignorePassiveFiberForce { return 0 }
            let e0 = parameters.passiveFiberStrainAtOneNormForce, kPE = 4.0
            let offset = exp(kPE * (0.2 - 1) / e0)
            return (exp(kPE * (lN - 1) / e0) - offset) / (exp(kPE) - offset)
        }
    }

    @inline(__always)
    public func tendonForceLength(_ tN: Double) -> Double {
        switch parameters.muscleClass {
        case .thelen2003:  // Thelen2003Muscle::calcfse (exact toe constants from the source comment)
            let x = tN - 1, e0 = parameters.fmaxTendonStrain, kToe = 3.0, fToe = 0.33
            let e3 = exp(3.0)
            let eToe = 99 * e0 * e3 / (166 * e3 - 67)
            let kLin = 0.67 / (e0 - eToe)
            if x > eToe { return kLin * (x - eToe) + fToe }
            if x > 0 { return fToe / (exp(kToe) - 1) * (exp(kToe * x / eToe) - 1) }
            return 0
        case .millard2012:
            return millardCurves!.tendonForceLength.value(tN)
        case .deGrooteFregly2016:  // calcTendonForceMultiplier, c1 = 0.2, c2 = 1, c3 = 0.2
            let kT = log((1.0 + 0.2) / 0.2) / parameters.tendonStrainAtOneNormForce
            return 0.2 * exp(kT * (tN - 1)) - 0.2
        }
    }

    /// Force-velocity multiplier and its slope at a normalized fiber velocity (units of vmax·lopt).
    @inline(__always)
    public func forceVelocity(_ vN: Double, activation a: Double = 1) -> (value: Double, slope: Double) {
        switch parameters.muscleClass {
        case .millard2012:
            return millardCurves!.forceVelocity.evaluate(vN)
        case .deGrooteFregly2016:  // calcForceVelocityMultiplier
            let t = -8.149 * vN - 0.374
            let s = (t * t + 1).squareRoot()
            return (-0.3211346127989808 * log(t + s) + 0.8825327733249912, -0.3211346127989808 * -8.149 / s)
        case .thelen2003:
            // Inverse of Thelen2003Muscle::calcdlceN without its linear extrapolation (rigid-tendon use only).
            let k = 0.25 + 0.75 * a, af = parameters.af, flen = parameters.flen
            if vN <= 0 {
                let d = k - vN / af
                return ((k + vN) / d, (d + (k + vN) / af) / (d * d))
            }
            let c = (2 + 2 / af) / (flen - 1)
            let d = k + vN * c
            return ((k + vN * c * flen) / d, (c * flen * d - (k + vN * c * flen) * c) / (d * d))
        }
    }

    // MARK: geometry

    @inline(__always)
    func pennation(_ lce: Double) -> (sin: Double, cos: Double) {
        guard parallelogramHeight > 0 else { return (0, 1) }
        let s = parallelogramHeight / lce
        if s >= maxSinPennation { return (maxSinPennation, maxCosPennation) }
        return (s, (1 - s * s).squareRoot())
    }

    /// Fiber length for a rigid tendon (MuscleFixedWidthPennationModel::calcFiberLength).
    @inline(__always)
    public func rigidTendonFiberLength(mtuLength: Double) -> Double {
        let along = mtuLength - parameters.tendonSlackLength
        return (parallelogramHeight * parallelogramHeight + along * along).squareRoot()
    }

    // MARK: evaluation

    /// Evaluate the muscle. `fiberLength` is ignored for a rigid tendon. `excitation` only feeds
    /// the activation derivative (and replaces activation when activation dynamics are ignored). `hint` speeds up
    /// the damped fiber-velocity solve (`SmoothSegmentedCurve.solveIncreasing`) without changing its result.
    public func evaluate(activation aState: Double, fiberLength lState: Double, mtuLength: Double,
                         mtuLengtheningSpeed dlmt: Double, excitation: Double,
                         hint: UnsafeMutablePointer<Int>? = nil) -> MuscleEvaluation {
        var r = MuscleEvaluation()
        let fiso = parameters.maxIsometricForce
        let ignoreActivation = parameters.ignoreActivationDynamics
        let a = activationDynamics.clamp(ignoreActivation ? excitation : aState)
        r.activation = a
        r.activationDerivative = ignoreActivation ? 0 : activationDynamics.derivative(activation: aState, excitation: excitation)

        let lceRaw = rigidTendon ? rigidTendonFiberLength(mtuLength: mtuLength) : lState
        let lce = max(lceRaw, minimumFiberLength)
        let pen = pennation(lce)
        r.fiberLength = lce
        r.normFiberLength = lce * perOptimalLength
        r.sinPennation = pen.sin
        r.tendonLength = mtuLength - lce * pen.cos
        r.tendonStrain = r.tendonLength * perSlackLength - 1
        let fal = activeForceLength(r.normFiberLength)
        let fpe = passiveForceLength(r.normFiberLength)
        r.activeForceLengthMultiplier = fal
        r.passiveForceLengthMultiplier = fpe
        let beta = (parameters.muscleClass == .thelen2003 || !useDamping) ? 0 : parameters.fiberDamping

        if rigidTendon {
            var vN = 0.0, fv = 1.0
            if !(parameters.muscleClass == .millard2012 && r.tendonLength < parameters.tendonSlackLength - 1e-8) {
                vN = dlmt * pen.cos * perVelocityScale  // calcFiberVelocity with zero tendon velocity
                fv = forceVelocity(vN, activation: a).value
            }
            setFiberForces(&r, vN: vN, fv: fv, activation: a, fal: fal, fpe: fpe, beta: beta)
            if r.fiberForce < 0 && parameters.muscleClass == .millard2012 {  // rigid Millard fiber cannot push
                r.fiberForce = 0
                r.passiveFiberForce = -r.activeFiberForce
            }
            r.fiberForceAlongTendon = r.fiberForce * pen.cos
            r.tendonForce = r.fiberForceAlongTendon
            r.fiberLengthDerivative = 0
            return r
        }

        let fse = tendonForceLength(r.tendonLength * perSlackLength)
        r.tendonForce = fse * fiso
        var vN: Double, fv: Double
        switch parameters.muscleClass {
        case .thelen2003:
            let afalfv = fse / pen.cos - fpe
            fv = afalfv / (a * fal)
            vN = thelenNormFiberVelocity(activation: a, fal: fal, afalfv: afalfv)
        case .millard2012, .deGrooteFregly2016:
            if beta > 0 {
                (vN, fv) = dampedVelocity(a: a, fal: fal, fpe: fpe, fse: fse, beta: beta, cosPhi: pen.cos, hint: hint)
            } else {
                fv = (fse / pen.cos - fpe) / (a * fal)
                vN = inverseForceVelocity(fv)
            }
        }
        if lceRaw <= minimumFiberLength && vN <= 0 {
            // isFiberStateClamped (Millard2012, Thelen2003): a fiber at its minimum length that would
            // shorten further is held there and carries no force; the tendon force stays.
            r.fiberStateClamped = true
            r.forceVelocityMultiplier = 1
            return r
        }
        setFiberForces(&r, vN: vN, fv: fv, activation: a, fal: fal, fpe: fpe, beta: beta)
        r.fiberForceAlongTendon = r.fiberForce * pen.cos
        r.fiberLengthDerivative = r.fiberVelocity
        return r
    }

    /// Fiber velocity and the active, passive (elastic + damping) and total fiber forces, shared by both tendon models.
    @inline(__always)
    private func setFiberForces(_ r: inout MuscleEvaluation, vN: Double, fv: Double, activation a: Double,
                                fal: Double, fpe: Double, beta: Double) {
        let fiso = parameters.maxIsometricForce
        r.normFiberVelocity = vN
        r.fiberVelocity = vN * parameters.maxContractionVelocity * parameters.optimalFiberLength
        r.forceVelocityMultiplier = fv
        r.activeFiberForce = a * fal * fv * fiso
        r.passiveFiberForce = (fpe + beta * vN) * fiso
        r.fiberForce = r.activeFiberForce + r.passiveFiberForce
    }

    /// Thelen2003Muscle::calcdlceN: Thelen's inverse force-velocity with linear extrapolation
    /// beyond the concentric asymptote and above `fv_linear_extrap_threshold` of the eccentric one.
    @inline(__always)
    func thelenNormFiberVelocity(activation a: Double, fal: Double, afalfv fm: Double) -> Double {
        let af = parameters.af, flen = parameters.flen, afl = a * fal
        let k = 0.25 + 0.75 * a
        let asyE = afl * flen, thresh = parameters.fvLinearExtrapThreshold
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

    /// Solves (a·fal·fv(v) + fpe + beta·v)·cos(phi) = fse for v (beta > 0), the damped-fiber equilibrium of
    /// Millard2012EquilibriumMuscle (calcDampedNormFiberVelocity); the residual is strictly increasing. Millard's
    /// curve is solved on its value cells; DeGroote–Fregly's closed-form curve by bracketed Newton on v.
    @inline(__always)
    func dampedVelocity(a: Double, fal: Double, fpe: Double, fse: Double, beta: Double, cosPhi: Double,
                        hint: UnsafeMutablePointer<Int>? = nil) -> (Double, Double) {
        let target = fse / cosPhi
        if let curves = millardCurves {  // Newton in the value cell that brackets the root
            let (v, fv) = curves.forceVelocity.solveIncreasing(scale: a * fal, slope: beta, target: target - fpe, hint: hint)
            // A speed within the solve's tolerance of zero is zero, so the clamp test (v ≤ 0) sees no rounding sign.
            return (abs(v) * beta <= 1e-14 * max(1, abs(target)) ? 0 : v, fv)
        }
        func res(_ v: Double) -> (Double, Double, Double) {
            let fv = forceVelocity(v, activation: a)
            return (a * fal * fv.value + fpe + beta * v - target, a * fal * fv.slope + beta, fv.value)
        }
        var lo = -1.0, hi = 1.0
        var n = 0
        while res(lo).0 > 0 && n < 80 { lo *= 2; n += 1 }
        n = 0
        while res(hi).0 < 0 && n < 80 { hi *= 2; n += 1 }
        var v = 0.0
        if !(v > lo && v < hi) { v = 0.5 * (lo + hi) }
        var fvOut = 1.0
        for _ in 0..<100 {
            let (f, df, fvv) = res(v)
            fvOut = fvv
            if abs(f) <= 1e-13 { break }
            if f > 0 { hi = v } else { lo = v }
            var vn = df > 0 ? v - f / df : 0.5 * (lo + hi)
            if !(vn > lo && vn < hi) { vn = 0.5 * (lo + hi) }
            if vn == v { break }
            v = vn
        }
        return (v, fvOut)
    }

    /// Inverse of the force-velocity curve (exact for DeGroote; numerical for Millard's Bezier curve,
    /// which equals OpenSim's ForceVelocityInverseCurve built by swapping the control points).
    @inline(__always)
    func inverseForceVelocity(_ fv: Double) -> Double {
        if parameters.muscleClass == .deGrooteFregly2016 {  // calcForceVelocityInverseCurve
            return (sinh((fv - 0.8825327733249912) / -0.3211346127989808) + 0.374) / -8.149
        }
        return millardCurves!.forceVelocity.solveIncreasing(scale: 1, slope: 0, target: fv).x
    }

    // MARK: equilibrium

    /// The fiber length in [minimum, rigid-tendon length] where `residual` (fiber force along the tendon minus
    /// tendon force, increasing in fiber length) changes sign, by bisection; an end when it does not.
    func bisectFiberLength(mtuLength: Double, residual: (Double) -> Double) -> Double {
        var lo = minimumFiberLength
        var hi = max(rigidTendonFiberLength(mtuLength: mtuLength), lo)
        if residual(lo) >= 0 { return lo }
        if residual(hi) <= 0 { return hi }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if residual(mid) < 0 { lo = mid } else { hi = mid }
            if hi - lo < 1e-15 * hi { break }
        }
        return 0.5 * (lo + hi)
    }

    /// Fiber length at which the fiber force along the tendon equals the tendon force, at the given
    /// activation, MTU length and zero fiber velocity (the static case of OpenSim's
    /// computeInitialFiberEquilibrium). For a rigid tendon this is the geometric fiber length.
    public func equilibriumFiberLength(activation: Double, mtuLength: Double) -> Double {
        if rigidTendon { return max(rigidTendonFiberLength(mtuLength: mtuLength), minimumFiberLength) }
        let a = activationDynamics.clamp(activation)
        let fv0 = forceVelocity(0, activation: a).value
        func residual(_ lce: Double) -> Double {
            let pen = pennation(lce)
            let lN = lce / parameters.optimalFiberLength
            let fiber = (a * activeForceLength(lN) * fv0 + passiveForceLength(lN)) * pen.cos
            let lt = mtuLength - lce * pen.cos
            return fiber - tendonForceLength(lt / parameters.tendonSlackLength)
        }
        return bisectFiberLength(mtuLength: mtuLength, residual: residual)
    }
}

enum DeGroote {
    /// Gaussian-like term of the active force-length curve (DeGrooteFregly2016Muscle.h calcGaussianLikeCurve).
    @inline(__always)
    static func gauss(_ x: Double, _ b1: Double, _ b2: Double, _ b3: Double, _ b4: Double) -> Double {
        let d = b3 + b4 * x
        return b1 * exp(-0.5 * (x - b2) * (x - b2) / (d * d))
    }
}

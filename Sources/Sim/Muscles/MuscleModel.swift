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
/// place instead of copying them (they include the path description) at every call. What differs between muscle
/// classes comes from `mechanics` (MuscleLaw.swift); the rest is here.
public final class MuscleModel: Sendable {
    public let parameters: MuscleParameters
    public let rigidTendon: Bool
    public let activationDynamics: ActivationDynamics
    /// The class's curves and rules: one dynamic call per evaluation reaches this file's code specialized for them.
    let mechanics: any MuscleMechanics
    /// Fixed-width pennation model (MuscleFixedWidthPennationModel.cpp): h = lopt sin(alpha_opt).
    public let parallelogramHeight: Double
    let maxSinPennation: Double, maxCosPennation: Double
    public let minimumFiberLength: Double
    /// 1/optimal fiber length, 1/tendon slack length, 1/(vmax·optimal fiber length): the evaluation multiplies.
    let perOptimalLength: Double, perSlackLength: Double, perVelocityScale: Double

    /// `rigidTendon` nil follows the file's ignore_tendon_compliance, except for a class that never reads that flag
    /// and ignore_activation_dynamics (`MuscleLaw.followsIgnoreFlags`); passing true gives the rigid-tendon variant
    /// for any class.
    public init(_ p: MuscleParameters, rigidTendon: Bool? = nil) {
        var p = p
        let followsFlags = type(of: p.law).followsIgnoreFlags
        if !followsFlags { p.ignoreActivationDynamics = false }
        parameters = p
        let rigid = rigidTendon ?? (followsFlags ? p.ignoreTendonCompliance : false)
        self.rigidTendon = rigid
        activationDynamics = p.law.activationDynamics(p)
        perOptimalLength = 1 / p.optimalFiberLength; perSlackLength = 1 / p.tendonSlackLength
        perVelocityScale = 1 / (p.maxContractionVelocity * p.optimalFiberLength)
        let h = p.optimalFiberLength * sin(p.pennationAngleAtOptimal)
        parallelogramHeight = h
        maxSinPennation = sin(p.maximumPennationAngle); maxCosPennation = cos(p.maximumPennationAngle)
        let pennMin = h > Double.ulpOfOne ? h / maxSinPennation : 0.01 * p.optimalFiberLength
        minimumFiberLength = p.law.minimumFiberLength(p, pennationMinimum: pennMin, parallelogramHeight: h)
        mechanics = p.law.mechanics(p, rigidTendon: rigid)
    }

    /// Muscles with a compliant tendon carry a fiber-length state.
    public var hasFiberLengthState: Bool { !rigidTendon }
    public var hasActivationState: Bool { !parameters.ignoreActivationDynamics }

    // MARK: curves (normalized), for callers outside the evaluation

    public func activeForceLength(_ lN: Double) -> Double { mechanics.activeForceLength(lN) }
    public func passiveForceLength(_ lN: Double) -> Double { mechanics.passiveForceLength(lN) }
    public func tendonForceLength(_ tN: Double) -> Double { mechanics.tendonForceLength(tN) }
    /// Force-velocity multiplier and its slope at a normalized fiber velocity (units of vmax·lopt).
    public func forceVelocity(_ vN: Double, activation a: Double = 1) -> (value: Double, slope: Double) {
        mechanics.forceVelocity(vN, activation: a)
    }
    func inverseForceVelocity(_ fv: Double) -> Double { mechanics.inverseForceVelocity(fv) }

    // MARK: geometry

    // Square roots here and in the classes' curves are libm's `sqrt`, not `squareRoot()`: this code is inlined into
    // each class's witness (`MuscleMechanics.evaluate`), whose calls Swift marks noinline, so `squareRoot()` stays a
    // call to its C shim there, while a call to `sqrt` still becomes the instruction. The results are the same.

    @inline(__always)
    func pennation(_ lce: Double) -> (sin: Double, cos: Double) {
        guard parallelogramHeight > 0 else { return (0, 1) }
        let s = parallelogramHeight / lce
        if s >= maxSinPennation { return (maxSinPennation, maxCosPennation) }
        return (s, sqrt(1 - s * s))
    }

    /// Fiber length for a rigid tendon (MuscleFixedWidthPennationModel::calcFiberLength).
    @inline(__always)
    public func rigidTendonFiberLength(mtuLength: Double) -> Double {
        let along = mtuLength - parameters.tendonSlackLength
        return sqrt(parallelogramHeight * parallelogramHeight + along * along)
    }

    // MARK: evaluation

    /// Evaluate the muscle. `fiberLength` is ignored for a rigid tendon. `excitation` only feeds
    /// the activation derivative (and replaces activation when activation dynamics are ignored). `hint` speeds up
    /// the damped fiber-velocity solve (`SmoothSegmentedCurve.solveIncreasing`) without changing its result.
    public func evaluate(activation aState: Double, fiberLength lState: Double, mtuLength: Double,
                         mtuLengtheningSpeed dlmt: Double, excitation: Double,
                         hint: UnsafeMutablePointer<Int>? = nil) -> MuscleEvaluation {
        mechanics.evaluate(self, activation: aState, fiberLength: lState, mtuLength: mtuLength, mtuLengtheningSpeed: dlmt,
                           excitation: excitation, hint: hint)
    }

    /// The evaluation for a muscle of class `M` (what `evaluate` reaches, specialized for the class). Inlined with
    /// the entry point into each class's witness: a specialized function returns its result directly, which the witness
    /// would then copy into its own (19 numbers per evaluation).
    @inline(__always)
    func evaluate<M: MuscleMechanics>(_ mechanics: M, activation aState: Double, fiberLength lState: Double,
                                      mtuLength: Double, mtuLengtheningSpeed dlmt: Double, excitation: Double,
                                      hint: UnsafeMutablePointer<Int>?) -> MuscleEvaluation {
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
        let fal = mechanics.activeForceLength(r.normFiberLength)
        let fpe = mechanics.passiveForceLength(r.normFiberLength)
        r.activeForceLengthMultiplier = fal
        r.passiveForceLengthMultiplier = fpe
        let beta = mechanics.damping

        if rigidTendon {
            var vN = 0.0, fv = 1.0
            if !(M.slackRigidTendonStopsFiber && r.tendonLength < parameters.tendonSlackLength - 1e-8) {
                vN = dlmt * pen.cos * perVelocityScale  // calcFiberVelocity with zero tendon velocity
                fv = mechanics.forceVelocity(vN, activation: a).value
            }
            setFiberForces(&r, vN: vN, fv: fv, activation: a, fal: fal, fpe: fpe, beta: beta)
            if r.fiberForce < 0 && M.rigidFiberCannotPush {
                r.fiberForce = 0
                r.passiveFiberForce = -r.activeFiberForce
            }
            r.fiberForceAlongTendon = r.fiberForce * pen.cos
            r.tendonForce = r.fiberForceAlongTendon
            r.fiberLengthDerivative = 0
            return r
        }

        let fse = mechanics.tendonForceLength(r.tendonLength * perSlackLength)
        r.tendonForce = fse * fiso
        let (vN, fv) = mechanics.fiberVelocity(activation: a, fal: fal, fpe: fpe, fse: fse, cosPennation: pen.cos, hint: hint)
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
}

extension MuscleMechanics {
    var damping: Double { 0 }
    static var slackRigidTendonStopsFiber: Bool { false }
    static var rigidFiberCannotPush: Bool { false }

    @inline(__always)  // into the class's witness, with the shared code (see `MuscleModel.evaluate(_:activation:…)`)
    func evaluate(_ m: MuscleModel, activation: Double, fiberLength: Double, mtuLength: Double,
                  mtuLengtheningSpeed: Double, excitation: Double, hint: UnsafeMutablePointer<Int>?) -> MuscleEvaluation {
        m.evaluate(self, activation: activation, fiberLength: fiberLength, mtuLength: mtuLength,
                   mtuLengtheningSpeed: mtuLengtheningSpeed, excitation: excitation, hint: hint)
    }

    @inline(__always)
    func fiberVelocity(activation a: Double, fal: Double, fpe: Double, fse: Double, cosPennation: Double,
                       hint: UnsafeMutablePointer<Int>?) -> (vN: Double, fv: Double) {
        let beta = damping
        if beta > 0 {
            return dampedVelocity(a: a, fal: fal, fpe: fpe, fse: fse, beta: beta, cosPhi: cosPennation, hint: hint)
        }
        let fv = (fse / cosPennation - fpe) / (a * fal)
        return (inverseForceVelocity(fv), fv)
    }

    /// Solves (a·fal·fv(v) + fpe + beta·v)·cos(phi) = fse for v (beta > 0), the damped-fiber equilibrium of
    /// Millard2012EquilibriumMuscle (calcDampedNormFiberVelocity), for a force-velocity curve given in closed form (as
    /// DeGroote–Fregly's): the residual is strictly increasing, so bracketed Newton on v.
    @inline(__always)
    func dampedVelocity(a: Double, fal: Double, fpe: Double, fse: Double, beta: Double, cosPhi: Double,
                        hint: UnsafeMutablePointer<Int>?) -> (Double, Double) {
        let target = fse / cosPhi
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
}

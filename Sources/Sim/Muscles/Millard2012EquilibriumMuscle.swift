import Foundation
import Synchronization

/// OpenSim's Millard2012EquilibriumMuscle (Millard et al. 2013, J Biomech Eng 135:021005): quintic Bezier curves
/// (SmoothSegmentedFunction) and an optionally damped fiber in equilibrium with an elastic or rigid tendon. Its own
/// properties, with the defaults of Millard2012EquilibriumMuscle::constructProperties and the curve constructors.
public struct Millard2012EquilibriumMuscle: MuscleLaw, Equatable, Codable, Sendable {
    public var fiberDamping = 0.1
    public var curves = MillardCurveParameters()
    public init() {}

    static let openSimName = "Millard2012EquilibriumMuscle"
    static let activationDefaults = ActivationDefaults(activationTime: 0.01, deactivationTime: 0.04, minimumActivation: 0.01,
                                                       defaultActivation: 0.05)

    mutating func read(_ e: OsimMuscleElement) throws {
        try e.read("fiber_damping", into: &fiberDamping)
        try e.child("ActiveForceLengthCurve")?.read([
            "min_norm_active_fiber_length": \.minNormActiveFiberLength, "transition_norm_fiber_length": \.transitionNormFiberLength,
            "max_norm_active_fiber_length": \.maxNormActiveFiberLength, "shallow_ascending_slope": \.shallowAscendingSlope,
            "minimum_value": \.activeMinimumValue], into: &curves)
        try e.child("ForceVelocityCurve")?.read([
            "concentric_slope_at_vmax": \.concentricSlopeAtVmax, "concentric_slope_near_vmax": \.concentricSlopeNearVmax,
            "isometric_slope": \.isometricSlope, "eccentric_slope_at_vmax": \.eccentricSlopeAtVmax,
            "eccentric_slope_near_vmax": \.eccentricSlopeNearVmax,
            "max_eccentric_velocity_force_multiplier": \.maxEccentricVelocityForceMultiplier,
            "concentric_curviness": \.concentricCurviness, "eccentric_curviness": \.eccentricCurviness], into: &curves)
        if let p = e.child("FiberForceLengthCurve") {
            try p.read(["strain_at_zero_force": \.fiberStrainAtZeroForce, "strain_at_one_norm_force": \.fiberStrainAtOneNormForce],
                       into: &curves)
            curves.fiberStiffnessAtLowForce = try p.number("stiffness_at_low_force")
            curves.fiberStiffnessAtOneNormForce = try p.number("stiffness_at_one_norm_force")
            curves.fiberCurviness = try p.number("curviness")
        }
        if let t = e.child("TendonForceLengthCurve") {
            try t.read("strain_at_one_norm_force", into: &curves.tendonStrainAtOneNormForce)
            curves.tendonStiffnessAtOneNormForce = try t.number("stiffness_at_one_norm_force")
            curves.tendonNormForceAtToeEnd = try t.number("norm_force_at_toe_end")
            curves.tendonCurviness = try t.number("curviness")
        }
    }

    /// Millard2012EquilibriumMuscle::extendFinalizeFromProperties: where the active force-length curve starts, or the
    /// pennation model's minimum where that is longer.
    func minimumFiberLength(_ p: MuscleParameters, pennationMinimum: Double, parallelogramHeight h: Double) -> Double {
        max(1e-8, max(curves.minNormActiveFiberLength * p.optimalFiberLength, pennationMinimum))
    }

    /// The curves come from the cache of `MillardCurves.shared`; damping below MIN_NONZERO_DAMPING_COEFFICIENT is none.
    func mechanics(_ p: MuscleParameters, rigidTendon: Bool) -> any MuscleMechanics {
        let damping = effectiveFiberDamping(fiberDamping)
        return Mechanics(curves: MillardCurves.shared(curves, dampedModel: damping > 0 || rigidTendon), damping: damping)
    }

    /// The curves, built once per distinct set of curve properties, and the damping.
    final class Mechanics: MuscleMechanics {
        let curves: MillardCurves
        let damping: Double
        init(curves: MillardCurves, damping: Double) { self.curves = curves; self.damping = damping }

        @inline(__always) func activeForceLength(_ lN: Double) -> Double { curves.activeForceLength.value(lN) }
        @inline(__always) func passiveForceLength(_ lN: Double) -> Double { curves.fiberForceLength.value(lN) }
        @inline(__always) func tendonForceLength(_ tN: Double) -> Double { curves.tendonForceLength.value(tN) }
        @inline(__always)
        func forceVelocity(_ vN: Double, activation a: Double) -> (value: Double, slope: Double) {
            curves.forceVelocity.evaluate(vN)
        }

        /// Numerical for the Bezier curve: equals OpenSim's ForceVelocityInverseCurve, built by swapping the control
        /// points.
        @inline(__always)
        func inverseForceVelocity(_ fv: Double) -> Double {
            curves.forceVelocity.solveIncreasing(scale: 1, slope: 0, target: fv).x
        }

        func curveSlopes(normFiberLength lN: Double, normTendonLength tN: Double) -> (fal: Double, fpe: Double, fse: Double) {
            (curves.activeForceLength.evaluate(lN).slope, curves.fiberForceLength.evaluate(lN).slope,
             curves.tendonForceLength.evaluate(tN).slope)
        }

        /// calcDampedNormFiberVelocity: Newton in the value cell of the force-velocity curve that brackets the root.
        @inline(__always)
        func dampedVelocity(a: Double, fal: Double, fpe: Double, fse: Double, beta: Double, cosPhi: Double,
                            hint: UnsafeMutablePointer<Int>?) -> (Double, Double) {
            let target = fse / cosPhi
            let (v, fv) = curves.forceVelocity.solveIncreasing(scale: a * fal, slope: beta, target: target - fpe, hint: hint)
            // A speed within the solve's tolerance of zero is zero, so the clamp test (v ≤ 0) sees no rounding sign.
            return (abs(v) * beta <= 1e-14 * max(1, abs(target)) ? 0 : v, fv)
        }

        /// Rigid tendon: a slack tendon holds the fiber still, and the fiber cannot push.
        static var slackRigidTendonStopsFiber: Bool { true }
        static var rigidFiberCannotPush: Bool { true }
        static var initialFiberVelocity: InitialFiberVelocity { .zeroUnlessAsked }

        /// Millard2012EquilibriumMuscle with fiber damping β and an elastic tendon: F = F_iso·fse(lT/lTs) with
        /// lT = L − l·cos φ, and the normalized fiber speed v solving G = a·fal·fv(v) + fpe + β·v − fse/cos φ = 0, so
        /// ∂v/∂x = −(∂G/∂x)/(∂G/∂v). With the fixed-width pennation h = l·sin φ, d(l·cos φ)/dl = 1/cos φ and
        /// d(1/cos φ)/dl = −sin²φ/(l·cos³φ); both vanish where the fiber length or the pennation is held at its limit.
        func closedFormPartials(_ m: MuscleModel, activation aState: Double, fiberLength l: Double, mtuLength length: Double,
                                excitation: Double, hint: UnsafeMutablePointer<Int>?) -> MusclePartials? {
            guard damping > 0, !m.rigidTendon, !m.parameters.ignoreActivationDynamics else { return nil }
            // The parameters in place: a copy of them (path included) would cost more than this whole function.
            let lopt = m.parameters.optimalFiberLength, lTs = m.parameters.tendonSlackLength
            let vScale = m.parameters.maxContractionVelocity * lopt
            var out = MusclePartials()
            // Activation: the clamp's slope times that of the force terms; ȧ by a difference of its own formula.
            let a = m.activationDynamics.clamp(aState), activeSlope = a == aState ? 1.0 : 0
            let h = aState > 0.5 ? -1e-7 : 1e-7  // toward the inside of the clamp [aMin, 1]
            out.dadotda = (m.activationDynamics.derivative(activation: aState + h, excitation: excitation)
                - m.activationDynamics.derivative(activation: aState, excitation: excitation)) / h
            let lengthHeld = l <= m.minimumFiberLength
            let lce = max(l, m.minimumFiberLength)
            let pen = m.pennation(lce)
            let penHeld = m.parallelogramHeight > 0 && m.parallelogramHeight / lce >= m.maxSinPennation
            let dAlongdl = lengthHeld ? 0 : penHeld ? pen.cos : 1 / pen.cos
            let dInverseCosdl = lengthHeld || penHeld ? 0 : -pen.sin * pen.sin / (lce * pen.cos * pen.cos * pen.cos)
            let lN = lce / lopt
            let fal = curves.activeForceLength.evaluate(lN), fpe = curves.fiberForceLength.evaluate(lN)
            let fse = curves.tendonForceLength.evaluate((length - lce * pen.cos) / lTs)
            out.dFdL = m.parameters.maxIsometricForce * fse.slope / lTs
            out.dFdl = -out.dFdL * dAlongdl
            let beta = damping
            let (v, fvValue) = dampedVelocity(a: a, fal: fal.value, fpe: fpe.value, fse: fse.value, beta: beta, cosPhi: pen.cos, hint: hint)
            if lengthHeld && v <= 0 { return out }  // the fiber is held at its minimum length: l̇ = 0
            let dGdv = a * fal.value * curves.forceVelocity.evaluate(v).slope + beta
            let dGda = fal.value * fvValue * activeSlope
            let dGdL = -fse.slope / lTs / pen.cos
            let dGdl = (lengthHeld ? 0 : (a * fvValue * fal.slope + fpe.slope) / lopt)
                + fse.slope / lTs * dAlongdl / pen.cos - fse.value * dInverseCosdl
            out.dldotda = -vScale * dGda / dGdv
            out.dldotdL = -vScale * dGdL / dGdv
            out.dldotdl = -vScale * dGdl / dGdv
            return out
        }
    }
}

extension MuscleClass {
    public static let millard2012 = MuscleClass(Millard2012EquilibriumMuscle.self)
}

extension MuscleParameters {
    /// The Millard2012EquilibriumMuscle properties; nil for a muscle of another class.
    public var millard: Millard2012EquilibriumMuscle? { get { law(Millard2012EquilibriumMuscle.self) } set { setLaw(newValue) } }
}

extension MuscleModel {
    /// A Millard muscle's curves; nil for another class.
    public var millardCurves: MillardCurves? { (mechanics as? Millard2012EquilibriumMuscle.Mechanics)?.curves }
}

/// Millard curve properties (ActiveForceLengthCurve, ForceVelocityCurve, FiberForceLengthCurve,
/// TendonForceLengthCurve); defaults from the OpenSim 4.x constructors.
public struct MillardCurveParameters: Hashable, Codable, Sendable {
    public var minNormActiveFiberLength = 0.47 - 0.0259
    public var transitionNormFiberLength = 0.73
    public var maxNormActiveFiberLength = 1.8123
    public var shallowAscendingSlope = 0.8616
    public var activeMinimumValue = 0.1
    public var concentricSlopeAtVmax = 0.0
    public var concentricSlopeNearVmax = 0.25
    public var isometricSlope = 5.0
    public var eccentricSlopeAtVmax = 0.0
    public var eccentricSlopeNearVmax = 0.15
    public var maxEccentricVelocityForceMultiplier = 1.4
    public var concentricCurviness = 0.6
    public var eccentricCurviness = 0.9
    public var fiberStrainAtZeroForce = 0.0
    public var fiberStrainAtOneNormForce = 0.7
    public var fiberStiffnessAtLowForce: Double? = nil
    public var fiberStiffnessAtOneNormForce: Double? = nil
    public var fiberCurviness: Double? = nil
    public var tendonStrainAtOneNormForce = 0.049
    public var tendonStiffnessAtOneNormForce: Double? = nil
    public var tendonNormForceAtToeEnd: Double? = nil
    public var tendonCurviness: Double? = nil
    public init() {}
}

/// The Millard2012 default curves built from the curve properties (SmoothSegmentedFunctionFactory.cpp).
public final class MillardCurves: Sendable {
    public let activeForceLength: SmoothSegmentedCurve
    public let forceVelocity: SmoothSegmentedCurve
    public let fiberForceLength: SmoothSegmentedCurve
    public let tendonForceLength: SmoothSegmentedCurve

    /// One instance per distinct set of curve properties: muscles with the same curves (every muscle of the shared 2D
    /// model) then read one set of cells, which stays in cache, instead of one copy each.
    public static func shared(_ p: MillardCurveParameters, dampedModel: Bool) -> MillardCurves {
        built.withLock { built in
            if let curves = built[Key(parameters: p, damped: dampedModel)] { return curves }
            let curves = MillardCurves(p, dampedModel: dampedModel)
            built[Key(parameters: p, damped: dampedModel)] = curves
            return curves
        }
    }
    private struct Key: Hashable { let parameters: MillardCurveParameters, damped: Bool }
    private static let built = Mutex<[Key: MillardCurves]>([:])

    /// SmoothSegmentedFunctionFactory::scaleCurviness
    static func scale(_ c: Double) -> Double { 0.1 + 0.8 * c }

    /// `dampedModel`: Millard's extendFinalizeFromProperties forces the active-force-length minimum and
    /// both force-velocity end slopes to 0 when fiber damping is used (or the tendon is rigid).
    public init(_ p: MillardCurveParameters, dampedModel: Bool) {
        var p = p
        if dampedModel {
            p.activeMinimumValue = min(p.activeMinimumValue, 0)
            p.concentricSlopeAtVmax = min(p.concentricSlopeAtVmax, 0)
            p.eccentricSlopeAtVmax = min(p.eccentricSlopeAtVmax, 0)
        } else {
            // Undamped elastic-tendon model needs an invertible force-velocity curve (same source).
            p.activeMinimumValue = max(p.activeMinimumValue, 0.1)
            p.concentricSlopeAtVmax = max(p.concentricSlopeAtVmax, 0.5 * p.concentricSlopeNearVmax)
            p.eccentricSlopeAtVmax = max(p.eccentricSlopeAtVmax, 0.5 * p.eccentricSlopeNearVmax)
        }
        activeForceLength = MillardCurves.activeForceLengthCurve(
            x0: p.minNormActiveFiberLength, x1: p.transitionNormFiberLength, x2: 1, x3: p.maxNormActiveFiberLength,
            ylow: p.activeMinimumValue, dydx: p.shallowAscendingSlope, curviness: 1)
        forceVelocity = MillardCurves.forceVelocityCurve(
            fmaxE: p.maxEccentricVelocityForceMultiplier, dydxC: p.concentricSlopeAtVmax,
            dydxNearC: p.concentricSlopeNearVmax, dydxIso: p.isometricSlope, dydxE: p.eccentricSlopeAtVmax,
            dydxNearE: p.eccentricSlopeNearVmax, concCurviness: p.concentricCurviness, eccCurviness: p.eccentricCurviness)
        let e0 = p.fiberStrainAtZeroForce, e1 = p.fiberStrainAtOneNormForce
        // FiberForceLengthCurve::ensureCurveUpToDate defaults when the optional properties are empty.
        let kIso = p.fiberStiffnessAtOneNormForce ?? 2.0 / (e1 - e0)
        let kLow = p.fiberStiffnessAtLowForce ?? 0.2
        let fc = p.fiberCurviness ?? 0.75
        fiberForceLength = MillardCurves.fiberForceLengthCurve(eZero: e0, eIso: e1, kLow: kLow, kIso: kIso, curviness: fc)
        // TendonForceLengthCurve::ensureCurveUpToDate defaults.
        let et = p.tendonStrainAtOneNormForce
        tendonForceLength = MillardCurves.tendonForceLengthCurve(
            eIso: et, kIso: p.tendonStiffnessAtOneNormForce ?? 1.375 / et,
            fToe: p.tendonNormForceAtToeEnd ?? 2.0 / 3.0, curviness: p.tendonCurviness ?? 0.5)
    }

    static func activeForceLengthCurve(x0: Double, x1: Double, x2: Double, x3: Double, ylow: Double, dydx: Double,
                                       curviness: Double) -> SmoothSegmentedCurve {
        let c = scale(curviness)
        let xDelta = 0.05 * x2
        let xs = x2 - xDelta
        let y0 = 0.0, dydx0 = 0.0
        let y1 = 1 - dydx * (xs - x1)
        let dydx01 = 1.25 * (y1 - y0) / (x1 - x0)
        let x01 = x0 + 0.5 * (x1 - x0), y01 = y0 + 0.5 * (y1 - y0)
        let x1s = x1 + 0.5 * (xs - x1), y1s = y1 + 0.5 * (1 - y1), dydx1s = dydx
        let y2 = 1.0, dydx2 = 0.0, y3 = 0.0, dydx3 = 0.0
        let x23 = (x2 + xDelta) + 0.5 * (x3 - (x2 + xDelta)), y23 = y2 + 0.5 * (y3 - y2)
        let dydx23 = (y3 - y2) / ((x3 - xDelta) - (x2 + xDelta))
        let segs = [
            SmoothSegmentedCurve.corner(x0, ylow, dydx0, x01, y01, dydx01, c),
            SmoothSegmentedCurve.corner(x01, y01, dydx01, x1s, y1s, dydx1s, c),
            SmoothSegmentedCurve.corner(x1s, y1s, dydx1s, x2, y2, dydx2, c),
            SmoothSegmentedCurve.corner(x2, y2, dydx2, x23, y23, dydx23, c),
            SmoothSegmentedCurve.corner(x23, y23, dydx23, x3, ylow, dydx3, c),
        ]
        return SmoothSegmentedCurve(segments: segs, xStart: x0, xEnd: x3, yStart: ylow, yEnd: ylow,
                                    slopeStart: 0, slopeEnd: 0)
    }

    static func forceVelocityCurve(fmaxE: Double, dydxC: Double, dydxNearC: Double, dydxIso: Double, dydxE: Double,
                                   dydxNearE: Double, concCurviness: Double, eccCurviness: Double) -> SmoothSegmentedCurve {
        let cC = scale(concCurviness), cE = scale(eccCurviness)
        let xC = -1.0, yC = 0.0, xNearC = -0.9
        let yNearC = yC + 0.5 * dydxNearC * (xNearC - xC) + 0.5 * dydxC * (xNearC - xC)
        let xIso = 0.0, yIso = 1.0, xE = 1.0, yE = fmaxE, xNearE = 0.9
        let yNearE = yE + 0.5 * dydxNearE * (xNearE - xE) + 0.5 * dydxE * (xNearE - xE)
        let segs = [
            SmoothSegmentedCurve.corner(xC, yC, dydxC, xNearC, yNearC, dydxNearC, cC),
            SmoothSegmentedCurve.corner(xNearC, yNearC, dydxNearC, xIso, yIso, dydxIso, cC),
            SmoothSegmentedCurve.corner(xIso, yIso, dydxIso, xNearE, yNearE, dydxNearE, cE),
            SmoothSegmentedCurve.corner(xNearE, yNearE, dydxNearE, xE, yE, dydxE, cE),
        ]
        return SmoothSegmentedCurve(segments: segs, xStart: xC, xEnd: xE, yStart: yC, yEnd: yE,
                                    slopeStart: dydxC, slopeEnd: dydxE)
    }

    static func fiberForceLengthCurve(eZero: Double, eIso: Double, kLow: Double, kIso: Double,
                                      curviness: Double) -> SmoothSegmentedCurve {
        let c = scale(curviness)
        let xZero = 1 + eZero, yZero = 0.0, xIso = 1 + eIso, yIso = 1.0
        let deltaX = min(0.1 * (1.0 / kIso), 0.1 * (xIso - xZero))
        let xLow = xZero + deltaX
        let xfoot = xZero + 0.5 * (xLow - xZero)
        let yLow = 0 + kLow * (xLow - xfoot)
        let segs = [
            SmoothSegmentedCurve.corner(xZero, yZero, 0, xLow, yLow, kLow, c),
            SmoothSegmentedCurve.corner(xLow, yLow, kLow, xIso, yIso, kIso, c),
        ]
        return SmoothSegmentedCurve(segments: segs, xStart: xZero, xEnd: xIso, yStart: yZero, yEnd: yIso,
                                    slopeStart: 0, slopeEnd: kIso)
    }

    static func tendonForceLengthCurve(eIso: Double, kIso: Double, fToe: Double, curviness: Double) -> SmoothSegmentedCurve {
        let c = scale(curviness)
        let x0 = 1.0, y0 = 0.0, dydx0 = 0.0
        let xIso = 1.0 + eIso, yIso = 1.0
        let yToe = fToe
        let xToe = (yToe - 1) / kIso + xIso
        let xFoot = 1.0 + (xToe - 1.0) / 10.0, yFoot = 0.0
        let yToeMid = yToe * 0.5
        let xToeMid = (yToeMid - yIso) / kIso + xIso
        let dydxToeMid = (yToeMid - yFoot) / (xToeMid - xFoot)
        let xToeCtrl = xFoot + 0.5 * (xToeMid - xFoot)
        let yToeCtrl = yFoot + dydxToeMid * (xToeCtrl - xFoot)
        let segs = [
            SmoothSegmentedCurve.corner(x0, y0, dydx0, xToeCtrl, yToeCtrl, dydxToeMid, c),
            SmoothSegmentedCurve.corner(xToeCtrl, yToeCtrl, dydxToeMid, xToe, yToe, kIso, c),
        ]
        return SmoothSegmentedCurve(segments: segs, xStart: x0, xEnd: xToe, yStart: y0, yEnd: yToe,
                                    slopeStart: dydx0, slopeEnd: kIso)
    }
}

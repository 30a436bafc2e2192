import Foundation

extension MuscleModel {
    /// Slopes d(fal)/d(lN), d(fpe)/d(lN) and d(fse)/d(tN) of the class's curves.
    @inline(__always)
    func curveSlopes(normFiberLength lN: Double, normTendonLength tN: Double) -> (fal: Double, fpe: Double, fse: Double) {
        switch parameters.muscleClass {
        case .millard2012:
            let c = millardCurves!
            return (c.activeForceLength.evaluate(lN).slope, c.fiberForceLength.evaluate(lN).slope,
                    c.tendonForceLength.evaluate(tN).slope)
        case .thelen2003:  // Thelen2003Muscle::calcDfalDlceN, calcDfpeDlceN, calcDfseDtlN
            let kA = parameters.kShapeActive, kP = parameters.kShapePassive, eM = parameters.fmaxMuscleStrain
            let dfal = -2 * (lN - 1) / kA * exp(-(lN - 1) * (lN - 1) / kA)
            let dfpe = lN > 1 ? kP / eM * exp(kP * (lN - 1) / eM) / (exp(kP) - 1) : 0
            let x = tN - 1, e0 = parameters.fmaxTendonStrain, e3 = exp(3.0)
            let eToe = 99 * e0 * e3 / (166 * e3 - 67)
            let dfse = x > eToe ? 0.67 / (e0 - eToe) : (x > 0 ? 0.33 / (exp(3.0) - 1) * (3 / eToe) * exp(3 * x / eToe) : 0)
            return (dfal, dfpe, dfse)
        case .deGrooteFregly2016:
            let h = 1e-7
            return ((activeForceLength(lN + h) - activeForceLength(lN - h)) / (2 * h),
                    (passiveForceLength(lN + h) - passiveForceLength(lN - h)) / (2 * h),
                    (tendonForceLength(tN + h) - tendonForceLength(tN - h)) / (2 * h))
        }
    }

    /// Thelen2003Muscle::calcfvInv: the force-velocity multiplier whose Thelen velocity is vN.
    func thelenForceVelocity(activation a: Double, fal: Double, normFiberVelocity vN: Double) -> Double {
        var lo = -1.0, hi = 2.0 * a * fal * parameters.flen + 1
        var n = 0
        while thelenNormFiberVelocity(activation: a, fal: fal, afalfv: lo) > vN && n < 80 { lo = 2 * lo - 1; n += 1 }
        n = 0
        while thelenNormFiberVelocity(activation: a, fal: fal, afalfv: hi) < vN && n < 80 { hi *= 2; n += 1 }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if thelenNormFiberVelocity(activation: a, fal: fal, afalfv: mid) < vN { lo = mid } else { hi = mid }
            if hi - lo < 1e-15 * max(1, abs(hi)) { break }
        }
        return max(0, 0.5 * (lo + hi) / (a * fal))
    }

    /// Fiber velocity of the equilibrium initializers for a moving MTU: the path speed is shared between
    /// tendon and fiber by their linearized stiffnesses (Millard2012EquilibriumMuscle::
    /// estimateMuscleFiberState, Thelen2003Muscle::initMuscleState), iterated to a fixed point in fv.
    func initialFiberVelocity(activation a: Double, fiberLength lce: Double, mtuLength: Double,
                              mtuLengtheningSpeed dml: Double) -> (vN: Double, fv: Double) {
        let fiso = parameters.maxIsometricForce, lopt = parameters.optimalFiberLength, tsl = parameters.tendonSlackLength
        let pen = pennation(lce)
        let lN = lce / lopt, tN = (mtuLength - lce * pen.cos) / tsl
        let fal = activeForceLength(lN), fpe = passiveForceLength(lN)
        let s = curveSlopes(normFiberLength: lN, normTendonLength: tN)
        let beta = (parameters.muscleClass == .millard2012 && useDamping) ? parameters.fiberDamping : 0
        let h = parallelogramHeight
        // d(phi)/d(lce) of the fixed-width model (calc_DPennationAngle_DfiberLength).
        let dphi = h > 0 ? (-h / lce / lce) / (1 - (h / lce) * (h / lce)).squareRoot() : 0
        let kt = s.fse * fiso / tsl
        var fv = 1.0, vN = 0.0
        for _ in 0..<100 {
            let fm = fiso * (a * fal * fv + fpe + beta * vN)
            let dFm = fiso * (a * s.fal * fv + s.fpe) / lopt
            let dFmAT = dFm * pen.cos + fm * (-pen.sin * dphi)
            let kmAT: Double
            if parameters.muscleClass == .thelen2003 {
                kmAT = dFmAT * pen.cos
            } else {
                kmAT = dFmAT / (pen.cos - lce * pen.sin * dphi)
            }
            let dtl = (abs(kmAT + kt) > 1e-12 && tN > 1) ? kmAT / (kmAT + kt) * dml : dml
            let vNew = (dml - dtl) * pen.cos / (parameters.maxContractionVelocity * lopt)
            let fvNew = parameters.muscleClass == .thelen2003
                ? thelenForceVelocity(activation: a, fal: fal, normFiberVelocity: vNew)
                : forceVelocity(vNew, activation: a).value
            let done = abs(fvNew - fv) < 1e-13 && abs(vNew - vN) < 1e-13
            fv = fvNew; vN = vNew
            if done { break }
        }
        return (vN, fv)
    }

    /// Fiber length at which fiber force along the tendon equals tendon force for a given activation,
    /// MTU length and MTU lengthening speed. `solveForVelocity` nil follows each class's
    /// computeInitialFiberEquilibrium: Thelen2003 shares the speed between fiber and tendon
    /// (initMuscleState); Millard2012 solves at zero velocity, as OpenSim 4.6 does even for
    /// computeFiberEquilibrium(s, true) (that flag arrives as estimateMuscleFiberState's
    /// staticSolution). `true` applies the stiffness-shared speed to Millard too (our extension,
    /// the velocity branch of estimateMuscleFiberState). DeGroote always uses zero velocity.
    public func equilibriumFiberLength(activation: Double, mtuLength: Double, mtuLengtheningSpeed dml: Double,
                                       solveForVelocity: Bool? = nil) -> Double {
        let useSpeed = solveForVelocity ?? (parameters.muscleClass == .thelen2003)
        if rigidTendon || !useSpeed || abs(dml) < 1e-12 || parameters.muscleClass == .deGrooteFregly2016 {
            return equilibriumFiberLength(activation: activation, mtuLength: mtuLength)
        }
        let a = activationDynamics.clamp(activation)
        let beta = (parameters.muscleClass == .millard2012 && useDamping) ? parameters.fiberDamping : 0
        func residual(_ lce: Double) -> Double {
            let pen = pennation(lce)
            let lN = lce / parameters.optimalFiberLength
            let v = initialFiberVelocity(activation: a, fiberLength: lce, mtuLength: mtuLength, mtuLengtheningSpeed: dml)
            let fiber = (a * activeForceLength(lN) * v.fv + passiveForceLength(lN) + beta * v.vN) * pen.cos
            return fiber - tendonForceLength((mtuLength - lce * pen.cos) / parameters.tendonSlackLength)
        }
        return bisectFiberLength(mtuLength: mtuLength, residual: residual)
    }
}

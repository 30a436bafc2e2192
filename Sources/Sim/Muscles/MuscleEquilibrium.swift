import Foundation

extension MuscleModel {
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
        mechanics.equilibriumFiberLength(self, activation: activation, mtuLength: mtuLength)
    }

    func equilibriumFiberLength<M: MuscleMechanics>(_ mechanics: M, activation: Double, mtuLength: Double) -> Double {
        if rigidTendon { return max(rigidTendonFiberLength(mtuLength: mtuLength), minimumFiberLength) }
        let a = activationDynamics.clamp(activation)
        let fv0 = mechanics.forceVelocity(0, activation: a).value
        func residual(_ lce: Double) -> Double {
            let pen = pennation(lce)
            let lN = lce / parameters.optimalFiberLength
            let fiber = (a * mechanics.activeForceLength(lN) * fv0 + mechanics.passiveForceLength(lN)) * pen.cos
            let lt = mtuLength - lce * pen.cos
            return fiber - mechanics.tendonForceLength(lt / parameters.tendonSlackLength)
        }
        return bisectFiberLength(mtuLength: mtuLength, residual: residual)
    }

    /// Fiber velocity of the equilibrium initializers for a moving MTU: the path speed is shared between
    /// tendon and fiber by their linearized stiffnesses (Millard2012EquilibriumMuscle::
    /// estimateMuscleFiberState, Thelen2003Muscle::initMuscleState), iterated to a fixed point in fv.
    func initialFiberVelocity<M: MuscleMechanics>(_ mechanics: M, activation a: Double, fiberLength lce: Double,
                                                  mtuLength: Double, mtuLengtheningSpeed dml: Double) -> (vN: Double, fv: Double) {
        let fiso = parameters.maxIsometricForce, lopt = parameters.optimalFiberLength, tsl = parameters.tendonSlackLength
        let pen = pennation(lce)
        let lN = lce / lopt, tN = (mtuLength - lce * pen.cos) / tsl
        let fal = mechanics.activeForceLength(lN), fpe = mechanics.passiveForceLength(lN)
        let s = mechanics.curveSlopes(normFiberLength: lN, normTendonLength: tN)
        let beta = mechanics.damping
        let h = parallelogramHeight
        // d(phi)/d(lce) of the fixed-width model (calc_DPennationAngle_DfiberLength).
        let dphi = h > 0 ? (-h / lce / lce) / (1 - (h / lce) * (h / lce)).squareRoot() : 0
        let kt = s.fse * fiso / tsl
        var fv = 1.0, vN = 0.0
        for _ in 0..<100 {
            let fm = fiso * (a * fal * fv + fpe + beta * vN)
            let dFm = fiso * (a * s.fal * fv + s.fpe) / lopt
            let dFmAT = dFm * pen.cos + fm * (-pen.sin * dphi)
            let kmAT = mechanics.fiberStiffnessAlongTendon(dFmAT, fiberLength: lce, sinPennation: pen.sin, cosPennation: pen.cos,
                                                     dPennation: dphi)
            let dtl = (abs(kmAT + kt) > 1e-12 && tN > 1) ? kmAT / (kmAT + kt) * dml : dml
            let vNew = (dml - dtl) * pen.cos / (parameters.maxContractionVelocity * lopt)
            let fvNew = mechanics.initialForceVelocity(activation: a, fal: fal, normFiberVelocity: vNew)
            let done = abs(fvNew - fv) < 1e-13 && abs(vNew - vN) < 1e-13
            fv = fvNew; vN = vNew
            if done { break }
        }
        return (vN, fv)
    }

    /// Fiber length at which fiber force along the tendon equals tendon force for a given activation,
    /// MTU length and MTU lengthening speed. `solveForVelocity` nil follows each class's
    /// computeInitialFiberEquilibrium (`MuscleMechanics.initialFiberVelocity`): Thelen2003 shares the speed between
    /// fiber and tendon (initMuscleState); Millard2012 solves at zero velocity, as OpenSim 4.6 does even for
    /// computeFiberEquilibrium(s, true) (that flag arrives as estimateMuscleFiberState's
    /// staticSolution). `true` applies the stiffness-shared speed to Millard too (our extension,
    /// the velocity branch of estimateMuscleFiberState). DeGroote always uses zero velocity.
    public func equilibriumFiberLength(activation: Double, mtuLength: Double, mtuLengtheningSpeed dml: Double,
                                       solveForVelocity: Bool? = nil) -> Double {
        mechanics.equilibriumFiberLength(self, activation: activation, mtuLength: mtuLength, mtuLengtheningSpeed: dml,
                                         solveForVelocity: solveForVelocity)
    }

    func equilibriumFiberLength<M: MuscleMechanics>(_ mechanics: M, activation: Double, mtuLength: Double,
                                                    mtuLengtheningSpeed dml: Double, solveForVelocity: Bool?) -> Double {
        let useSpeed: Bool
        switch M.initialFiberVelocity {
        case .zero: useSpeed = false
        case .zeroUnlessAsked: useSpeed = solveForVelocity ?? false
        case .sharedUnlessAsked: useSpeed = solveForVelocity ?? true
        }
        if rigidTendon || !useSpeed || abs(dml) < 1e-12 {
            return equilibriumFiberLength(mechanics, activation: activation, mtuLength: mtuLength)
        }
        let a = activationDynamics.clamp(activation)
        let beta = mechanics.damping
        func residual(_ lce: Double) -> Double {
            let pen = pennation(lce)
            let lN = lce / parameters.optimalFiberLength
            let v = initialFiberVelocity(mechanics, activation: a, fiberLength: lce, mtuLength: mtuLength, mtuLengtheningSpeed: dml)
            let fiber = (a * mechanics.activeForceLength(lN) * v.fv + mechanics.passiveForceLength(lN) + beta * v.vN) * pen.cos
            return fiber - mechanics.tendonForceLength((mtuLength - lce * pen.cos) / parameters.tendonSlackLength)
        }
        return bisectFiberLength(mtuLength: mtuLength, residual: residual)
    }
}

extension MuscleMechanics {
    func equilibriumFiberLength(_ m: MuscleModel, activation: Double, mtuLength: Double) -> Double {
        m.equilibriumFiberLength(self, activation: activation, mtuLength: mtuLength)
    }

    func equilibriumFiberLength(_ m: MuscleModel, activation: Double, mtuLength: Double, mtuLengtheningSpeed: Double,
                                solveForVelocity: Bool?) -> Double {
        m.equilibriumFiberLength(self, activation: activation, mtuLength: mtuLength, mtuLengtheningSpeed: mtuLengtheningSpeed,
                                 solveForVelocity: solveForVelocity)
    }

    /// Central differences, for a class without the curves' derivatives in closed form.
    func curveSlopes(normFiberLength lN: Double, normTendonLength tN: Double) -> (fal: Double, fpe: Double, fse: Double) {
        let h = 1e-7
        return ((activeForceLength(lN + h) - activeForceLength(lN - h)) / (2 * h),
                (passiveForceLength(lN + h) - passiveForceLength(lN - h)) / (2 * h),
                (tendonForceLength(tN + h) - tendonForceLength(tN - h)) / (2 * h))
    }

    /// The fiber's stiffness along the tendon, d(F·cos φ)/d(l·cos φ) (Millard2012EquilibriumMuscle::
    /// calc_DFiberForceAT_DFiberLengthAT, as estimateMuscleFiberState uses it).
    func fiberStiffnessAlongTendon(_ dFmAT: Double, fiberLength lce: Double, sinPennation: Double, cosPennation: Double,
                                   dPennation: Double) -> Double {
        dFmAT / (cosPennation - lce * sinPennation * dPennation)
    }

    func initialForceVelocity(activation a: Double, fal: Double, normFiberVelocity vN: Double) -> Double {
        forceVelocity(vN, activation: a).value
    }
}

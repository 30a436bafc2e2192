/// How a muscle's tendon force F and its state rates (ȧ, l̇ of activation a and fiber length l) change with its
/// states and with the path's length L and lengthening speed V: what the stiff integrator's W needs of it.
struct MusclePartials {
    var dFdL = 0.0, dFdV = 0.0, dFda = 0.0, dFdl = 0.0
    var dadotdL = 0.0, dadotdV = 0.0, dadotda = 0.0, dadotdl = 0.0
    var dldotdL = 0.0, dldotdV = 0.0, dldotda = 0.0, dldotdl = 0.0
}

extension MuscleModel {
    /// The partial derivatives at a state. The damped, compliant Millard muscle (the planar gait model's) has them in
    /// closed form from its curves' slopes; every other model by forward differences of `evaluate` in each argument.
    /// `hint`: the evaluation's (`evaluate`), which finds the same fiber speed from it in fewer steps.
    func partials(activation a: Double, fiberLength l: Double, mtuLength length: Double, mtuLengtheningSpeed speed: Double,
                  excitation: Double, hint: UnsafeMutablePointer<Int>? = nil) -> MusclePartials {
        if let curves = millardCurves, useDamping, !rigidTendon, !parameters.ignoreActivationDynamics {
            return dampedMillardPartials(curves, activation: a, fiberLength: l, mtuLength: length, excitation: excitation, hint: hint)
        }
        func f(_ a: Double, _ l: Double, _ length: Double, _ speed: Double) -> (force: Double, da: Double, dl: Double) {
            let e = evaluate(activation: a, fiberLength: l, mtuLength: length, mtuLengtheningSpeed: speed, excitation: excitation)
            return (e.tendonForce, e.activationDerivative, e.fiberLengthDerivative)
        }
        let base = f(a, l, length, speed)
        let hA = 1e-7, hL = 1e-7 * parameters.optimalFiberLength, hP = 1e-8, hV = 1e-6
        let byA = f(a + hA, l, length, speed), byL = rigidTendon ? base : f(a, l + hL, length, speed)
        let byP = f(a, l, length + hP, speed), byV = f(a, l, length, speed + hV)
        return MusclePartials(
            dFdL: (byP.force - base.force) / hP, dFdV: (byV.force - base.force) / hV,
            dFda: (byA.force - base.force) / hA, dFdl: (byL.force - base.force) / hL,
            dadotdL: (byP.da - base.da) / hP, dadotdV: (byV.da - base.da) / hV,
            dadotda: (byA.da - base.da) / hA, dadotdl: (byL.da - base.da) / hL,
            dldotdL: (byP.dl - base.dl) / hP, dldotdV: (byV.dl - base.dl) / hV,
            dldotda: (byA.dl - base.dl) / hA, dldotdl: (byL.dl - base.dl) / hL)
    }

    /// Millard2012EquilibriumMuscle with fiber damping β and an elastic tendon: F = F_iso·fse(lT/lTs) with
    /// lT = L − l·cos φ, and the normalized fiber speed v solving G = a·fal·fv(v) + fpe + β·v − fse/cos φ = 0, so
    /// ∂v/∂x = −(∂G/∂x)/(∂G/∂v). With the fixed-width pennation h = l·sin φ, d(l·cos φ)/dl = 1/cos φ and
    /// d(1/cos φ)/dl = −sin²φ/(l·cos³φ); both vanish where the fiber length or the pennation is held at its limit.
    private func dampedMillardPartials(_ curves: MillardCurves, activation aState: Double, fiberLength l: Double,
                                       mtuLength length: Double, excitation: Double, hint: UnsafeMutablePointer<Int>?) -> MusclePartials {
        let p = parameters, lopt = p.optimalFiberLength, lTs = p.tendonSlackLength
        let vScale = p.maxContractionVelocity * lopt
        var out = MusclePartials()
        // Activation: the clamp's slope times that of the force terms; ȧ by a difference of its own formula.
        let a = activationDynamics.clamp(aState), activeSlope = a == aState ? 1.0 : 0
        let h = aState > 0.5 ? -1e-7 : 1e-7  // toward the inside of the clamp [aMin, 1]
        out.dadotda = (activationDynamics.derivative(activation: aState + h, excitation: excitation)
            - activationDynamics.derivative(activation: aState, excitation: excitation)) / h
        let lengthHeld = l <= minimumFiberLength
        let lce = max(l, minimumFiberLength)
        let pen = pennation(lce)
        let penHeld = parallelogramHeight > 0 && parallelogramHeight / lce >= maxSinPennation
        let dAlongdl = lengthHeld ? 0 : penHeld ? pen.cos : 1 / pen.cos
        let dInverseCosdl = lengthHeld || penHeld ? 0 : -pen.sin * pen.sin / (lce * pen.cos * pen.cos * pen.cos)
        let lN = lce / lopt
        let fal = curves.activeForceLength.evaluate(lN), fpe = curves.fiberForceLength.evaluate(lN)
        let fse = curves.tendonForceLength.evaluate((length - lce * pen.cos) / lTs)
        out.dFdL = p.maxIsometricForce * fse.slope / lTs
        out.dFdl = -out.dFdL * dAlongdl
        let beta = p.fiberDamping
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

/// How a muscle's tendon force F and its state rates (ȧ, l̇ of activation a and fiber length l) change with its
/// states and with the path's length L and lengthening speed V: what the stiff integrator's W needs of it.
struct MusclePartials {
    var dFdL = 0.0, dFdV = 0.0, dFda = 0.0, dFdl = 0.0
    var dadotdL = 0.0, dadotdV = 0.0, dadotda = 0.0, dadotdl = 0.0
    var dldotdL = 0.0, dldotdV = 0.0, dldotda = 0.0, dldotdl = 0.0
}

extension MuscleModel {
    /// The partial derivatives at a state: in closed form where the class has them (the damped, compliant Millard
    /// muscle of the planar gait model), else by forward differences of `evaluate` in each argument.
    /// `hint`: the evaluation's (`evaluate`), which finds the same fiber speed from it in fewer steps.
    func partials(activation a: Double, fiberLength l: Double, mtuLength length: Double, mtuLengtheningSpeed speed: Double,
                  excitation: Double, hint: UnsafeMutablePointer<Int>? = nil) -> MusclePartials {
        mechanics.partials(self, activation: a, fiberLength: l, mtuLength: length, mtuLengtheningSpeed: speed,
                           excitation: excitation, hint: hint)
    }

    @inline(__always)
    func partials<M: MuscleMechanics>(_ mechanics: M, activation a: Double, fiberLength l: Double,
                                      mtuLength length: Double, mtuLengtheningSpeed speed: Double, excitation: Double,
                                      hint: UnsafeMutablePointer<Int>?) -> MusclePartials {
        if let closed = mechanics.closedFormPartials(self, activation: a, fiberLength: l, mtuLength: length,
                                                     excitation: excitation, hint: hint) {
            return closed
        }
        func f(_ a: Double, _ l: Double, _ length: Double, _ speed: Double) -> (force: Double, da: Double, dl: Double) {
            let e = evaluate(mechanics, activation: a, fiberLength: l, mtuLength: length, mtuLengtheningSpeed: speed,
                             excitation: excitation, hint: nil)
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
}

extension MuscleMechanics {
    @inline(__always)  // into the class's witness, with the shared code, as `evaluate`: no copy of the result
    func partials(_ m: MuscleModel, activation: Double, fiberLength: Double, mtuLength: Double,
                  mtuLengtheningSpeed: Double, excitation: Double, hint: UnsafeMutablePointer<Int>?) -> MusclePartials {
        m.partials(self, activation: activation, fiberLength: fiberLength, mtuLength: mtuLength,
                   mtuLengtheningSpeed: mtuLengtheningSpeed, excitation: excitation, hint: hint)
    }

    func closedFormPartials(_ m: MuscleModel, activation a: Double, fiberLength l: Double, mtuLength length: Double,
                            excitation: Double, hint: UnsafeMutablePointer<Int>?) -> MusclePartials? { nil }
}

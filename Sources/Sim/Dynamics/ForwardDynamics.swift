extension Model {
    /// Evaluates the equations of motion at `data`: kinematics, every force element, then M·u̇ = τ for the unlocked
    /// coordinates. Writes `data.udot` and the force elements' state rates into `stateRates`.
    /// Throws when the mass matrix is singular or a result is not finite.
    public func computeAccelerations(_ d: inout SimData, stateRates: inout [Double]) throws {
        updateKinematics(&d)
        clearForces(&d)
        for i in unretainedMuscles.indices {
            if let muscle = unretainedMuscles[i] {
                muscle._withUnsafeGuaranteedRef { $0.apply(model: self, data: &d, slots: slots(i), stateRates: &stateRates) }
            } else {
                unowned(unsafe) let force = forces[i]  // `forces` keeps it alive: no reference counting per call
                force.apply(model: self, data: &d, slots: slots(i), stateRates: &stateRates)
            }
        }
        projectBodyForces(&d, gravity: true, inertial: true)
        computeMassMatrix(&d)
        guard solveAccelerations(&d) else { throw SimError.nonFinite("mass matrix is not positive definite at t = \(d.time)\(massDiagnosis(d))") }
        if constraintRows > 0 { enforceConstraints(&d) }
        for k in 0..<coordinateCount where !d.scratch.udot[k].isFinite {
            throw SimError.nonFinite("non-finite acceleration of \(coordinates[k].name) at t = \(d.time)")
        }
    }
}

extension Model {
    /// Why the mass matrix may be singular: the unlocked coordinates that move no mass or inertia (massless bodies,
    /// as in kinematics-only models), or a non-finite entry.
    func massDiagnosis(_ d: SimData) -> String {
        let n = coordinateCount, m = d.scratch.massMatrix
        if (0..<(n * n)).contains(where: { !m[$0].isFinite }) { return ": it holds non-finite values (check masses, inertias and gravity)" }
        let massless = coordinates.indices.filter { !coordinates[$0].locked && !(m[$0 * n + $0] > 1e-300) }.map { coordinates[$0].name }
        guard !massless.isEmpty else { return "" }
        let all = bodies.allSatisfy { $0.mass == 0 } ? "; every body of the model is massless (a kinematics-only model), so it cannot be simulated" : ""
        return ": coordinates \(massless.prefix(5).joined(separator: ", "))\(massless.count > 5 ? " and \(massless.count - 5) more" : "") move no mass\(all)"
    }
}

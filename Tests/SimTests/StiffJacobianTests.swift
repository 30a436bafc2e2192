import Foundation
import XCTest
@testable import Imitation
@testable import Sim

/// The stiff integrator's Jacobian against finite differences of the full equations of motion.
final class StiffJacobianTests: XCTestCase {
    /// Blocks ∂u̇/∂(q, u, z) and ∂ż/∂(q, u, z) after a fall onto the feet (both models, muscles on, feet in contact)
    /// agree with central differences of the whole right-hand side to 15 % of each block's largest entry (the stiff
    /// ones, which an explicit step cannot resolve) plus a floor below which an error cannot matter.
    func testJacobianMatchesFiniteDifferencesOnTheStiffEntries() throws {
        for stem in ["gait0914_2d", "gait1422_3d"] {
            var model = try ReferenceTable.model(stem)
            if model.forces.first(where: { $0 is HuntCrossleyForce }) == nil { model = try model.withRestoredFootContact() }
            var d = SimData(model: model)
            model.liftFeet(&d, clearance: 0.0)
            for (f, force) in model.forces.enumerated() where force is MuscleForce { d.z[model.stateOffsets[f]] = 0.3 }
            model.equilibrateMuscles(&d)
            for (f, force) in model.forces.enumerated() where force is MuscleForce { d.controls[model.controlOffsets[f]] = 0.4 }
            var integrator = Integrator(model: model, mode: .adaptive(accuracy: 1e-4))
            try integrator.advance(model, &d, to: 0.15)  // land and load the feet
            compare(model, d, stem)
        }
    }

    /// Both contact laws on a ball sliding into the floor: W's friction and normal-force blocks against differences.
    func testContactJacobiansOfBothLaws() throws {
        let r = 0.04, s = 2e6
        let surface = HuntCrossleyForce.Surface(stiffness: s, dissipation: 1, staticFriction: 0.9, dynamicFriction: 0.8, viscousFriction: 0.6)
        let models = [
            SmoothContactAndJacobianTests.freeBall(radius: r) { HuntCrossleyForce(name: "hc", spheres: [($0, surface)], plane: $1, planeSurface: surface, transitionVelocity: 0.1) },
            SmoothContactAndJacobianTests.freeBall(radius: r) { SmoothSphereHalfSpaceForce(name: "smooth", sphere: $0, plane: $1, stiffness: s, dissipation: 1,
                                                                  staticFriction: 0.9, dynamicFriction: 0.8, viscousFriction: 0.6, transitionVelocity: 0.1) },
        ]
        for (name, model) in zip(["Hunt-Crossley", "smooth"], models) {
            var d = SimData(model: model)
            d.q[4] = r - 0.004; d.u[3] = 0.05; d.u[4] = -0.1; d.u[2] = 0.5  // slipping slower than the transition, spinning
            compare(model, d, "ball \(name)")
        }
    }

    /// Prints and checks each block of W against central differences of the whole right-hand side at `d`.
    private func compare(_ model: Model, _ d: SimData, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let n = model.coordinateCount, nz = model.stateCount, size = 2 * n + nz
            var rates = [Double](repeating: 0, count: nz)
            func f(_ state: [Double]) throws -> [Double] {
                var e = d
                for i in 0..<n { e.q[i] = state[i]; e.u[i] = state[n + i] }
                for i in 0..<nz { e.z[i] = state[2 * n + i] }
                try model.computeAccelerations(&e, stateRates: &rates)
                return Array(e.udot) + rates
            }
            let y0 = Array(d.q) + Array(d.u) + Array(d.z)
            var fd = [[Double]](repeating: [Double](repeating: 0, count: size), count: n + nz)  // rows u̇, ż
            for c in 0..<size {
                let h = 1e-7 * max(1, abs(y0[c]))
                var plus = y0, minus = y0
                plus[c] += h; minus[c] -= h
                let fp = try f(plus), fm = try f(minus)
                for r in 0..<(n + nz) { fd[r][c] = (fp[r] - fm[r]) / (2 * h) }
            }
            var e = d
            try model.computeAccelerations(&e, stateRates: &rates)
            var jacobian = StiffJacobian(model: model)
            model.stiffJacobian(&e, &jacobian)
            let a = model.accelerationBlocks(e, jacobian)
            func analytic(_ r: Int, _ c: Int) -> Double {
                if r < n {
                    if c < n { return a.q[r * n + c] }
                    if c < 2 * n { return a.u[r * n + c - n] }
                    return a.z[r * nz + c - 2 * n]
                }
                let i = r - n
                if c < n { return jacobian.zq[i * n + c] }
                if c < 2 * n { return jacobian.zu[i * n + c - n] }
                let start = jacobian.blocks.first { i >= $0.start && i < $0.start + $0.count }!.start, j = c - 2 * n
                return j >= start && j < start + 2 && jacobian.blocks.contains { $0.start == start && j < start + $0.count }
                    ? jacobian.zz(i, j, blockStart: start) : 0
            }
            // Per block, the size of an error that no longer matters for a millisecond step: 1e4 /s² (100 rad/s)
            // for ∂u̇/∂q, 100 /s for the rate blocks; units of the mixed blocks scaled alike.
            for (name, rows, cols, floor) in [("du/dq", 0..<n, 0..<n, 1e4), ("du/du", 0..<n, n..<(2 * n), 100.0),
                                              ("du/dz", 0..<n, (2 * n)..<size, 1e4), ("dz/dq", n..<(n + nz), 0..<n, 100.0),
                                              ("dz/du", n..<(n + nz), n..<(2 * n), 100.0), ("dz/dz", n..<(n + nz), (2 * n)..<size, 100.0)] {
                var largest = 0.0, worst = 0.0, at = (0, 0)
                for r in rows { for c in cols { largest = max(largest, abs(fd[r][c])) } }
                for r in rows { for c in cols {
                    let err = abs(analytic(r, c) - fd[r][c])
                    if err > worst { worst = err; at = (r, c) }
                } }
                print("\(label) \(name): largest |FD| \(largest), worst |W − FD| \(worst) at \(at) (FD \(fd[at.0][at.1]), W \(analytic(at.0, at.1)))")
                // What W leaves out (gravity, velocity products, the change of the contact and path geometry) stays
                // a small part of each block.
                XCTAssertLessThanOrEqual(worst, 0.15 * largest + floor, "\(label) \(name)", file: file, line: line)
            }
        } catch { XCTFail("\(label): \(error)", file: file, line: line) }
    }
}

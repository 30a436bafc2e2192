import Foundation
import XCTest
@testable import Imitation
@testable import Sim

/// The planar routines against the general three-dimensional ones on the planar models.
final class PlanarTreeTests: XCTestCase {
    /// A planar chain with what the gait models lack: joint frames turned about z (one about −z), a rotation that is
    /// a polynomial of its coordinate (so bodies have angular velocity-product accelerations), a coupled slide, and a
    /// weld turned about z, with off-diagonal inertias.
    static func turnedChain() -> Model {
        func turn(_ a: Double) -> Mat3 { Mat3.rotation(axis: Vec3(0, 0, 1), angle: a) }
        let inertia = Mat3(Vec3(0.3, 0.01, 0.02), Vec3(0.01, 0.2, 0.03), Vec3(0.02, 0.03, 0.1))
        let bodies = (0..<3).map { Body(name: "b\($0)", mass: 1 + Double($0), massCenter: Vec3(0.1, -0.2, 0.05), inertia: inertia) }
        let lin = CoordinateFunction.linear(slope: 1, intercept: 0)
        let joints = [
            Joint(name: "root", parent: -1, child: 0, parentRotation: turn(0.3), parentOffset: Vec3(0, 1, 0.1), childRotation: turn(-0.2),
                  childOffset: Vec3(0.05, 0, 0), rotations: [TransformAxis(axis: Vec3(0, 0, -1), coordinate: 0, function: .polynomial([0.4, -0.2, 1, 0]))],
                  translations: [TransformAxis(axis: Vec3(1, 0, 0), coordinate: 1, function: lin),
                                 TransformAxis(axis: Vec3(0.6, 0.8, 0), coordinate: 0, function: .polynomial([0.05, 0.02, 0])),
                                 TransformAxis(axis: Vec3(0, 0, 1), coordinate: nil, function: .constant(0.03))], coordinates: [0, 1]),
            Joint(name: "hinge", parent: 0, child: 1, parentRotation: turn(0.7), parentOffset: Vec3(0.2, -0.4, 0), childRotation: .identity,
                  childOffset: Vec3(0, 0.3, 0.02), rotations: [TransformAxis(axis: Vec3(0, 0, 1), coordinate: 2, function: lin)],
                  translations: [], coordinates: [2]),
            Joint(name: "weld", parent: 1, child: 2, parentRotation: turn(-0.4), parentOffset: Vec3(0.1, -0.3, 0), childRotation: turn(0.1),
                  childOffset: Vec3(0.02, 0.01, 0), rotations: [TransformAxis(axis: Vec3(0, 0, 1), coordinate: nil, function: .constant(0.25))],
                  translations: [], coordinates: []),
        ]
        let coordinates = ["a", "x", "h"].enumerated().map {
            Coordinate(name: $0.element, joint: $0.offset < 2 ? 0 : 1, motion: $0.offset == 1 ? .translational : .rotational,
                       defaultValue: 0.1, defaultSpeed: 0, range: -9...9, locked: false, clamped: false)
        }
        return Model(name: "turned chain", bodies: bodies, joints: joints, coordinates: coordinates, gravity: Vec3(0, -9.81, 0),
                     forces: [], contactGeometry: ContactGeometrySet(), warnings: [])
    }

    func testPlanarModelsAreRecognizedAndOthersAreNot() throws {
        XCTAssertNotNil(Self.turnedChain().planar)
        XCTAssertNotNil(try Model.builtin("gait2d").planar)
        XCTAssertNotNil(try ReferenceTable.model("gait10dof18musc").planar)
        XCTAssertNil(try Model.builtin("gait3d").planar)
    }

    /// Kinematics, mass matrix and projected forces (gravity, velocity products, muscle and contact forces) agree with
    /// the general routines to rounding at random poses, speeds and muscle states, feet pressed into the floor.
    func testPlanarRoutinesMatchTheGeneralOnes() throws {
        for model in [try Model.builtin("gait2d"), try ReferenceTable.model("gait10dof18musc"),
                      try Model.builtin("gait2d").torqueDriven().lockedLeftKnee(), Self.turnedChain()] {
            let planar = try XCTUnwrap(model.planar)
            var rng = Random(seed: 11)
            for trial in 0..<20 {
                var d = SimData(model: model)
                for i in 0..<model.coordinateCount { d.q[i] += rng.uniform(-0.5, 0.5); d.u[i] = rng.uniform(-3, 3) }
                for i in 0..<model.controlCount { d.controls[i] = rng.uniform(0, 1) }
                model.liftFeet(&d, clearance: -0.01)
                model.equilibrateMuscles(&d)
                var general = d
                general.ownScratch()  // the routines below write without copying a shared scratch first
                planar.kinematics(model, &d)
                model.generalKinematics(&general)
                let label = "\(model.name) trial \(trial)"
                for b in model.bodies.indices {
                    XCTAssertLessThan(norm(d.scratch.origin[b] - general.scratch.origin[b]), 1e-13, label)
                    XCTAssertLessThan(norm(d.scratch.velocity[b] - general.scratch.velocity[b]), 1e-12, label)
                    XCTAssertLessThan(norm(d.scratch.angularVelocity[b] - general.scratch.angularVelocity[b]), 1e-12, label)
                    XCTAssertLessThan(norm(d.scratch.linearBias[b] - general.scratch.linearBias[b]), 1e-10, label)
                    XCTAssertLessThan(norm(d.scratch.angularBias[b] - general.scratch.angularBias[b]), 1e-10, label)
                    let r = d.scratch.rotation[b], g = general.scratch.rotation[b]
                    XCTAssertLessThan(norm(r.r0 - g.r0) + norm(r.r1 - g.r1) + norm(r.r2 - g.r2), 1e-13, label)
                }
                for j in model.joints.indices { XCTAssertLessThan(norm(d.scratch.jointOrigin[j] - general.scratch.jointOrigin[j]), 1e-13, label) }
                for k in 0..<model.coordinateCount {
                    XCTAssertLessThan(norm(d.scratch.columnAngular[k] - general.scratch.columnAngular[k]), 1e-13, label)
                    XCTAssertLessThan(norm(d.scratch.columnLinear[k] - general.scratch.columnLinear[k]), 1e-13, label)
                }
                planar.massMatrix(model, &d)
                model.generalMassMatrix(&general)
                let largest = general.scratch.massMatrix.array.map(abs).max()!
                for i in d.scratch.massMatrix.indices { XCTAssertEqual(d.scratch.massMatrix[i], general.scratch.massMatrix[i], accuracy: 1e-13 * largest, label) }
                // Every force element's body forces, with gravity and the velocity products, projected both ways.
                var rates = [Double](repeating: 0, count: model.stateCount)
                model.clearForces(&d); model.clearForces(&general)
                for (i, f) in model.forces.enumerated() {
                    let slots = model.slots(i)
                    f.apply(model: model, data: &d, slots: slots, stateRates: &rates)
                    f.apply(model: model, data: &general, slots: slots, stateRates: &rates)
                }
                planar.projectBodyForces(model, &d, gravity: true, inertial: true)
                model.generalProjectBodyForces(&general, gravity: true, inertial: true)
                let scale = general.scratch.generalized.array.map(abs).max()!
                for k in 0..<model.coordinateCount {
                    XCTAssertEqual(d.scratch.generalized[k], general.scratch.generalized[k], accuracy: 1e-12 * max(scale, 1), "\(label) \(model.coordinates[k].name)")
                }
            }
        }
    }

    /// The tree-ordered factorization M = LᵀL solves M·u̇ = τ as a dense elimination does (both shared models, a few
    /// poses, some coordinates locked), and on them it does follow the tree (two legs are two branches, not a chain).
    func testTreeFactorizationSolvesLikeDenseElimination() throws {
        for stem in ["gait0914_2d", "gait1422_3d"] {
            let loaded = try ReferenceTable.model(stem)
            for model in [loaded, loaded.setting(locked: ["knee_angle_l", "pelvis_tx"])] {
                XCTAssertTrue(model.freeParent.enumerated().contains { $1 != $0 - 1 }, "\(stem): not a chain")
                var d = SimData(model: model)
                for trial in 0..<3 {
                    for k in 0..<model.coordinateCount where !model.coordinates[k].locked {
                        d.q[k] += 0.2 * sin(Double(7 * k + trial)); d.u[k] = cos(Double(3 * k + trial))
                    }
                    var rates = [Double](repeating: 0, count: model.stateCount)
                    try model.computeAccelerations(&d, stateRates: &rates)
                    // Dense Gaussian elimination with partial pivoting over the unlocked coordinates.
                    let free = model.coordinates.indices.filter { !model.coordinates[$0].locked }, n = model.coordinateCount
                    var a = free.map { r in free.map { c in d.scratch.massMatrix[r * n + c] } + [d.scratch.generalized[r]] }
                    for c in free.indices {
                        let p = (c..<free.count).max { abs(a[$0][c]) < abs(a[$1][c]) }!
                        a.swapAt(c, p)
                        for r in (c + 1)..<max(free.count, c + 1) {
                            let f = a[r][c] / a[c][c]
                            for x in c...free.count { a[r][x] -= f * a[c][x] }
                        }
                    }
                    var x = [Double](repeating: 0, count: free.count)
                    for r in stride(from: free.count - 1, through: 0, by: -1) {
                        x[r] = (a[r][free.count] - ((r + 1)..<free.count).reduce(0) { $0 + a[r][$1] * x[$1] }) / a[r][r]
                    }
                    let scale = x.map(abs).max()!
                    for (i, k) in free.enumerated() {
                        XCTAssertEqual(d.udot[k], x[i], accuracy: 1e-10 * scale, "\(model.name) trial \(trial) \(model.coordinates[k].name)")
                    }
                    for k in 0..<n where model.coordinates[k].locked { XCTAssertEqual(d.udot[k], 0) }
                }
            }
        }
    }
}

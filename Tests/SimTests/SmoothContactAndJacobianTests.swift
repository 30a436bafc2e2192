import Foundation
import XCTest
@testable import Sim

final class SmoothContactAndJacobianTests: XCTestCase {
    static func freeBall(radius r: Double, force: (ContactGeometrySet.Sphere, ContactGeometrySet.HalfSpace) -> ForceElement) -> Model {
        let body = Body(name: "ball", mass: 1, massCenter: .zero, inertia: Mat3(Vec3(0.01, 0, 0), Vec3(0, 0.01, 0), Vec3(0, 0, 0.01)))
        let lin = CoordinateFunction.linear(slope: 1, intercept: 0)
        let axes = [Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)]
        let joint = Joint(name: "free", parent: -1, child: 0, parentRotation: .identity, parentOffset: .zero, childRotation: .identity, childOffset: .zero,
                          rotations: (0..<3).map { TransformAxis(axis: axes[$0], coordinate: $0, function: lin) },
                          translations: (0..<3).map { TransformAxis(axis: axes[$0], coordinate: 3 + $0, function: lin) }, coordinates: Array(0..<6))
        let coords = ["rx", "ry", "rz", "tx", "ty", "tz"].enumerated().map {
            Coordinate(name: $0.element, joint: 0, motion: $0.offset < 3 ? .rotational : .translational, defaultValue: 0, defaultSpeed: 0, range: -9...9, locked: false, clamped: false)
        }
        let sphere = ContactGeometrySet.Sphere(name: "s", body: 0, center: .zero, radius: r)
        let floor = ContactGeometrySet.HalfSpace(name: "floor", body: -1, point: .zero, normal: Vec3(0, 1, 0))
        return Model(name: "ball", bodies: [body], joints: [joint], coordinates: coords, gravity: Vec3(0, -9.81, 0), forces: [force(sphere, floor)],
                     contactGeometry: ContactGeometrySet(spheres: [sphere], halfSpaces: [floor]), warnings: [])
    }

    /// Deep in contact and sliding fast, the smooth law's switches are saturated and, with its constant-contact term
    /// made negligible, it equals Hunt–Crossley with two equal surfaces (k = ½·s^(2/3) is the same combined stiffness).
    /// With OpenSim's default cf = 1e-5 the Hertz term uses (δ² + cf)^(3/4) instead of δ^(3/2).
    func testSmoothContactAgreesWithHuntCrossleyAwayFromItsSwitches() throws {
        let r = 0.04, s = 2e6
        let smooth = Self.freeBall(radius: r) { SmoothSphereHalfSpaceForce(name: "smooth", sphere: $0, plane: $1, stiffness: s, dissipation: 1,
                                                                        staticFriction: 0.9, dynamicFriction: 0.8, viscousFriction: 0.6, transitionVelocity: 0.1,
                                                                        constantContactForce: 1e-14) }
        let surface = HuntCrossleyForce.Surface(stiffness: s, dissipation: 1, staticFriction: 0.9, dynamicFriction: 0.8, viscousFriction: 0.6)
        let hc = Self.freeBall(radius: r) { HuntCrossleyForce(name: "hc", spheres: [($0, surface)], plane: $1, planeSurface: surface, transitionVelocity: 0.1) }
        for (depth, vx, vy) in [(0.005, 0.5, -0.1), (0.002, -0.8, 0.05), (0.01, 0.3, 0)] {
            var forces: [Vec3] = []
            for model in [smooth, hc] {
                var d = SimData(model: model)
                d.q[4] = r - depth; d.u[3] = vx; d.u[4] = vy
                var rates: [Double] = []
                try model.computeAccelerations(&d, stateRates: &rates)
                forces.append(Vec3(d.outputs[0], d.outputs[1], d.outputs[2]))
            }
            // What is left are the two smooth switches, both scaling normal force and friction alike.
            let switches = (0.5 + 0.5 * tanh(300 * depth)) * (0.5 + 0.5 * tanh(50 * (-vy + 2.0 / 3.0)))
            XCTAssertLessThan(norm(forces[0] - forces[1] * switches) / norm(forces[1]), 1e-8, "depth \(depth): \(forces)")
            XCTAssertGreaterThan(forces[0].y, 0)
            XCTAssertLessThan(forces[0].x * vx, 0)  // friction opposes the slip
        }
        // Far above the floor only the tiny constant-contact term remains.
        var d = SimData(model: smooth); d.q[4] = 1
        var rates: [Double] = []
        try smooth.computeAccelerations(&d, stateRates: &rates)
        XCTAssertLessThan(abs(d.outputs[1]), 1e-6)
    }

    func testPointJacobianTimesSpeedsIsThePointVelocity() throws {
        let model = try ReferenceTable.model("gait1422_3d")
        var d = SimData(model: model)
        var rng = SystemRandomNumberGenerator()
        for i in 0..<model.coordinateCount { d.q[i] = Double.random(in: -0.5...0.5, using: &rng); d.u[i] = Double.random(in: -2...2, using: &rng) }
        model.updateKinematics(&d)
        let foot = model.bodyIndex("toes_l")!, point = Vec3(0.02, -0.005, 0.026)
        let columns = model.pointJacobian(d, body: foot, point: point)
        let v = zip(columns, d.u).reduce(Vec3.zero) { $0 + $1.0 * $1.1 }
        XCTAssertLessThan(norm(v - d.velocity(of: point, on: foot)), 1e-12)
        // Coordinates of the other leg do not move this point.
        XCTAssertEqual(columns[model.coordinateIndex("knee_angle_r")!], .zero)
    }
}

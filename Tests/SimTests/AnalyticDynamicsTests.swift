import Foundation
import XCTest
@testable import Sim

/// Physics with closed-form answers, on small models built in code.
final class AnalyticDynamicsTests: XCTestCase {
    /// A rod-like body hanging from a pin at the ground origin, its centre of mass `length` below the pin.
    private func pendulum(mass: Double = 2, length: Double = 0.5, inertia: Double = 0.01, forces: [ForceElement] = []) -> Model {
        let body = Body(name: "bob", mass: mass, massCenter: Vec3(0, -length, 0), inertia: Mat3(Vec3(inertia, 0, 0), Vec3(0, inertia, 0), Vec3(0, 0, inertia)))
        let joint = Joint(name: "pin", parent: -1, child: 0, parentRotation: .identity, parentOffset: .zero, childRotation: .identity,
                          childOffset: .zero, rotations: [TransformAxis(axis: Vec3(0, 0, 1), coordinate: 0, function: .linear(slope: 1, intercept: 0))],
                          translations: [], coordinates: [0])
        let q = Coordinate(name: "theta", joint: 0, motion: .rotational, defaultValue: 0, defaultSpeed: 0, range: -10...10, locked: false, clamped: false)
        return Model(name: "pendulum", bodies: [body], joints: [joint], coordinates: [q], gravity: Vec3(0, -9.81, 0),
                     forces: forces, contactGeometry: ContactGeometrySet(), warnings: [])
    }

    /// A ball on a planar joint (rotation z, translations x, y) from ground.
    private func ball(radius: Double, mass: Double, forces: (ContactGeometrySet.Sphere, ContactGeometrySet.HalfSpace) -> [ForceElement] = { _, _ in [] }) -> Model {
        let body = Body(name: "ball", mass: mass, massCenter: .zero, inertia: Mat3(Vec3(0.01, 0, 0), Vec3(0, 0.01, 0), Vec3(0, 0, 0.01)))
        let lin = CoordinateFunction.linear(slope: 1, intercept: 0)
        let joint = Joint(name: "planar", parent: -1, child: 0, parentRotation: .identity, parentOffset: .zero, childRotation: .identity, childOffset: .zero,
                          rotations: [TransformAxis(axis: Vec3(0, 0, 1), coordinate: 0, function: lin)],
                          translations: [TransformAxis(axis: Vec3(1, 0, 0), coordinate: 1, function: lin), TransformAxis(axis: Vec3(0, 1, 0), coordinate: 2, function: lin)],
                          coordinates: [0, 1, 2])
        let coords = ["rz", "tx", "ty"].enumerated().map {
            Coordinate(name: $0.element, joint: 0, motion: $0.offset == 0 ? .rotational : .translational, defaultValue: 0, defaultSpeed: 0, range: -10...10, locked: false, clamped: false)
        }
        let sphere = ContactGeometrySet.Sphere(name: "s", body: 0, center: .zero, radius: radius)
        let floor = ContactGeometrySet.HalfSpace(name: "floor", body: -1, point: .zero, normal: Vec3(0, 1, 0))
        return Model(name: "ball", bodies: [body], joints: [joint], coordinates: coords, gravity: Vec3(0, -9.81, 0),
                     forces: forces(sphere, floor), contactGeometry: ContactGeometrySet(spheres: [sphere], halfSpaces: [floor]), warnings: [])
    }

    func testPendulumSmallOscillationPeriodAndEnergy() throws {
        let m = 2.0, l = 0.5, i = 0.01, g = 9.81
        let model = pendulum(mass: m, length: l, inertia: i)
        var d = SimData(model: model)
        d.q[0] = 0.01
        var integrator = Integrator(model: model, mode: .adaptive(accuracy: 1e-9))
        // Zero crossings going the same way are one period apart: T = 2π√(I_pivot / (m g l)).
        let expected = 2 * Double.pi * ((i + m * l * l) / (m * g * l)).squareRoot()
        var crossings: [Double] = [], previous = d.q[0], t = 0.0
        let dt = 1e-3
        while crossings.count < 3 {
            t += dt
            try integrator.advance(model, &d, to: t)
            if previous > 0 && d.q[0] <= 0 { crossings.append(t - dt * d.q[0] / (d.q[0] - previous)) }
            previous = d.q[0]
        }
        XCTAssertEqual(crossings[2] - crossings[1], expected, accuracy: 1e-4 * expected)

        // Large swing with fixed RK4 steps: energy is conserved.
        d = SimData(model: model); d.q[0] = 2.0
        var fixed = Integrator(model: model, mode: .fixed(step: 1e-3))
        func energy(_ d: SimData) -> Double { 0.5 * (i + m * l * l) * d.u[0] * d.u[0] - m * g * l * cos(d.q[0]) }
        let e0 = energy(d)
        try fixed.advance(model, &d, to: 3)
        XCTAssertEqual(energy(d), e0, accuracy: 1e-6 * abs(e0))
    }

    func testFirstCrossingOfAnExtrapolatedDistance() throws {
        XCTAssertEqual(try XCTUnwrap(firstCrossing(1, -2, 0, after: 0, before: 1)), 0.5, accuracy: 1e-15)
        XCTAssertEqual(try XCTUnwrap(firstCrossing(1, 0, -2, after: 0, before: 2)), 1, accuracy: 1e-15)  // 1 − τ² = 0
        XCTAssertEqual(try XCTUnwrap(firstCrossing(-1, 3, -2, after: 0, before: 2)), (3 - 5.0.squareRoot()) / 2, accuracy: 1e-15)  // −1 + 3τ − τ²: 0.38, 2.62
        XCTAssertEqual(try XCTUnwrap(firstCrossing(0.1, -1e9, 1e-3, after: 0, before: 1)), 1e-10, accuracy: 1e-22)  // no cancellation
        XCTAssertNil(firstCrossing(1, -2, 0, after: 0, before: 0.4))  // beyond the horizon
        XCTAssertNil(firstCrossing(1, 2, 0, after: 0, before: 10))    // moving away
        XCTAssertNil(firstCrossing(1, 0, 2, after: 0, before: 10))    // accelerating away
        XCTAssertNil(firstCrossing(1e-9, -1, 0, after: 1e-6, before: 1))  // the crossing the step starts on
    }

    /// A limit like the knees' of gait0914_2d (damping switched on within 0.01°): the time to each edge of its
    /// transitions, and a pendulum swinging into it, which the stiff integrator crosses by ending a step at each edge
    /// instead of shrinking a step that straddles one through a cascade of rejections (1 s: 110 steps and 1 rejected;
    /// without the kink times, 118 and 8).
    func testStiffIntegratorStepsOntoTheEdgesOfASharpCoordinateLimit() throws {
        let limit = CoordinateLimitForce(name: "limit", coordinate: 0, upperLimit: 90, lowerLimit: -30, upperStiffness: 2,
                                         lowerStiffness: 2, damping: 0.2, transition: 0.01, rotational: true)
        let degree = Double.pi / 180
        let model = pendulum(forces: [limit])
        func time(_ q: Double, _ u: Double, after: Double = 0) -> Double? {
            var d = SimData(model: model)
            d.q[0] = q; d.u[0] = u; d.scratch.udot[0] = 0
            return limit.timeToKink(model: model, data: d, after: after, within: 1)
        }
        XCTAssertEqual(try XCTUnwrap(time(-29 * degree, -1)), degree, accuracy: 1e-15)  // 1° at 1 rad/s
        XCTAssertEqual(try XCTUnwrap(time(-30 * degree, -1, after: 1e-9)), 0.01 * degree, accuracy: 1e-15)  // across the transition
        XCTAssertEqual(try XCTUnwrap(time(-29 * degree, 3)), 119 * degree / 3, accuracy: 1e-14)  // toward the upper limit
        XCTAssertNil(time(0, 0))

        var d = SimData(model: model)
        d.q[0] = 1
        var integrator = Integrator(model: model, mode: .stiff(accuracy: 1e-3))
        var lowest = 0.0
        for k in 1...100 {
            try integrator.advance(model, &d, to: Double(k) * 0.01)
            lowest = min(lowest, d.q[0])
        }
        print("pendulum into a sharp limit, 1 s: \(integrator.steps) steps, \(integrator.rejected) rejected, lowest \(lowest / degree)°")
        XCTAssertLessThan(lowest, -30 * degree)  // it does reach the limit
        XCTAssertLessThanOrEqual(integrator.rejected, 2)
    }

    func testFreeFallFollowsTheParabola() throws {
        let model = ball(radius: 0.1, mass: 3)
        var d = SimData(model: model)
        d.q[2] = 10; d.u[1] = 1.5; d.u[2] = 2
        var integrator = Integrator(model: model, mode: .adaptive(accuracy: 1e-8))
        try integrator.advance(model, &d, to: 0.8)
        XCTAssertEqual(d.q[1], 1.5 * 0.8, accuracy: 1e-9)
        XCTAssertEqual(d.q[2], 10 + 2 * 0.8 - 0.5 * 9.81 * 0.64, accuracy: 1e-9)
        XCTAssertEqual(d.u[2], 2 - 9.81 * 0.8, accuracy: 1e-9)
    }

    func testBallSettlesOnHuntCrossleyFloorAtThePenetrationThatCarriesItsWeight() throws {
        let k = 1e6, r = 0.05, mass = 2.0
        let surface = HuntCrossleyForce.Surface(stiffness: k, dissipation: 2, staticFriction: 0.8, dynamicFriction: 0.6, viscousFriction: 0)
        let model = ball(radius: r, mass: mass) { sphere, floor in
            [HuntCrossleyForce(name: "contact", spheres: [(sphere, surface)], plane: floor, planeSurface: surface, transitionVelocity: 0.1)]
        }
        var d = SimData(model: model)
        d.q[2] = r + 0.02
        var integrator = Integrator(model: model, mode: .adaptive(accuracy: 1e-6))
        try integrator.advance(model, &d, to: 3)
        // Equal surfaces combine to k/2^1.5; at rest (4/3)·k_eff·√r·x^1.5 = m·g.
        let kEff = k / pow(2, 1.5)
        let x = pow(mass * 9.81 / (4.0 / 3.0 * kEff * r.squareRoot()), 2.0 / 3.0)
        XCTAssertEqual(r - d.q[2], x, accuracy: 1e-6)
        XCTAssertEqual(d.u[2], 0, accuracy: 1e-6)
        XCTAssertEqual(d.outputs[1], mass * 9.81, accuracy: 1e-3)  // the reported contact force carries the weight
    }

    func testNonFiniteStatesAreReportedNotPropagated() {
        let model = pendulum()
        var d = SimData(model: model)
        d.u[0] = .nan
        var integrator = Integrator(model: model, mode: .fixed(step: 0.01))
        XCTAssertThrowsError(try integrator.advance(model, &d, to: 0.1)) { error in
            XCTAssertTrue("\(error)".contains("non-finite"), "\(error)")
        }
    }
}

import Foundation
import XCTest
@testable import Imitation
@testable import Sim

/// Contact and limit forces, and a passive drop onto the floor, against OpenSim 4.6 (tables from
/// scripts/opensim_reference.py).
final class ContactAndDropAgainstOpenSimTests: XCTestCase {
    /// One sphere of radius r on a free body against the floor, evaluated directly.
    func testHuntCrossleySphereMatchesOpenSim() throws {
        let cases: [(String, Double, HuntCrossleyForce.Surface)] = [
            ("contact_gait0914_2d_r04.csv", 0.04, .init(stiffness: 2e6, dissipation: 1, staticFriction: 0.9, dynamicFriction: 0.8, viscousFriction: 0.6)),
            ("contact_gait1422_3d_restored_r05.csv", 0.05, .init(stiffness: 5e5, dissipation: 1, staticFriction: 0.8, dynamicFriction: 0.8, viscousFriction: 0)),
            ("contact_gait1422_3d_restored_r025.csv", 0.025, .init(stiffness: 5e5, dissipation: 1, staticFriction: 0.8, dynamicFriction: 0.8, viscousFriction: 0)),
        ]
        for (file, r, surface) in cases {
            let table = try ReferenceTable(file)
            let body = Body(name: "ball", mass: 1, massCenter: .zero, inertia: Mat3(Vec3(0.01, 0, 0), Vec3(0, 0.01, 0), Vec3(0, 0, 0.01)))
            let lin = CoordinateFunction.linear(slope: 1, intercept: 0)
            let joint = Joint(name: "free", parent: -1, child: 0, parentRotation: .identity, parentOffset: .zero, childRotation: .identity, childOffset: .zero,
                              rotations: [], translations: (0..<3).map { TransformAxis(axis: [Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)][$0], coordinate: $0, function: lin) },
                              coordinates: [0, 1, 2])
            let coords = ["tx", "ty", "tz"].map { Coordinate(name: $0, joint: 0, motion: .translational, defaultValue: 0, defaultSpeed: 0, range: -1...1, locked: false, clamped: false) }
            let sphere = ContactGeometrySet.Sphere(name: "ball", body: 0, center: .zero, radius: r)
            let floor = ContactGeometrySet.HalfSpace(name: "platform", body: -1, point: .zero, normal: Vec3(0, 1, 0))
            let contact = HuntCrossleyForce(name: "c", spheres: [(sphere, surface)], plane: floor, planeSurface: surface, transitionVelocity: 0.1)
            let model = Model(name: "ball", bodies: [body], joints: [joint], coordinates: coords, gravity: .zero, forces: [contact],
                              contactGeometry: ContactGeometrySet(spheres: [sphere], halfSpaces: [floor]), warnings: [])
            var worst = 0.0
            for row in table.rows {
                var d = SimData(model: model)
                d.q = [0, r - table.value(row, "depth"), 0]
                d.u = [table.value(row, "vx"), table.value(row, "vy"), table.value(row, "vz")]
                var rates: [Double] = []
                try model.computeAccelerations(&d, stateRates: &rates)
                let f = Vec3(d.outputs[0], d.outputs[1], d.outputs[2])
                let expected = Vec3(table.value(row, "Fx"), table.value(row, "Fy"), table.value(row, "Fz"))
                worst = max(worst, norm(f - expected))
                // Moment about the sphere centre: the reported moment is about the ground origin.
                let momentAboutCenter = Vec3(d.outputs[3], d.outputs[4], d.outputs[5]) - cross(Vec3(0, r - table.value(row, "depth"), 0), f)
                worst = max(worst, norm(momentAboutCenter - Vec3(table.value(row, "Tx"), table.value(row, "Ty"), table.value(row, "Tz"))))
            }
            XCTAssertLessThan(worst, 1e-9, file)
        }
    }

    func testKneeLimitForceMatchesOpenSim() throws {
        let model = try ReferenceTable.model("gait0914_2d")
        let table = try ReferenceTable("gait0914_2d_knee_limit_force.csv")
        let limit = try XCTUnwrap(model.forces.first { $0.name == "knee_limit_r" } as? CoordinateLimitForce)
        for row in table.rows {
            let f = limit.force(q: table.value(row, "knee_angle_r"), u: table.value(row, "knee_speed_r"))
            XCTAssertEqual(f, table.value(row, "generalized_force"), accuracy: 1e-9 * max(1, abs(f)))
        }
    }

    private func drop(_ stem: String, mode: Integrator.Mode, duration: Double) throws -> (worstPelvis: Double, worstCoordinate: Double) {
        var model = try ReferenceTable.model(stem).removing { $0 is MuscleForce }  // OpenSim's passive drop has no muscles
        if stem == "gait1422_3d" { model = try model.withRestoredFootContact() }
        let table = try ReferenceTable("\(stem)_drop_passive_acc1e-6.csv")
        var d = SimData(model: model)
        // Same start as OpenSim: the default pose with the feet 4 cm above the floor (checked against the table's row 0).
        model.liftFeet(&d, clearance: 0.04)
        for (i, c) in model.coordinates.enumerated() {
            XCTAssertEqual(d.q[i], table.value(table.rows[0], "q_\(c.name)"), accuracy: 1e-12, "\(stem) initial \(c.name)")
            XCTAssertEqual(d.u[i], table.value(table.rows[0], "u_\(c.name)"), accuracy: 1e-12)
        }
        var integrator = Integrator(model: model, mode: mode)
        let ty = model.coordinateIndex("pelvis_ty")!
        var worstPelvis = 0.0, worstCoordinate = 0.0
        for row in table.rows.dropFirst() {
            let t = table.value(row, "time")
            if t > duration + 1e-9 { break }
            try integrator.advance(model, &d, to: t)
            worstPelvis = max(worstPelvis, abs(d.q[ty] - table.value(row, "q_pelvis_ty")))
            for (i, c) in model.coordinates.enumerated() where c.motion == .rotational {
                worstCoordinate = max(worstCoordinate, abs(d.q[i] - table.value(row, "q_\(c.name)")))
            }
        }
        return (worstPelvis, worstCoordinate)
    }

    func testPassiveDropFollowsOpenSimPelvisHeightWithin2mm() throws {
        for stem in ["gait0914_2d", "gait1422_3d"] {
            for (name, mode) in [("explicit", Integrator.Mode.adaptive(accuracy: 1e-3)), ("stiff", .stiff(accuracy: 1e-3))] {
                let r = try drop(stem, mode: mode, duration: 0.3)
                print("\(stem) passive drop over 0.3 s at accuracy 1e-3 (\(name)): pelvis_ty worst |Δ| = \(r.worstPelvis) m, worst rotational coordinate |Δ| = \(r.worstCoordinate) rad")
                XCTAssertLessThan(r.worstPelvis, 0.002, "\(stem) \(name)")
            }
        }
    }
}

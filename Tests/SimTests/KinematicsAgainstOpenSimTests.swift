import XCTest
@testable import Sim

/// Forward kinematics, mass matrix and bias forces of the three shared models against OpenSim 4.6.
final class KinematicsAgainstOpenSimTests: XCTestCase {
    static let stems = ["gait0914_2d", "gait1422_3d", "gait10dof18musc"]

    private func posedData(_ model: Model, _ poses: ReferenceTable, pose: Int) -> SimData {
        var d = SimData(model: model)
        let row = poses.rows[pose]
        for (i, c) in model.coordinates.enumerated() {
            d.q[i] = poses.value(row, "q_\(c.name)")
            d.u[i] = poses.value(row, "u_\(c.name)")
        }
        return d
    }

    func testCoordinateOrderMatchesOpenSim() throws {
        for stem in Self.stems {
            let model = try ReferenceTable.model(stem)
            let table = try ReferenceTable("\(stem)_coordinates.csv")
            XCTAssertEqual(model.coordinates.map(\.name), table.rows.map { $0[table.column("coordinate")] }, stem)
            for (c, row) in zip(model.coordinates, table.rows) {
                XCTAssertEqual(c.locked, row[table.column("locked")] == "1" || row[table.column("locked")] == "True", "\(stem) \(c.name)")
            }
        }
    }

    func testForwardKinematicsMatchesOpenSimTo1e6() throws {
        for stem in Self.stems {
            let model = try ReferenceTable.model(stem)
            let poses = try ReferenceTable("\(stem)_poses.csv"), fk = try ReferenceTable("\(stem)_fk.csv")
            var worst = (position: 0.0, rotation: 0.0, velocity: 0.0, angular: 0.0)
            for row in fk.rows {
                let pose = Int(row[fk.column("pose")])!
                let name = row[fk.column("body")]
                if name == "ground" { continue }
                var d = posedData(model, poses, pose: pose)
                model.updateKinematics(&d)
                guard let b = model.bodyIndex(name) else { XCTFail("\(stem): body \(name) missing"); continue }
                let p = Vec3(fk.value(row, "px"), fk.value(row, "py"), fk.value(row, "pz"))
                worst.position = max(worst.position, norm(d.origin[b] - p))
                for i in 0..<3 { for j in 0..<3 { worst.rotation = max(worst.rotation, abs(d.rotation[b][i, j] - fk.value(row, "R\(i)\(j)"))) } }
                worst.velocity = max(worst.velocity, norm(d.velocity[b] - Vec3(fk.value(row, "vx"), fk.value(row, "vy"), fk.value(row, "vz"))))
                worst.angular = max(worst.angular, norm(d.angularVelocity[b] - Vec3(fk.value(row, "wx"), fk.value(row, "wy"), fk.value(row, "wz"))))
            }
            XCTAssertLessThan(worst.position, 1e-6, "\(stem) body origin (m)")
            XCTAssertLessThan(worst.rotation, 1e-6, "\(stem) rotation")
            XCTAssertLessThan(worst.velocity, 1e-6, "\(stem) velocity (m/s)")
            XCTAssertLessThan(worst.angular, 1e-6, "\(stem) angular velocity (rad/s)")
            print("\(stem) FK worst: position \(worst.position) m, rotation \(worst.rotation), velocity \(worst.velocity) m/s, angular \(worst.angular) rad/s")
        }
    }

    func testCenterOfMassMatchesOpenSim() throws {
        for stem in Self.stems {
            let model = try ReferenceTable.model(stem)
            let poses = try ReferenceTable("\(stem)_poses.csv"), com = try ReferenceTable("\(stem)_com.csv")
            for row in com.rows {
                var d = posedData(model, poses, pose: Int(row[com.column("pose")])!)
                model.updateKinematics(&d)
                let c = model.centerOfMass(d)
                XCTAssertEqual(model.totalMass, com.value(row, "mass"), accuracy: 1e-9)
                XCTAssertLessThan(norm(c.position - Vec3(com.value(row, "cx"), com.value(row, "cy"), com.value(row, "cz"))), 1e-6, stem)
                XCTAssertLessThan(norm(c.velocity - Vec3(com.value(row, "cvx"), com.value(row, "cvy"), com.value(row, "cvz"))), 1e-6, stem)
            }
        }
    }

    func testMassMatrixAndBiasForcesMatchOpenSimTo1e6Relative() throws {
        for stem in Self.stems {
            let model = try ReferenceTable.model(stem)
            let poses = try ReferenceTable("\(stem)_poses.csv"), mm = try ReferenceTable("\(stem)_mass_matrix.csv")
            let gf = try ReferenceTable("\(stem)_genforces.csv")
            let n = model.coordinateCount
            var worstM = 0.0, worstG = 0.0, worstV = 0.0
            for pose in 0..<poses.rows.count {
                var d = posedData(model, poses, pose: pose)
                let m = model.massMatrix(&d)
                let rows = mm.rows.filter { Int($0[mm.column("pose")]) == pose }
                let scale = rows.flatMap { r in model.coordinates.map { abs(mm.value(r, $0.name)) } }.max()!
                for r in rows {
                    let i = model.coordinateIndex(r[mm.column("row")])!
                    for (j, c) in model.coordinates.enumerated() { worstM = max(worstM, abs(m[i * n + j] - mm.value(r, c.name)) / scale) }
                }
                let (g, v) = model.biasForces(&d)
                let forceRows = gf.rows.filter { Int($0[gf.column("pose")]) == pose }
                let gScale = forceRows.map { abs(gf.value($0, "gravity")) }.max()!
                let vScale = max(forceRows.map { abs(gf.value($0, "velocity")) }.max()!, 1e-9)
                for r in forceRows {
                    let i = model.coordinateIndex(r[gf.column("coordinate")])!
                    worstG = max(worstG, abs(g[i] - gf.value(r, "gravity")) / gScale)
                    if pose > 0 { worstV = max(worstV, abs(v[i] - gf.value(r, "velocity")) / vScale) }
                }
            }
            XCTAssertLessThan(worstM, 1e-6, "\(stem) mass matrix (relative to its largest entry)")
            XCTAssertLessThan(worstG, 1e-6, "\(stem) gravity forces (relative)")
            XCTAssertLessThan(worstV, 1e-6, "\(stem) velocity-product forces (relative)")
            print("\(stem): mass matrix worst relative error \(worstM), gravity \(worstG), velocity terms \(worstV)")
        }
    }
}

import XCTest
@testable import Sim

/// Path lengths and moment arms of every muscle of the three shared models against OpenSim 4.6.
final class MusclePathAgainstOpenSimTests: XCTestCase {
    static let stems = ["gait0914_2d", "gait1422_3d", "gait10dof18musc"]

    private func paths(_ stem: String, _ model: Model) throws -> [String: GeometryPath] {
        let path = ReferenceTable.models.appendingPathComponent("\(stem).osim").path
        let muscles = try MuscleParameterReader.read(osimPath: path).muscles
        return Dictionary(uniqueKeysWithValues: try muscles.map { ($0.name, try GeometryPath($0.path, model: model, muscle: $0.name)) })
    }

    func testSweepsOfLengthAndMomentArmMatchOpenSimTo1e4() throws {
        for stem in Self.stems {
            let model = try ReferenceTable.model(stem)
            let paths = try paths(stem, model)
            let table = try ReferenceTable("\(stem)_muscle_paths.csv")
            var worstLength = 0.0, worstArm = 0.0
            for row in table.rows {
                let muscle = row[table.column("muscle")], coordinate = model.coordinateIndex(row[table.column("coordinate")])!
                var d = SimData(model: model)
                d.q[coordinate] = table.value(row, "value")
                model.updateKinematics(&d)
                let path = try XCTUnwrap(paths[muscle], muscle)
                worstLength = max(worstLength, abs(path.lengthAndSpeed(d).length - table.value(row, "length")))
                worstArm = max(worstArm, abs(model.momentArms(of: path, &d)[coordinate] - table.value(row, "moment_arm")))
            }
            print("\(stem): \(table.rows.count) sweep points, worst path length error \(worstLength) m, worst moment arm error \(worstArm) m")
            XCTAssertLessThan(worstLength, 1e-4, stem)
            XCTAssertLessThan(worstArm, 1e-4, stem)
        }
    }

    func testAllMomentArmsAtRandomPosesMatchOpenSim() throws {
        for stem in Self.stems {
            let model = try ReferenceTable.model(stem)
            let paths = try paths(stem, model)
            let poses = try ReferenceTable("\(stem)_poses.csv"), table = try ReferenceTable("\(stem)_muscle_paths_poses.csv")
            var worst = 0.0
            for row in table.rows {
                var d = SimData(model: model)
                let pose = poses.rows[Int(row[table.column("pose")])!]
                for (i, c) in model.coordinates.enumerated() { d.q[i] = poses.value(pose, "q_\(c.name)"); d.u[i] = poses.value(pose, "u_\(c.name)") }
                model.updateKinematics(&d)
                let path = paths[row[table.column("muscle")]]!
                worst = max(worst, abs(path.lengthAndSpeed(d).length - table.value(row, "length")))
                let arms = model.momentArms(of: path, &d)
                for (i, c) in model.coordinates.enumerated() { worst = max(worst, abs(arms[i] - table.value(row, "ma_\(c.name)"))) }
                // Lengthening speed is the moment arms against the speeds: dL/dt = −Σ r_k·u_k.
                let speed = path.lengthAndSpeed(d).speed
                XCTAssertEqual(speed, -zip(arms, d.u).reduce(0) { $0 + $1.0 * $1.1 }, accuracy: 1e-10)
            }
            XCTAssertLessThan(worst, 1e-4, stem)
        }
    }
}

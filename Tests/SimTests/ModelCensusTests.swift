import XCTest
@testable import Sim

/// Every shared model (the three gait models, OpenSim's 34 examples, osim-rl's arm) against what OpenSim 4.6 makes of
/// it (Tests/SimTests/ModelCensus, written by scripts/opensim_model_census.py): which load, coordinate order and
/// motion types, locked flags, defaults, and IK files applied to 4.x models.
final class ModelCensusTests: XCTestCase {
    /// The models the loader refuses, with a word its one-line error must contain. Every other model must load.
    static let refused: [String: String] = [
        "opensim-models/Arm26/arm26.osim": "wrapping",
        "opensim-models/Rajagopal/Rajagopal2016.osim": "wrapping",
        "opensim-models/Rajagopal/RajagopalLaiUhlrich2023.osim": "wrapping",
        "opensim-models/WristModel/wrist.osim": "Schutte1993Muscle_Deprecated",
        "osim-rl/MoBL_ARMS_J_Simple_032118.osim": "Schutte1993Muscle_Deprecated",
    ]

    func testEveryModelLoadsWithOpenSimsCoordinatesOrIsRefusedInOneLine() throws {
        let table = try ReferenceTable("coordinates.csv", folder: "ModelCensus")
        let models = table.rows.map { $0[0] }.reduce(into: [String]()) { if $1 != $0.last { $0.append($1) } }
        try XCTSkipUnless(FileManager.default.fileExists(atPath: ReferenceTable.models.appendingPathComponent(models[0]).path), "shared data not present")
        var loaded = 0
        for file in models {
            let path = ReferenceTable.models.appendingPathComponent(file).path
            let model: Model
            do { model = try OsimLoader.load(path: path) } catch {
                let line = "\(error)"
                guard let word = Self.refused[file] else { XCTFail("\(file) does not load: \(line)"); continue }
                XCTAssertTrue(line.contains(word), "\(file): refusal should name \(word): \(line)")
                XCTAssertFalse(line.contains("\n"), "\(file): one line")
                continue
            }
            XCTAssertNil(Self.refused[file], "\(file) loads now: take it off the refused list")
            loaded += 1
            let rows = table.rows.filter { $0[0] == file }
            XCTAssertEqual(model.coordinates.map(\.name), rows.map { $0[table.column("coordinate")] }, "\(file): coordinate order")
            for (c, row) in zip(model.coordinates, rows) {
                XCTAssertEqual(c.motion.rawValue, row[table.column("motion")], "\(file) \(c.name): motion type")
                XCTAssertEqual(c.locked, row[table.column("locked")] == "1", "\(file) \(c.name): locked")
                XCTAssertEqual(c.defaultValue, table.value(row, "default"), accuracy: 1e-12, "\(file) \(c.name): default value")
                XCTAssertEqual(c.range.lowerBound, min(table.value(row, "min"), table.value(row, "max")), accuracy: 1e-12, "\(file) \(c.name)")
                XCTAssertEqual(c.range.upperBound, max(table.value(row, "min"), table.value(row, "max")), accuracy: 1e-12, "\(file) \(c.name)")
            }
        }
        XCTAssertEqual(loaded, models.count - Self.refused.count)
    }

    /// OpenSim's IK files are `inDegrees=yes` with translations in metres: only rotational coordinates convert, and a
    /// locked coordinate keeps its value. Body origins in ground at rows of the file, against OpenSim's.
    func testIKFilesDriveFormat4ModelsAsOpenSimDoes() throws {
        let table = try ReferenceTable("ik_poses.csv", folder: "ModelCensus")
        var cases: [String: Model] = [:], motions: [String: MotionTable] = [:]
        var worst = 0.0, compared = 0
        for row in table.rows {
            let file = row[0], motionName = row[1]
            guard let model = try cases[file] ?? loadIfPresent(file) else { continue }
            cases[file] = model
            let motion = try motions[motionName] ?? MotionTable.read(path: ReferenceTable.models.deletingLastPathComponent().appendingPathComponent("motions/\(motionName)").path)
            motions[motionName] = motion
            var d = SimData(model: model)
            let result = model.setState(&d, from: motion, at: table.value(row, "time"))
            XCTAssertFalse(result.set.isEmpty)
            model.updateKinematics(&d)
            guard let b = model.bodyIndex(row[table.column("body")]) else { XCTFail("\(file): no body \(row[3])"); continue }
            worst = max(worst, norm(d.origin[b] - Vec3(table.value(row, "x"), table.value(row, "y"), table.value(row, "z"))))
            compared += 1
        }
        XCTAssertGreaterThan(compared, 0)
        XCTAssertLessThan(worst, 1e-9, "body origin (m)")
    }

    private func loadIfPresent(_ file: String) throws -> Model? {
        let path = ReferenceTable.models.appendingPathComponent(file).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try OsimLoader.load(path: path)
    }
}

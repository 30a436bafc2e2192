import Foundation
import XCTest
@testable import Sim

final class MotionTableTests: XCTestCase {
    static let motions = ReferenceTable.models.deletingLastPathComponent().appendingPathComponent("motions")

    func testReadsBothHeaderStylesOfTheSharedMotions() throws {
        let ik = Self.motions.appendingPathComponent("subject01_walk_IK.mot").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: ik))
        let walk = try MotionTable.read(path: ik)
        XCTAssertTrue(walk.inDegrees)
        XCTAssertEqual(walk.labels.count, 10)
        XCTAssertEqual(walk.time.count, 151)
        XCTAssertEqual(walk.values("pelvis_tilt")?.first ?? 0, 10.32995988, accuracy: 1e-9)
        // Old style: "name …", "datacolumns", "datarows", no inDegrees, trailing tabs.
        let grf = try MotionTable.read(path: Self.motions.appendingPathComponent("subject02_running_grf.mot").path)
        XCTAssertEqual(grf.name, "subject02_running.mot")
        XCTAssertEqual(grf.labels.count + 1, 42)
        XCTAssertEqual(grf.time.count, 601)  // the file holds 601 rows although its header says datarows 901
        XCTAssertFalse(grf.inDegrees)
    }

    func testRoundTripAndErrorsNameTheLine() throws {
        let table = MotionTable(name: "states", labels: ["a", "b"], time: [0, 0.01], rows: [[1, -2.5], [1.25, 3e-7]], inDegrees: false)
        XCTAssertEqual(try MotionTable.parse(table.text(), source: "mem"), table)
        let bad = "x\nendheader\ntime\ta\n0\t1\n0.01\tnope\n"
        XCTAssertThrowsError(try MotionTable.parse(bad, source: "bad.mot")) { XCTAssertTrue("\($0)".contains("bad.mot: line 5"), "\($0)") }
        XCTAssertThrowsError(try MotionTable.parse("no header\n1 2\n", source: "h.mot")) { XCTAssertTrue("\($0)".contains("endheader")) }
        XCTAssertThrowsError(try MotionTable.parse("x\nendheader\ntime a\n0 1 2\n", source: "c.mot")) { XCTAssertTrue("\($0)".contains("3 values for 2 columns")) }
        // Non-finite values and an unreadable inDegrees are refused, naming the line and column or the key.
        for value in ["nan", "inf", "-inf"] {
            XCTAssertThrowsError(try MotionTable.parse("x\nendheader\ntime\tknee\n0\t1\n0.01\t\(value)\n", source: "n.mot")) {
                XCTAssertTrue("\($0)".contains("n.mot: line 5: column 'knee'"), "\($0)")
            }
        }
        XCTAssertThrowsError(try MotionTable.parse("x\ninDegrees=maybe\nendheader\ntime a\n0 1\n", source: "d.mot")) { XCTAssertTrue("\($0)".contains("inDegrees=maybe")) }
        XCTAssertTrue(try MotionTable.parse("x\ninDegrees=yes\nendheader\ntime a\n0 1\n", source: "d.mot").inDegrees)
    }
}

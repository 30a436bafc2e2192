import Foundation
import XCTest
import Sim

/// `bioimitate rollout --model` as a user runs it.
final class RolloutModelTests: XCTestCase {
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")

    func testRolloutOfASharedModelFromAnIKPose() throws {
        let model = Self.shared.appendingPathComponent("models/gait0914_2d.osim").path
        let pose = Self.shared.appendingPathComponent("motions/subject01_walk_IK.mot").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: model))
        let out = try temporaryFolder("bioimitate-rollout")
        let r = try runBioimitate(["rollout", "--model", model, "--initial-state", pose, "--t0", "0.5", "--duration", "0.05", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.err)
        let states = try MotionTable.read(path: out.appendingPathComponent("states.sto").path)
        XCTAssertFalse(states.inDegrees)
        XCTAssertEqual(states.time, [0, 0.01, 0.02, 0.03, 0.04, 0.05].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(states.labels, ["pelvis_tilt", "pelvis_tx", "pelvis_ty", "hip_flexion_r", "knee_angle_r", "ankle_angle_r",
                                       "hip_flexion_l", "knee_angle_l", "ankle_angle_l"])
        let ik = try MotionTable.read(path: pose)
        let row = ik.time.firstIndex { abs($0 - 0.5) < 1e-9 }!
        XCTAssertEqual(states.rows[0][4], ik.rows[row][ik.column("knee_angle_r")!] * Double.pi / 180, accuracy: 1e-9)  // degrees converted
        XCTAssertEqual(states.rows[0][1], ik.rows[row][ik.column("pelvis_tx")!], accuracy: 1e-9)  // metres untouched
        XCTAssertNotEqual(states.rows[5][2], states.rows[0][2])  // it moved
    }

    func testControlsDriveActuatorsAndUnknownColumnsAreRejected() throws {
        let dir = try temporaryFolder("bioimitate-rollout")
        let osim = """
            <OpenSimDocument Version="30000"><Model name="arm"><gravity>0 0 0</gravity><BodySet><objects>
            <Body name="ground"><mass>0</mass></Body>
            <Body name="link"><mass>1</mass><mass_center>0.5 0 0</mass_center><inertia_xx>0.01</inertia_xx><inertia_yy>0.01</inertia_yy><inertia_zz>0.01</inertia_zz>
            <Joint><PinJoint name="shoulder"><parent_body>ground</parent_body><CoordinateSet><objects>
            <Coordinate name="angle"><range>-3 3</range></Coordinate></objects></CoordinateSet></PinJoint></Joint></Body>
            </objects></BodySet><ForceSet><objects>
            <CoordinateActuator name="motor"><coordinate>angle</coordinate><optimal_force>2</optimal_force></CoordinateActuator>
            </objects></ForceSet></Model></OpenSimDocument>
            """
        try osim.write(to: dir.appendingPathComponent("arm.osim"), atomically: true, encoding: .utf8)
        try MotionTable(name: "controls", labels: ["motor"], time: [0, 1], rows: [[0.5], [0.5]], inDegrees: false)
            .write(path: dir.appendingPathComponent("controls.sto").path)
        let r = try runBioimitate(["rollout", "--model", dir.appendingPathComponent("arm.osim").path, "--controls",
                                   dir.appendingPathComponent("controls.sto").path, "--duration", "0.2", "--accuracy", "1e-8", "--out", dir.path])
        XCTAssertEqual(r.status, 0, r.err)
        let states = try MotionTable.read(path: dir.appendingPathComponent("states.sto").path)
        // Torque 2·0.5 = 1 N·m on I = 0.01 + 1·0.5² = 0.26 kg·m² from rest: θ = ½·(1/0.26)·t².
        XCTAssertEqual(states.rows.last![0], 0.5 / 0.26 * 0.04, accuracy: 1e-6)

        try MotionTable(name: "controls", labels: ["biceps"], time: [0], rows: [[1]], inDegrees: false)
            .write(path: dir.appendingPathComponent("bad.sto").path)
        let bad = try runBioimitate(["rollout", "--model", dir.appendingPathComponent("arm.osim").path, "--controls",
                                     dir.appendingPathComponent("bad.sto").path, "--out", dir.path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("column 'biceps' names no actuator"), bad.err)
        XCTAssertEqual(bad.err.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count, 1, bad.err)

        // A row shorter than the header is a malformed file, named with its line.
        try "controls\nnRows=2\nnColumns=2\ninDegrees=no\nendheader\ntime\tmotor\n0\t0.5\n1\n"
            .write(to: dir.appendingPathComponent("ragged.sto"), atomically: true, encoding: .utf8)
        let ragged = try runBioimitate(["rollout", "--model", dir.appendingPathComponent("arm.osim").path, "--controls",
                                        dir.appendingPathComponent("ragged.sto").path, "--out", dir.path])
        XCTAssertNotEqual(ragged.status, 0)
        XCTAssertTrue(ragged.err.contains("ragged.sto"), ragged.err)
        XCTAssertEqual(ragged.err.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count, 1, ragged.err)
        // The open-loop rollout also wrote its report.
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8).contains("\"motor\""))
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}

final class RolloutMuscleControlsTests: XCTestCase {
    /// A controls file with one column per muscle name drives the built-in model's muscles.
    func testExcitationsDriveMusclesOfABuiltinModel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-muscle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func swing(_ excitation: Double) throws -> Double {
            let controls = dir.appendingPathComponent("c\(excitation).sto").path
            try MotionTable(name: "controls", labels: ["vasti_r", "hamstrings_r"], time: [0, 1], rows: [[excitation, 0], [excitation, 0]], inDegrees: false)
                .write(path: controls)
            let out = dir.appendingPathComponent("out\(excitation)").path
            let r = try runBioimitate(["rollout", "--model", "gait2d", "--controls", controls, "--duration", "0.1", "--out", out])
            XCTAssertEqual(r.status, 0, r.err)
            let states = try MotionTable.read(path: out + "/states.sto")
            return states.rows.last![states.column("knee_angle_r")!]
        }
        // From the crouched default pose the knee extensor, fully excited, straightens the right knee (less negative).
        XCTAssertGreaterThan(try swing(1) - swing(0), 0.1)
    }
}

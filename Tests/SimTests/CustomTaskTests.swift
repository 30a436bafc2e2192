import Foundation
import XCTest
@testable import Imitation
@testable import Sim

/// A researcher's own model and motion as an imitation task (`EnvironmentRegistry.task(custom:)`), on OpenSim's gait2392
/// (no contact in the file) and the shared IK recording it comes with.
final class CustomTaskTests: XCTestCase {
    static let gait2392 = ReferenceTable.models.appendingPathComponent("opensim-models/Gait2392_Simbody/gait2392_thelen2003muscle.osim").path
    static let walk = ReferenceTable.models.deletingLastPathComponent().appendingPathComponent("motions/subject01_walk1_ik.mot").path

    private func requireSharedData() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: Self.gait2392) && FileManager.default.fileExists(atPath: Self.walk), "shared data not present")
    }

    private func temporaryFile(_ name: String) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bioimitate-custom-\(UUID().uuidString)-\(name)")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    func testTorqueDrivenGait2392WalksTheDetectedCycleWithAddedFootContact() throws {
        try requireSharedData()
        let spec = CustomTaskSpec(model: Self.gait2392, reference: Self.walk, actuation: .torque)
        let (task, notes) = try EnvironmentRegistry.task(custom: spec, config: EnvironmentConfig())
        XCTAssertEqual(task.id, "gait2392_thelen2003muscle+subject01_walk1_ik-Torque")
        XCTAssertEqual(task.model.contactGeometry.spheres.count, 6)
        XCTAssertTrue(notes.contains { $0.contains("no contact geometry") }, "\(notes)")
        XCTAssertTrue(notes.contains { $0.contains("treadmill") }, "the IK file keeps the pelvis in place: \(notes)")
        // One stride recorded (1.2 s at 60 Hz), three cycles imitated.
        XCTAssertEqual(task.reference.cycleDuration, 1.23, accuracy: 0.05)
        XCTAssertEqual(task.reference.duration, 3 * task.reference.cycleDuration, accuracy: 0.011)
        // A servo on every unlocked rotational coordinate, pelvis rotations included, none on translations.
        let rotational = task.model.coordinates.filter { $0.motion == .rotational && !$0.locked }.map(\.name)
        let servos = task.model.forces.compactMap { $0 as? PDServo }
        XCTAssertEqual(servos.map { task.model.coordinates[$0.coordinate].name }, rotational)
        XCTAssertTrue(rotational.contains("pelvis_tilt") && rotational.contains("mtp_angle_r"))
        XCTAssertTrue(task.model.muscles.isEmpty && task.pdGains.isEmpty)
        let env = try ImitationEnvironment(task: task, config: EnvironmentConfig())
        XCTAssertEqual(env.actionNames, rotational)
        XCTAssertTrue(env.isTorqueDriven)
    }

    /// A PD torque held over the 0.01 s control step diverges on gait2392's light feet (toes: about 1e-4 kg·m²);
    /// the servo, acting at every integrator stage, follows the reference pose.
    func testServosKeepLightSegmentsStableWhereHeldPDTorquesDiverge() throws {
        try requireSharedData()
        var config = EnvironmentConfig()
        config.mode = .test
        let (task, _) = try EnvironmentRegistry.task(custom: CustomTaskSpec(model: Self.gait2392, reference: Self.walk, actuation: .torque), config: config)
        let heldModel = task.model.removing { $0 is PDServo }.torqueDriven()
        let gains = heldModel.forces.compactMap { $0 as? CoordinateActuator }.map { ImitationTask.gains(for: heldModel.coordinates[$0.coordinate].name) }
        let held = ImitationTask(id: task.id, model: heldModel, reference: task.reference, pdGains: gains,
                                 minimumTorsoHeight: task.minimumTorsoHeight, summary: task.summary)
        func run(_ task: ImitationTask) throws -> (steps: Int, reason: String?, torques: [Double]) {
            let env = try ImitationEnvironment(task: task, config: config)
            var obs = [Float](repeating: 0, count: env.observationSize), action = [Float](repeating: 0, count: env.actionSize)
            env.reset(seed: 0, observation: &obs)
            for k in 0..<30 {
                for (i, c) in env.actionCoordinates.enumerated() { action[i] = Float(env.reference.position(env.frame + 1, c)) }
                if env.step(action, observation: &obs).terminated { return (k, env.info.fallReason, env.actuatorInputs()) }
            }
            return (30, nil, env.actuatorInputs())
        }
        let servo = try run(task)
        XCTAssertEqual(servo.steps, 30, servo.reason ?? "")
        // Recordings see the servos' torques (within the clip), not their targets.
        XCTAssertTrue(servo.torques.allSatisfy { abs($0) <= config.maxActuation } && servo.torques.contains { abs($0) > 1 }, "\(servo.torques)")
        let plain = try run(held)
        XCTAssertLessThan(plain.steps, 5, "held PD torques on the toes were expected to blow up")
        XCTAssertTrue(plain.reason?.contains("acceleration") ?? false, plain.reason ?? "")
    }

    /// Joint-only actuation: the pelvis rotations get residual servos under Hicks et al.'s cap, every joint its own.
    func testJointsActuationCapsResidualPelvisTorques() throws {
        try requireSharedData()
        let (task, notes) = try EnvironmentRegistry.task(custom: CustomTaskSpec(model: Self.gait2392, reference: Self.walk, actuation: .joints),
                                                         config: EnvironmentConfig())
        XCTAssertEqual(task.id, "gait2392_thelen2003muscle+subject01_walk1_ik-Joints")
        let servos = task.model.forces.compactMap { $0 as? PDServo }
        let residual = servos.filter(\.residual)
        XCTAssertEqual(residual.map { task.model.coordinates[$0.coordinate].name }, ["pelvis_tilt", "pelvis_list", "pelvis_rotation"])
        // 1 % of COM height (about 0.95 m) times 1.2 body weights of gait2392's 75 kg.
        let expected = 0.01 * 1.2 * task.model.totalMass * 9.80665 * 0.95
        for r in residual { XCTAssertEqual(r.maxTorque, expected, accuracy: 0.1 * expected) }
        XCTAssertTrue(servos.filter { !$0.residual }.allSatisfy { $0.maxTorque == EnvironmentConfig().maxActuation })
        XCTAssertTrue(notes.contains { $0.contains("residual torques on the pelvis rotations capped") }, "\(notes)")
        let env = try ImitationEnvironment(task: task, config: EnvironmentConfig())
        XCTAssertEqual(env.residualActions.map { env.actionNames[$0] }, ["pelvis_tilt", "pelvis_list", "pelvis_rotation"])
    }

    /// Muscle actuation names the coordinates no muscle spans (gait10dof18musc's lumbar joint), which only move passively.
    func testMuscleActuationNamesCoordinatesNoMuscleSpans() throws {
        try requireSharedData()
        let model = ReferenceTable.models.appendingPathComponent("gait10dof18musc.osim").path
        let (task, notes) = try EnvironmentRegistry.task(custom: CustomTaskSpec(model: model, reference: Self.walk, actuation: .muscle), config: EnvironmentConfig())
        XCTAssertEqual(task.model.muscles.count, 18)
        XCTAssertTrue(notes.contains { $0.hasPrefix("no muscle spans lumbar_extension:") }, "\(notes)")
        let (_, gait2392) = try EnvironmentRegistry.task(custom: CustomTaskSpec(model: Self.gait2392, reference: Self.walk, actuation: .muscle), config: EnvironmentConfig())
        XCTAssertFalse(gait2392.contains { $0.hasPrefix("no muscle spans") }, "\(gait2392)")
    }

    func testCoordinatesTheMotionLacksAreHeldAndNotScored() throws {
        try requireSharedData()
        let table = try MotionTable.read(path: Self.walk)
        let dropped = ["lumbar_bending", "lumbar_rotation"]
        let keep = table.labels.indices.filter { !dropped.contains(table.labels[$0]) }
        let path = temporaryFile("walk.mot")
        try MotionTable(name: "walk", labels: keep.map { table.labels[$0] }, time: table.time, rows: table.rows.map { r in keep.map { r[$0] } },
                        inDegrees: table.inDegrees).write(path: path)
        let (task, notes) = try EnvironmentRegistry.task(custom: CustomTaskSpec(model: Self.gait2392, reference: path, actuation: .torque),
                                                         config: EnvironmentConfig())
        for name in dropped {
            let c = try XCTUnwrap(task.model.coordinateIndex(name))
            XCTAssertTrue(task.untracked.contains(c))
            XCTAssertTrue(notes.contains { $0.contains(name) && $0.contains("held at its default") }, "\(notes)")
            XCTAssertEqual(task.reference.position(17, c), task.model.coordinates[c].defaultValue)
        }
        let env = try ImitationEnvironment(task: task, config: EnvironmentConfig())
        XCTAssertFalse(env.observationNames.contains("q:lumbar_bending"))
        XCTAssertTrue(env.observationNames.contains("q:lumbar_extension"))
        XCTAssertFalse(env.trackedCoordinates.contains { dropped.contains(task.model.coordinates[$0].name) })
    }

    /// OpenSim 4 writes states with column paths (`/jointset/JOINT/COORDINATE/value` and `/speed`): same reference.
    func testOpenSim4ColumnPathsGiveTheSameReference() throws {
        try requireSharedData()
        let table = try MotionTable.read(path: Self.walk)
        let path = temporaryFile("paths.sto")
        let labels = table.labels.map { "/jointset/j/\($0)/value" } + ["/jointset/j/knee_angle_r/speed"]
        try MotionTable(name: "paths", labels: labels, time: table.time, rows: table.rows.map { $0 + [0] }, inDegrees: table.inDegrees).write(path: path)
        let config = EnvironmentConfig()
        let plain = try EnvironmentRegistry.task(custom: CustomTaskSpec(model: Self.gait2392, reference: Self.walk, actuation: .torque), config: config)
        let paths = try EnvironmentRegistry.task(custom: CustomTaskSpec(model: Self.gait2392, reference: path, actuation: .torque), config: config)
        XCTAssertEqual(plain.task.reference.positions, paths.task.reference.positions)
        XCTAssertTrue(paths.task.untracked.isEmpty)
        XCTAssertFalse(paths.notes.contains { $0.contains("ignored") }, "\(paths.notes)")
    }

    func testBadInputGetsOneLine() throws {
        try requireSharedData()
        func message(_ model: String, _ reference: String?) -> String {
            do { _ = try EnvironmentRegistry.task(custom: CustomTaskSpec(model: model, reference: reference, actuation: .torque), config: EnvironmentConfig()); return "" }
            catch { return "\(error)" }
        }
        // A motion naming none of the model's coordinates.
        let unrelated = temporaryFile("unrelated.mot")
        try MotionTable(name: "x", labels: ["elbow_flex", "wrist_dev"], time: [0, 0.01, 0.02], rows: [[1, 2], [1, 2], [1, 2]], inDegrees: true).write(path: unrelated)
        XCTAssertTrue(message(Self.gait2392, unrelated).contains("no column names a coordinate"), message(Self.gait2392, unrelated))
        // A motion shorter than two samples.
        let single = temporaryFile("single.mot")
        try MotionTable(name: "x", labels: ["knee_angle_r"], time: [0], rows: [[10]], inDegrees: true).write(path: single)
        XCTAssertTrue(message(Self.gait2392, single).contains("a motion needs at least two"), message(Self.gait2392, single))
        // A model without foot bodies, where contact must be added.
        let pendulum = ReferenceTable.models.appendingPathComponent("opensim-models/DoublePendulum/double_pendulum.osim").path
        XCTAssertTrue(message(pendulum, Self.walk).contains("foot contact needs bodies calcn_r"), message(pendulum, Self.walk))
        // A file model without a motion.
        XCTAssertTrue(message(Self.gait2392, nil).contains("needs a reference motion"), message(Self.gait2392, nil))
        for m in [message(Self.gait2392, unrelated), message(Self.gait2392, single), message(pendulum, Self.walk)] {
            XCTAssertFalse(m.contains("\n"), m)
        }
    }
}

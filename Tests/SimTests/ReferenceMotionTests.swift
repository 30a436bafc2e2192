import Foundation
import XCTest
@testable import Imitation
@testable import Sim

final class ReferenceMotionTests: XCTestCase {
    let motions = "../shared/data/motions/"

    /// Mean time between rising edges of a vertical ground-force column above 50 N (heel strikes of one foot).
    func strideFromForcePlate(_ file: String, column: String) throws -> Double {
        let grf = try MotionTable.read(path: motions + file)
        let fy = try XCTUnwrap(grf.values(column))
        var strikes: [Double] = []
        for i in 1..<fy.count where fy[i] > 50 && fy[i - 1] <= 50 { strikes.append(grf.time[i]) }
        XCTAssertGreaterThanOrEqual(strikes.count, 2)
        return (strikes.last! - strikes.first!) / Double(strikes.count - 1)
    }

    /// The cycle found in the joint angles equals the stride measured independently by the force plates.
    func testDetectedCycleMatchesForcePlateStrides() throws {
        let model2d = try Model.builtin("gait2d")
        let walking = try FourierCycle.fit(recording: motions + "subject01_walk_IK.mot", model: model2d, name: "w", source: "").cycle
        let walkStride = try strideFromForcePlate("subject01_walk_grf.mot", column: "1_ground_force_vy")
        XCTAssertEqual(walking.period, walkStride, accuracy: 0.02 * walkStride)
        let running = try FourierCycle.fit(recording: motions + "subject02_running_ik.mot", model: model2d, name: "r", source: "", start: 2).cycle
        let runStride = try strideFromForcePlate("subject02_running_grf.mot", column: "ground_force_vy")
        XCTAssertEqual(running.period, runStride, accuracy: 0.02 * runStride)
        print(String(format: "cycle from joint angles vs force plates: walking %.3f vs %.3f s, running %.3f vs %.3f s",
                     walking.period, walkStride, running.period, runStride))
        // Treadmill belts become forward progression at a walking and a running pace.
        XCTAssertEqual(walking.series("pelvis_tx")!.slope, 1.0, accuracy: 0.3)
        XCTAssertEqual(running.series("pelvis_tx")!.slope, 3.8, accuracy: 0.5)
    }

    /// The shipped reference files are what `make-reference` produces from the shared recordings today.
    func testBuiltinReferencesAreReproducibleFromTheRecordings() throws {
        let cases = [("walking2d", "gait2d", "subject01_walk_IK.mot", 0.0), ("walking3d", "gait3d", "subject01_walk1_ik.mot", 0.0),
                     ("running2d", "gait2d", "subject02_running_ik.mot", 2.0), ("running3d", "gait3d", "subject02_running_ik.mot", 2.0)]
        for (name, model, file, start) in cases {
            let shipped = try EnvironmentRegistry.builtinCycle(name)
            let (fitted, residual, _) = try FourierCycle.fit(recording: motions + file, model: try Model.builtin(model), name: name,
                                                             source: shipped.source, start: start)
            XCTAssertEqual(fitted.period, shipped.period, accuracy: 1e-12, name)
            for s in shipped.coordinates {
                let f = try XCTUnwrap(fitted.series(s.name))
                XCTAssertEqual(f.mean, s.mean, accuracy: 1e-9, "\(name) \(s.name)")
                for k in s.cos.indices { XCTAssertEqual(f.cos[k], s.cos[k], accuracy: 1e-9); XCTAssertEqual(f.sin[k], s.sin[k], accuracy: 1e-9) }
            }
            // Twelve harmonics follow the joint angles of the recording to within half a degree RMS.
            for (coordinate, r) in residual where !coordinate.hasPrefix("pelvis_t") { XCTAssertLessThan(r * 180 / .pi, 0.5, "\(name) \(coordinate)") }
        }
    }

    /// A built-in reference on its model: speeds are the derivatives of positions, the feet touch the floor and do
    /// not go through it, and the cycle tiles with pelvis_tx advancing.
    func testReferencesAreConsistentOnTheirModels() throws {
        for id in ["MuscleWalkingImitation2D-v0", "TorqueRunningImitation3D-v0", "MuscleJumpingImitation2D-v0", "MusclePalsyImitation3D-v0"] {
            let task = try EnvironmentRegistry.task(id: id, config: EnvironmentConfig())
            let r = task.reference, model = task.model
            // Integrating the speeds (trapezoid rule) gives back the positions over the whole reference.
            var worst = 0.0
            for c in 0..<r.coordinateCount {
                var integral = r.position(0, c)
                for f in 1..<r.frameCount {
                    integral += 0.5 * (r.speed(f - 1, c) + r.speed(f, c)) * r.step
                    worst = max(worst, abs(integral - r.position(f, c)))
                }
            }
            XCTAssertLessThan(worst, 0.01, "\(id): speeds disagree with positions")
            let lowest = (0..<r.frameCount).map { ContactPoints.lowest(model: model, q: r.positions(at: $0)).height }
            XCTAssertEqual(lowest.min()!, 0, accuracy: 1e-9, id)
            let cycle = Int(r.cycleFrames.rounded())
            if abs(r.cycleFrames - Double(cycle)) < 1e-9 {  // exact tiling (the jump)
                for c in 0..<r.coordinateCount where model.coordinates[c].name != "pelvis_tx" {
                    XCTAssertEqual(r.position(cycle, c), r.position(0, c), accuracy: 1e-9, "\(id) \(model.coordinates[c].name)")
                }
            }
            print(String(format: "%@: %d frames, cycle %.3f s, worst drift of integrated speeds %.4f, lowest foot point %.2g m",
                         id, r.frameCount, r.cycleDuration, worst, lowest.min()!))
        }
    }

    /// `--reference FILE.mot`: any OpenSim motion becomes the target of an environment.
    func testAnyRecordingCanBeTheReference() throws {
        var config = EnvironmentConfig(); config.mode = .test
        let env = try EnvironmentRegistry.make(id: "TorqueWalkingImitation2D-v0", config: config,
                                               referencePath: motions + "subject01_walk_IK.mot")
        XCTAssertEqual(env.reference.cycleDuration, 1.23, accuracy: 0.03)
        XCTAssertEqual(env.reference.duration, 2.5, accuracy: 0.011)
        XCTAssertTrue(env.reference.notes.contains { $0.contains("treadmill") })
        let hip = env.model.coordinateIndex("hip_flexion_r")!
        let recorded = try MotionTable.read(path: motions + "subject01_walk_IK.mot")
        // Frame 100 (1.0 s) is near the recording's value there (a light smoothing, radians from degrees).
        XCTAssertEqual(env.reference.position(100, hip), recorded.interpolate(column: recorded.column("hip_flexion_r")!, at: 1.0) * .pi / 180, accuracy: 0.02)
        var obs = [Float](repeating: 0, count: env.observationSize)
        env.reset(seed: 0, observation: &obs)
        XCTAssertEqual(env.endFrame, env.reference.frameCount - 1)
        XCTAssertThrowsError(try EnvironmentRegistry.make(id: "TorqueWalkingImitation2D-v0", referencePath: motions + "subject01_walk_grf.mot")) { e in
            XCTAssertTrue("\(e)".contains("no column names a coordinate"), "\(e)")
        }
    }
}

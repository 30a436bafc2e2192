import Foundation
import XCTest
@testable import Imitation
@testable import Sim

/// The synthetic references (jump, crouch gait) are kinematically consistent, and the palsy model still simulates.
final class SyntheticMotionTests: XCTestCase {
    private struct Frames {
        var bottoms: [[Double]] = []     // per frame, per foot sphere: lowest point height
        var centers: [[Vec3]] = []       // per frame, per foot sphere: centre
        var com: [Vec3] = []
    }

    private func evaluate(_ model: Model, _ table: MotionTable) -> Frames {
        var d = SimData(model: model)
        let spheres = model.contactGeometry.spheres.filter { $0.body >= 0 }
        var f = Frames()
        for row in table.rows {
            d.q = row
            model.updateKinematics(&d)
            let c = spheres.map { d.position(of: $0.center, on: $0.body) }
            f.centers.append(c)
            f.bottoms.append(zip(c, spheres).map { $0.y - $1.radius })
            f.com.append(model.centerOfMass(d).position)
        }
        return f
    }

    private func jumpFigures(_ name: String, step: Double) throws -> (Model, MotionTable, Frames, takeOff: Double, landing: Double) {
        let model = try Model.builtin(name)
        let table = try SyntheticMotion.jumping(model: model, step: step)
        let shape = SyntheticMotion.JumpShape()
        let half = table.time.last! / 2
        return (model, table, evaluate(model, table), half - shape.flight / 2, half + shape.flight / 2)
    }

    func testJumpTableTilesAndKeepsFeetFlatInStance() throws {
        for name in ["gait2d", "gait3d"] {
            let (model, table, f, takeOff, landing) = try jumpFigures(name, step: 0.01)
            XCTAssertEqual(table.labels, model.coordinates.map(\.name))
            XCTAssertFalse(table.inDegrees)
            XCTAssertEqual(table.rows.count, table.time.count)
            for (i, t) in table.time.enumerated() { XCTAssertEqual(t, Double(i) * 0.01, accuracy: 1e-12) }
            XCTAssertGreaterThanOrEqual(table.time.last!, 1.5); XCTAssertLessThanOrEqual(table.time.last!, 2.0)
            XCTAssertEqual(table.rows.first!, table.rows.last!)
            for (k, c) in model.coordinates.enumerated() {
                let values = table.rows.map { $0[k] }
                XCTAssertGreaterThanOrEqual(values.min()!, c.range.lowerBound, "\(name) \(c.name)")
                XCTAssertLessThanOrEqual(values.max()!, c.range.upperBound, "\(name) \(c.name)")
            }
            var height = 0.0, drift = 0.0, comDrift = 0.0, stanceFrames = 0
            for (i, t) in table.time.enumerated() where t <= takeOff || t >= landing {
                stanceFrames += 1
                height = max(height, f.bottoms[i].map(abs).max()!)
                for (c, c0) in zip(f.centers[i], f.centers[0]) { drift = max(drift, ((c.x - c0.x) * (c.x - c0.x) + (c.z - c0.z) * (c.z - c0.z)).squareRoot()) }
                comDrift = max(comDrift, abs(f.com[i].x - f.com[0].x))
            }
            // The floor can only push: the centre of mass never accelerates down faster than gravity in stance.
            let g = -model.gravity.y
            var lowestForce = Double.infinity, highestForce = 0.0
            for i in 1..<(table.time.count - 1) where table.time[i + 1] <= takeOff || table.time[i - 1] >= landing {
                let a = (f.com[i + 1].y - 2 * f.com[i].y + f.com[i - 1].y) / (0.01 * 0.01)
                lowestForce = min(lowestForce, (g + a) / g); highestForce = max(highestForce, (g + a) / g)
            }
            XCTAssertGreaterThan(lowestForce, -0.01)
            XCTAssertLessThan(highestForce, 3)
            let knee = table.rows.map { $0[model.coordinateIndex("knee_angle_r")!] }
            print("\(name) jump: \(table.time.count) frames, \(stanceFrames) in stance; stance foot-sphere bottom |y| max \(height * 1000) mm, horizontal drift max \(drift * 1000) mm, COM x drift \(comDrift * 1000) mm; vertical ground force \(lowestForce)…\(highestForce) body weights; knee \(knee.min()! * 180 / .pi)…\(knee.max()! * 180 / .pi)°")
            XCTAssertGreaterThan(stanceFrames, table.time.count / 2)
            XCTAssertLessThan(height, 1e-3)
            XCTAssertLessThan(drift, 1e-3)
            XCTAssertLessThan(comDrift, 1e-3)
            // A real countermovement: the knee flexes well beyond quiet standing.
            XCTAssertLessThan(knee.min()!, -60 * Double.pi / 180)
        }
    }

    func testJumpFlightIsBallisticWithFeetOffTheFloor() throws {
        for name in ["gait2d", "gait3d"] {
            let (model, table, f, takeOff, landing) = try jumpFigures(name, step: 0.01)
            let g = -model.gravity.y, dt = 0.01
            var worstAcceleration = 0.0, lowestFoot = Double.infinity, highestFoot = 0.0, flightFrames = 0, worstHorizontal = 0.0
            for i in 1..<(table.time.count - 1) where table.time[i - 1] > takeOff && table.time[i + 1] < landing {
                flightFrames += 1
                let a = (f.com[i + 1].y - 2 * f.com[i].y + f.com[i - 1].y) / (dt * dt)
                worstAcceleration = max(worstAcceleration, abs(a + g))
                worstHorizontal = max(worstHorizontal, abs(f.com[i].x - f.com[0].x), abs(f.com[i].z - f.com[0].z))
            }
            for i in table.time.indices where table.time[i] > takeOff && table.time[i] < landing {
                lowestFoot = min(lowestFoot, f.bottoms[i].min()!)
                highestFoot = max(highestFoot, f.bottoms[i].min()!)
            }
            let rise = f.com.map(\.y).max()! - f.com[0].y
            print("\(name) jump flight: \(flightFrames) frames, COM vertical acceleration error max \(worstAcceleration) m/s², COM horizontal drift \(worstHorizontal * 1000) mm, lowest foot point \(lowestFoot * 1000) mm, highest \(highestFoot * 1000) mm, COM apex \(rise * 100) cm above standing")
            XCTAssertGreaterThanOrEqual(flightFrames, 15)
            XCTAssertLessThan(worstAcceleration, 1e-3)
            XCTAssertLessThan(worstHorizontal, 1e-6)
            XCTAssertGreaterThan(lowestFoot, -1e-6)
            XCTAssertGreaterThan(highestFoot, 0.03)
        }
    }

    func testJumpVelocitiesAndAccelerationsAreContinuous() throws {
        // At a fine step a speed jump Δv shows as a change of finite-difference speed of size Δv between two steps,
        // continuous speeds as a change O(a·dt); likewise an acceleration jump as a change of finite-difference
        // acceleration of its full size, continuous accelerations as O(jerk·dt).
        let dt = 0.002
        for name in ["gait2d", "gait3d"] {
            let (model, table, _, takeOff, _) = try jumpFigures(name, step: dt)
            let ty = model.coordinateIndex("pelvis_ty")!
            let v0 = -model.gravity.y * SyntheticMotion.JumpShape().flight / 2
            let q = table.rows
            var speedChange = [Double](repeating: 0, count: model.coordinateCount), accelerationChange = speedChange
            for i in 1..<(q.count - 2) {
                for k in model.coordinates.indices {
                    speedChange[k] = max(speedChange[k], abs(q[i + 1][k] - 2 * q[i][k] + q[i - 1][k]) / dt)
                    accelerationChange[k] = max(accelerationChange[k], abs(q[i + 2][k] - 3 * q[i + 1][k] + 3 * q[i][k] - q[i - 1][k]) / (dt * dt))
                }
            }
            let i = Int((takeOff / dt).rounded())
            let takeOffSpeed = (q[i + 1][ty] - q[i - 1][ty]) / (2 * dt)
            let knee = model.coordinateIndex("knee_angle_r")!
            let kneeSpeed = (q[i + 1][knee] - q[i - 1][knee]) / (2 * dt)
            let worstSpeed = speedChange.indices.max { speedChange[$0] < speedChange[$1] }!
            let worstAcceleration = accelerationChange.indices.max { accelerationChange[$0] < accelerationChange[$1] }!
            print("\(name) jump continuity (step \(dt) s): pelvis_ty speed change per step max \(speedChange[ty]) m/s, any coordinate \(speedChange[worstSpeed]) (\(model.coordinates[worstSpeed].name)); acceleration change per step: pelvis_ty \(accelerationChange[ty]) m/s², any \(accelerationChange[worstAcceleration]) (\(model.coordinates[worstAcceleration].name)); at take-off pelvis_ty speed \(takeOffSpeed) m/s (COM \(v0) m/s), knee speed \(kneeSpeed) rad/s")
            XCTAssertLessThan(speedChange[ty], 0.05 * v0)
            // Joints reach ~12 rad/s at take-off: a speed jump there would exceed 1 rad/s per step, and stopping them
            // at constant deceleration from take-off (an acceleration jump of ~300 rad/s²) would exceed 100 rad/s².
            XCTAssertLessThan(speedChange.max()!, 1)
            XCTAssertLessThan(accelerationChange.max()!, 100)
            XCTAssertGreaterThan(takeOffSpeed, 0.5 * v0)
            XCTAssertGreaterThan(kneeSpeed, 3)   // the legs are still extending fast at take-off
        }
    }

    /// subject01_walk1_ik.mot (degrees) as a radian table with gait3d names.
    private func walking(for model: Model) throws -> MotionTable {
        var table = try MotionTable.read(path: "../shared/data/motions/subject01_walk1_ik.mot")
        XCTAssertTrue(table.inDegrees)
        for (j, label) in table.labels.enumerated() {
            guard let k = model.coordinateIndex(label), model.coordinates[k].motion == .rotational else { continue }
            for i in table.rows.indices { table.rows[i][j] *= Double.pi / 180 }
        }
        table.inDegrees = false
        return table
    }

    func testCrouchGaitFlexesKneesAndStaysGrounded() throws {
        for name in ["gait3d", "gait2d"] {
            let model = try Model.builtin(name)
            let walk = try walking(for: model)
            let crouch = try SyntheticMotion.crouchGait(from: walk, model: model)
            XCTAssertEqual(crouch.labels, model.coordinates.map(\.name))
            XCTAssertEqual(crouch.time, walk.time)
            XCTAssertFalse(crouch.inDegrees)
            let f = evaluate(model, crouch)
            let lowest = f.bottoms.map { abs($0.min()!) }.max()!
            // Stance of the right foot: all its spheres within 1 cm of the floor; knee flexion there, before and after.
            // Flat on the floor (within 2 mm): how far the heel slides (in double support the two feet can disagree,
            // and their mean is held).
            let spheres = model.contactGeometry.spheres.filter { $0.body >= 0 }
            let right = spheres.indices.filter { model.bodies[spheres[$0].body].name.hasSuffix("_r") }
            let kr = model.coordinateIndex("knee_angle_r")!, kw = walk.column("knee_angle_r")!
            var minStanceCrouch = Double.infinity, minStanceWalk = Double.infinity, stance = 0
            var heelX: [Double] = [], walkHeelX: [Double] = []
            let w = evaluate(model, MotionTable(name: "", labels: model.coordinates.map(\.name), time: walk.time,
                                               rows: walk.rows.map { r in model.coordinates.map { c in c.locked ? c.defaultValue : (walk.column(c.name).map { r[$0] } ?? c.defaultValue) } }, inDegrees: false))
            for i in crouch.rows.indices where right.map({ f.bottoms[i][$0] }).max()! < 0.01 {
                stance += 1
                if right.map({ f.bottoms[i][$0] }).max()! < 0.002 { heelX.append(f.centers[i][right[0]].x); walkHeelX.append(w.centers[i][right[0]].x) }
                minStanceCrouch = min(minStanceCrouch, -crouch.rows[i][kr])
                minStanceWalk = min(minStanceWalk, -walk.rows[i][kw])
            }
            print("\(name) crouch: \(crouch.rows.count) frames, lowest foot point |y| max \(lowest) m; right stance frames (within 1 cm) \(stance); minimum stance knee flexion \(minStanceWalk * 180 / .pi)° walking → \(minStanceCrouch * 180 / .pi)° crouch; right heel x range over \(heelX.count) flat frames \((heelX.max()! - heelX.min()!) * 1000) mm (walking \((walkHeelX.max()! - walkHeelX.min()!) * 1000) mm)")
            XCTAssertLessThan(lowest, 1e-9)
            XCTAssertGreaterThan(stance, 5)
            XCTAssertGreaterThan(minStanceCrouch, 25 * Double.pi / 180)
            XCTAssertGreaterThanOrEqual(heelX.count, 3)
            XCTAssertLessThan(heelX.max()! - heelX.min()!, 0.015)
            for (k, c) in model.coordinates.enumerated() {
                XCTAssertGreaterThanOrEqual(crouch.rows.map { $0[k] }.min()!, c.range.lowerBound, "\(name) \(c.name)")
                XCTAssertLessThanOrEqual(crouch.rows.map { $0[k] }.max()!, c.range.upperBound, "\(name) \(c.name)")
            }
        }
        XCTAssertThrowsError(try SyntheticMotion.crouchGait(from: try MotionTable.read(path: "../shared/data/motions/subject01_walk1_ik.mot"), model: try Model.builtin("gait3d")))
    }

    func testPalsyImpairmentScalesOnlyPlantarflexorsAndHamstringsAndSimulates() throws {
        let model = try Model.builtin("gait3d")
        let palsy = try model.withPalsyImpairment()
        XCTAssertEqual(palsy.muscles.count, model.muscles.count)
        var scaled: [String] = []
        for (a, b) in zip(model.muscles, palsy.muscles) {
            let p = a.muscle.parameters, q = b.muscle.parameters
            XCTAssertEqual(a.name, b.name)
            if q == p { continue }
            scaled.append(a.name)
            // Weaker and shorter: force ≤ 60 %, fibers ≤ 85 %, tendon not longer.
            XCTAssertLessThanOrEqual(q.maxIsometricForce, 0.6 * p.maxIsometricForce + 1e-9, a.name)
            XCTAssertLessThanOrEqual(q.optimalFiberLength, 0.85 * p.optimalFiberLength + 1e-12, a.name)
            XCTAssertLessThanOrEqual(q.tendonSlackLength, p.tendonSlackLength, a.name)
            XCTAssertEqual(q.maxContractionVelocity, p.maxContractionVelocity)
            XCTAssertEqual(b.muscle.rigidTendon, a.muscle.rigidTendon)
        }
        XCTAssertEqual(Set(scaled), ["gastroc_r", "soleus_r", "hamstrings_r", "gastroc_l", "soleus_l", "hamstrings_l"])
        XCTAssertEqual(palsy.forces.count, model.forces.count)
        XCTAssertThrowsError(try model.torqueDriven().withPalsyImpairment())

        // 50 ms from a standing pose with equilibrated muscles and moderate excitation stays finite.
        var d = SimData(model: palsy)
        palsy.liftFeet(&d, clearance: 0.001)
        for i in d.controls.indices { d.controls[i] = 0.2 }
        palsy.equilibrateMuscles(&d)
        var integrator = Integrator(model: palsy, mode: .adaptive(accuracy: 1e-4))
        try integrator.advance(palsy, &d, to: 0.05)
        XCTAssertTrue(d.q.allSatisfy(\.isFinite) && d.u.allSatisfy(\.isFinite) && d.z.allSatisfy(\.isFinite))
        XCTAssertEqual(d.time, 0.05, accuracy: 1e-12)

        // Shorter fibers on the same path: at a dorsiflexed, extended-knee pose the soleus and gastrocnemius sit at
        // longer normalized lengths (nearer contracture), and their force capacity is lower.
        func normalizedFiberLength(_ m: Model, _ muscle: String) throws -> Double {
            var d = SimData(model: m)
            d.q[m.coordinateIndex("ankle_angle_r")!] = 0.25
            m.equilibrateMuscles(&d)
            var rates = [Double](repeating: 0, count: m.stateCount)
            try m.computeAccelerations(&d, stateRates: &rates)
            let i = m.forces.firstIndex { $0.name == muscle }!
            return d.outputs[m.outputOffsets[i] + 2]
        }
        for muscle in ["soleus_r", "gastroc_r"] {
            let before = try normalizedFiberLength(model, muscle), after = try normalizedFiberLength(palsy, muscle)
            print("palsy: \(muscle) normalized fiber length at 14° dorsiflexion \(before) → \(after)")
            XCTAssertGreaterThan(after, before * 1.1)
        }
    }
}

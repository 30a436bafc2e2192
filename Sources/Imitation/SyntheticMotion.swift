import Foundation
import Sim

/// Reference motions built in code, for tasks with no recorded data available to the project (jumping, cerebral-palsy
/// crouch gait). They are SYNTHETIC: kinematically consistent (feet flat and fixed on the floor in stance, a ballistic
/// centre of mass in flight, continuous velocities), shaped after published descriptions cited where used, but not
/// measurements of any person.
public enum SyntheticMotion {
    /// Timing and depth of the synthetic countermovement jump (s, m, rad). The cycle is time-symmetric about the
    /// flight apex: quiet stance → countermovement → push-off → flight → landing (the push-off reversed) → recovery.
    struct JumpShape {
        var cycle = 1.8            // whole cycle; the quiet-stance part absorbs rounding to the step
        var flight = 0.26          // flight time; take-off speed g·flight/2 = 1.27 m/s, rise 8.3 cm
        var push = 0.30            // from the lowest point to take-off
        var dip = 0.36             // from quiet stance to the lowest point
        var depth = 0.20           // COM drop at the lowest point
        var takeOffDrop = 0.035    // COM at take-off this far below quiet stance (knees still ~25–30° flexed)
        var bottomAcceleration = 8.0   // COM acceleration at the lowest point (ground force ≈ 1.8 body weights)
        var lean = -0.35           // pelvis (trunk) tilt at the lowest point: forward lean
        var kneeStand = -0.12      // quiet-stance knee pull, ~7° (the solved pose stays past gait2d's 5° knee limit)
        var settle = 0.07          // after take-off the joints come to rest over this time (knee stays ≥ 5° flexed)
    }

    /// One cycle of a synthetic vertical countermovement jump for a gait model with `pelvis_ty`, hip, knee and ankle
    /// coordinates and contact spheres on the feet (built-in "gait2d" or "gait3d"). Radians and metres, columns =
    /// every coordinate in model order, time 0, step, …, cycle; the last frame equals the first, so the cycle tiles.
    ///
    /// Construction: a quiet standing pose is solved with every foot sphere bottom at y = 0 and the centre of mass
    /// over the mean of the foot spheres. The centre-of-mass height then follows quintic segments (continuous position,
    /// speed and acceleration): quiet → the lowest point (speed 0, upward acceleration) → take-off (speed g·T_f/2,
    /// acceleration −g, i.e. zero ground force); the implied vertical ground force stays within 0.24–2.1 body weights
    /// (never pulling). Pelvis tilt leans forward in proportion to the depth. Every stance frame is solved by inverse
    /// kinematics so each foot sphere centre stays where it stood and the centre of mass is at its planned point. In flight the joint angles continue from their take-off speeds and accelerations and
    /// come to rest over `settle` (so joint speeds and accelerations are continuous), and the pelvis translations put
    /// the centre of mass exactly on the parabola y = y₀ + v₀s − g s²/2, x and z fixed. The second half is the first
    /// reversed in time (landing mirrors push-off).
    ///
    /// The phase durations and depths are our round figures for a typical countermovement jump as described in the
    /// jumping literature (e.g. Bobbert, Gerritsen, Litjens & van Soest 1996, Med Sci Sports Exerc 28:1402, and
    /// Bobbert & van Ingen Schenau 1988, J Biomech 21:249: a countermovement of a few tenths of a metre, knees flexed
    /// to ~90°, push-off of ~0.3 s, trunk leaning forward in the crouch). Approximations: the feet stay flat until
    /// take-off, whereas real jumps end push-off on the toes, so take-off speed (1.27 m/s) and flight (0.26 s) are
    /// modest; landing is the push-off reversed; joint torques and muscle feasibility are not checked.
    public static func jumping(model: Model, step: Double) throws -> MotionTable {
        try jumping(model: model, step: step, shape: JumpShape())
    }

    static func jumping(model: Model, step: Double, shape: JumpShape) throws -> MotionTable {
        guard step > 0, step <= 0.05 else { throw SimError.invalid("jumping reference: step \(step) must be in (0, 0.05] s") }
        for name in ["pelvis_ty", "pelvis_tilt", "hip_flexion_r", "hip_flexion_l", "knee_angle_r", "knee_angle_l", "ankle_angle_r", "ankle_angle_l"]
        where model.coordinateIndex(name) == nil {
            throw SimError.invalid("\(model.name): the jumping reference needs coordinate \(name)")
        }
        var placement = FootPlacement(model: model, unknowns: [])
        guard placement.spheres.count >= 2 else { throw SimError.invalid("\(model.name): the jumping reference needs contact spheres on the feet") }
        let tilt = model.coordinateIndex("pelvis_tilt")!
        let free = model.coordinates.indices.filter { !model.coordinates[$0].locked }
        let translations = free.filter { model.coordinates[$0].motion == .translational }
        let angles = free.filter { model.coordinates[$0].motion != .translational }
        placement = FootPlacement(model: model, unknowns: free.filter { $0 != tilt })
        let sphereCount = placement.spheres.count
        guard model.gravity.y < 0 else { throw SimError.invalid("\(model.name): the jumping reference needs gravity along −y") }
        // Each free translation moves the whole model along its (ground-fixed) axis: how flight places the COM.
        let translationAxes: [(Int, Vec3)] = translations.compactMap { k in
            let joint = model.joints[model.coordinates[k].joint]
            guard joint.parent < 0, let axis = joint.translations.first(where: { $0.coordinate == k }) else { return nil }
            return (k, joint.parentRotation * axis.axis)
        }

        // Quiet standing: feet flat on the floor, centre of mass over the feet, otherwise close to an upright pose.
        var upright = model.defaultPositions
        for k in angles where model.coordinates[k].joint != model.coordinates[tilt].joint { upright[k] = 0 }
        upright[tilt] = 0
        for name in ["knee_angle_r", "knee_angle_l"] { upright[model.coordinateIndex(name)!] = shape.kneeStand }
        placement.d.q = upright
        let standTargets = (0..<sphereCount).map { FootPlacement.Target.sphereBottom($0, 0) }
            + [.centerOfMassOverFeet(axis: 0), .centerOfMassOverFeet(axis: 2)]
        let standError = placement.solve(standTargets, reference: upright, pull: 1e-6, iterations: 100)
        guard standError < 1e-5 else { throw SimError.invalid("\(model.name): cannot place both feet flat on the floor (residual \(standError) m)") }
        let stand = placement.d.q
        let feet = placement.spheres.map { placement.d.position(of: $0.center, on: $0.body) }
        let com0 = model.centerOfMass(placement.d).position

        // Timeline of the first half (the second mirrors it), adjusted so the cycle is a whole number of steps.
        let frames = max(2, Int((shape.cycle / step).rounded()))
        let half = Double(frames) * step / 2
        let g = -model.gravity.y, v0 = g * shape.flight / 2
        let takeOff = half - shape.flight / 2
        let bottom = takeOff - shape.push, quietEnd = bottom - shape.dip
        guard quietEnd >= 0 else { throw SimError.invalid("jumping reference: phases longer than the cycle") }
        let lowest = com0.y - shape.depth, yTakeOff = com0.y - shape.takeOffDrop
        let down = Quintic(duration: shape.dip, from: (com0.y, 0, 0), to: (lowest, 0, shape.bottomAcceleration))
        let up = Quintic(duration: shape.push, from: (lowest, 0, shape.bottomAcceleration), to: (yTakeOff, v0, -g))
        func comHeight(_ t: Double) -> Double {
            if t <= quietEnd { return com0.y }
            if t <= bottom { return down.value(t - quietEnd) }
            return up.value(t - bottom)
        }
        func pelvisTilt(_ t: Double) -> Double { stand[tilt] + shape.lean * (com0.y - comHeight(t)) / shape.depth }

        var stanceTargets: [FootPlacement.Target] = feet.enumerated().map { .sphereCenter($0.offset, $0.element) }
        stanceTargets += [.centerOfMass(axis: 0, value: com0.x), .centerOfMass(axis: 2, value: com0.z), .centerOfMass(axis: 1, value: com0.y)]
        var worstStance = 0.0
        func stancePose(_ t: Double, from previous: [Double]) -> [Double] {
            placement.d.q = previous
            placement.d.q[tilt] = pelvisTilt(t)
            stanceTargets[stanceTargets.count - 1] = .centerOfMass(axis: 1, value: comHeight(t))
            worstStance = max(worstStance, placement.solve(stanceTargets, reference: previous))
            return placement.d.q
        }

        // Stance frames up to take-off, then the pose and joint speeds at take-off (second-order backward differences).
        var poses: [[Double]] = []
        var last = stand
        let halfFrames = frames / 2
        for i in 0...halfFrames {
            let t = Double(i) * step
            if t > takeOff { break }
            last = stancePose(t, from: last)
            poses.append(last)
        }
        let e = 5e-4
        let q3 = stancePose(takeOff - 3 * e, from: last), q2 = stancePose(takeOff - 2 * e, from: q3)
        let q1 = stancePose(takeOff - e, from: q2), q0 = stancePose(takeOff, from: q1)
        guard worstStance < 1e-6 else { throw SimError.invalid("\(model.name): stance inverse kinematics left \(worstStance) m") }
        // Third-order backward differences for the take-off joint speeds and accelerations.
        let speeds = (0..<model.coordinateCount).map { (11 * q0[$0] - 18 * q1[$0] + 9 * q2[$0] - 2 * q3[$0]) / (6 * e) }
        let accelerations = (0..<model.coordinateCount).map { (2 * q0[$0] - 5 * q1[$0] + 4 * q2[$0] - q3[$0]) / (e * e) }

        // Flight: each joint coasts to rest along the quartic that starts with its take-off angle, speed and
        // acceleration and reaches zero speed and acceleration at `settle` (so joint speeds and accelerations are
        // continuous); the pelvis translations put the centre of mass on the parabola.
        var flightData = SimData(model: model)
        for i in poses.count...halfFrames {
            let s = Double(i) * step - takeOff
            let tau = shape.settle, c = min(s, tau)
            var q = q0
            for k in angles {
                let v = speeds[k], a = accelerations[k]
                let c3 = -(2 * a / 3 + v / tau) / tau, c4 = (v + a * tau / 2) / (2 * tau * tau * tau)
                q[k] = q0[k] + c * (v + c * (a / 2 + c * (c3 + c * c4)))
            }
            flightData.q = q
            let goal = Vec3(com0.x, yTakeOff + v0 * s - g * s * s / 2, com0.z)
            for _ in 0..<3 {
                model.updateKinematics(&flightData)
                let miss = goal - model.centerOfMass(flightData).position
                for (k, axis) in translationAxes { flightData.q[k] += dot(miss, axis) }
            }
            poses.append(flightData.q)
        }

        // Mirror: frame i of the second half is frame (frames − i) of the first.
        var rows = poses
        for i in (halfFrames + 1)...frames { rows.append(poses[frames - i]) }
        let time = (0...frames).map { Double($0) * step }
        return MotionTable(name: "synthetic_jump_\(model.name)", labels: model.coordinates.map(\.name), time: time, rows: rows, inDegrees: false)
    }

    /// Crouch gait (typical of cerebral palsy) made from a normal walking cycle. `walking` is in radians with model
    /// coordinate names as columns (missing and locked ones take the model default). Adds crouch offsets to hips,
    /// knees and ankles, blended from swing to stance values by a stance weight judged from the walking kinematics
    /// (1 while the mean height of a foot's sphere bottoms above the frame's lowest contact point is under 2 cm, 0 above
    /// 6 cm, smooth between), then re-grounds every frame: `pelvis_ty` is shifted so the lowest foot contact point
    /// touches the floor (y = 0). Same time base as `walking`.
    ///
    /// Offsets (rad), stance / swing: hip flexion +15° / +10°, knee flexion +25° / +5°, ankle dorsiflexion
    /// +10° / +5°. In stance they sum to zero along the sagittal chain, so a flat foot stays flat. The pattern follows
    /// published descriptions of crouch gait: excessive knee flexion through stance, with more hip flexion and ankle
    /// dorsiflexion (Hicks et al. 2008, J Biomech 41:960, mild to moderate crouch from 316 subjects; Steele et al.
    /// 2010, J Biomech 43:2099; Wren et al. 2005, J Pediatr Orthop 25:79, on how common excessive stance knee flexion is).
    /// The walking input's stance knee flexion (5–15°) plus 25° gives a mild-to-moderate crouch. This is not patient
    /// data. Horizontal sliding of the feet on the floor (from the offsets, and from replaying walking recorded on a
    /// body of other proportions) is removed by moving `pelvis_tx`/`pelvis_tz` back by the motion of the contact
    /// spheres touching the floor; in double support, when the two feet would slide differently, only their weighted
    /// mean is held.
    public static func crouchGait(from walking: MotionTable, model: Model) throws -> MotionTable {
        if walking.inDegrees { throw SimError.invalid("crouch gait: the walking table must be in radians") }
        guard let ty = model.coordinateIndex("pelvis_ty") else { throw SimError.invalid("\(model.name): crouch gait needs pelvis_ty") }
        let degree = Double.pi / 180
        // (coordinate, stance offset, swing offset); knee_angle is negative in flexion.
        var offsets: [(side: String, index: Int, stance: Double, swing: Double)] = []
        for side in ["r", "l"] {
            for (name, stance, swing) in [("hip_flexion", 15.0, 10.0), ("knee_angle", -25.0, -5.0), ("ankle_angle", 10.0, 5.0)] {
                guard let k = model.coordinateIndex("\(name)_\(side)") else { throw SimError.invalid("\(model.name): crouch gait needs \(name)_\(side)") }
                offsets.append((side, k, stance * degree, swing * degree))
            }
        }
        let spheres = model.contactGeometry.spheres.filter { $0.body >= 0 }
        let sideOf = spheres.map { s in model.bodies[s.body].name.hasSuffix("_l") ? "l" : "r" }
        guard Set(sideOf).count == 2 else { throw SimError.invalid("\(model.name): crouch gait needs contact spheres on both feet") }
        let columns = model.coordinates.map { walking.column($0.name) }
        var d = SimData(model: model)
        func bottoms() -> [Double] {
            model.updateKinematics(&d)
            return spheres.map { d.position(of: $0.center, on: $0.body).y - $0.radius }
        }
        func smoothstep(_ a: Double, _ b: Double, _ x: Double) -> Double {
            let s = min(max((x - a) / (b - a), 0), 1)
            return s * s * (3 - 2 * s)
        }
        var rows: [[Double]] = [], grounded: [[Double]] = [], centers: [[Vec3]] = []
        for row in walking.rows {
            var q = model.defaultPositions
            for (k, c) in columns.enumerated() where !model.coordinates[k].locked { if let c { q[k] = row[c] } }
            d.q = q
            let heights = bottoms()
            let floor = heights.min()!
            var stance: [String: Double] = [:]
            for side in ["r", "l"] {
                let own = heights.indices.filter { sideOf[$0] == side }.map { heights[$0] - floor }
                stance[side] = 1 - smoothstep(0.02, 0.06, own.reduce(0, +) / Double(own.count))
            }
            for o in offsets { q[o.index] += o.swing + stance[o.side]! * (o.stance - o.swing) }
            d.q = q
            let lowest = bottoms().min()!
            q[ty] -= lowest
            rows.append(q)
            grounded.append(bottoms().map { $0 - lowest })
            centers.append(spheres.map { d.position(of: $0.center, on: $0.body) })
        }
        // Foot-skate cleanup: between two frames the pelvis moves back by the horizontal motion of the contact spheres
        // touching the floor in both (weight 1 within 3 mm, fading out by 15 mm), so they stay put; when several touch
        // and would move differently, their weighted mean is held. Re-grounding keeps at least one sphere at y = 0.
        let horizontal = [("pelvis_tx", 0), ("pelvis_tz", 2)].compactMap { name, axis in model.coordinateIndex(name).map { ($0, axis) } }
        var shift = [0.0, 0.0, 0.0]
        for i in rows.indices.dropFirst() {
            let w = spheres.indices.map { 1 - smoothstep(0.003, 0.015, max(grounded[i][$0], grounded[i - 1][$0])) }
            let total = w.reduce(0, +)
            for (k, axis) in horizontal {
                if total > 0 { shift[axis] += spheres.indices.reduce(0.0) { $0 + w[$1] * (centers[i][$1][axis] - centers[i - 1][$1][axis]) } / total }
                rows[i][k] -= shift[axis]
            }
        }
        return MotionTable(name: "synthetic_crouch_\(model.name)", labels: model.coordinates.map(\.name), time: walking.time, rows: rows, inDegrees: false)
    }
}

/// The quintic on [0, duration] with given position, speed and acceleration at both ends.
struct Quintic {
    let c: [Double]
    init(duration h: Double, from a: (Double, Double, Double), to b: (Double, Double, Double)) {
        let delta = b.0 - a.0
        c = [a.0, a.1, a.2 / 2,
             (20 * delta - (8 * b.1 + 12 * a.1) * h - (3 * a.2 - b.2) * h * h) / (2 * h * h * h),
             (-30 * delta + (14 * b.1 + 16 * a.1) * h + (3 * a.2 - 2 * b.2) * h * h) / (2 * h * h * h * h),
             (12 * delta - 6 * (b.1 + a.1) * h - (a.2 - b.2) * h * h) / (2 * h * h * h * h * h)]
    }
    func value(_ t: Double) -> Double { c.reversed().reduce(0) { $0 * t + $1 } }
}

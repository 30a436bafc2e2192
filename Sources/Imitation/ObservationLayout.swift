import Foundation
import Sim

/// What an observation holds and in which order (docs/environments.md#observations): phase; the tracked coordinates'
/// values, speeds and accelerations; the reference's next values and speeds (`use_target_obs`); tracked body and
/// centre-of-mass positions relative to the pelvis; torso, feet and centre-of-mass velocities; each muscle's
/// activation, fiber length and velocity; each foot's ground force and moment (`use_GRF`, normalised by body
/// weight and height). Writing allocates nothing.
struct ObservationLayout {
    let names: [String]
    let tracked: [Int]
    let trackedBodies: [Int]
    let velocityBodies: [Int]
    /// Each muscle's first output (force), its activation, fiber length and velocity following.
    let muscleOutputs: [Int]
    /// Each foot contact force's first output (force, then moment about the ground origin).
    let footOutputs: [Int]
    let pelvis: Int
    let planar: Bool, useTarget: Bool, useGRF: Bool
    let bodyWeight: Double, height: Double

    init(model: Model, reference: ReferenceMotion, config: EnvironmentConfig, tracked: [Int], pelvis: Int,
         muscles: [(name: String, output: Int)], feet: [(name: String, output: Int)], bodyWeight: Double, height: Double) {
        self.tracked = tracked; self.pelvis = pelvis; self.bodyWeight = bodyWeight; self.height = height
        trackedBodies = reference.trackedBodies
        velocityBodies = ["torso", "calcn_r", "calcn_l"].compactMap { model.bodyIndex($0) }
        muscleOutputs = muscles.map(\.output); footOutputs = feet.map(\.output)
        planar = model.coordinateIndex("pelvis_tz") == nil
        useTarget = config.useTargetObservation; useGRF = config.useGRF
        let coordinateNames = tracked.map { model.coordinates[$0].name }
        let axes = planar ? ["x", "y"] : ["x", "y", "z"]
        var obs = ["phase"]
        obs += coordinateNames.map { "q:\($0)" } + coordinateNames.map { "u:\($0)" } + coordinateNames.map { "udot:\($0)" }
        if useTarget { obs += coordinateNames.map { "target_q:\($0)" } + coordinateNames.map { "target_u:\($0)" } }
        for b in trackedBodies { obs += axes.map { "pos:\(model.bodies[b].name).\($0)" } }
        obs += axes.map { "pos:com.\($0)" }
        for b in velocityBodies { obs += axes.map { "vel:\(model.bodies[b].name).\($0)" } }
        obs += axes.map { "vel:com.\($0)" }
        for m in muscles { obs += ["activation:\(m.name)", "fiber_length:\(m.name)", "fiber_velocity:\(m.name)"] }
        if useGRF {
            for f in feet { obs += (planar ? ["fx", "fy", "mz"] : ["fx", "fy", "fz", "mx", "my", "mz"]).map { "grf:\(f.name).\($0)" } }
        }
        names = obs
    }

    /// Writes the observation of `data` at reference `frame` into `o`, and each foot's force and moment about the
    /// pelvis (6 numbers per foot) into `footLoads`.
    func write(_ o: inout [Float], model: Model, data: SimData, reference: ReferenceMotion, frame: Int, footLoads: inout [Double]) {
        var k = 0
        @inline(__always) func put(_ x: Double) { o[k] = Float(x); k += 1 }
        let t = Double(frame) * reference.step
        put((t / reference.cycleDuration).truncatingRemainder(dividingBy: 1))
        for c in tracked { put(data.q[c]) }
        for c in tracked { put(data.u[c]) }
        for c in tracked { put(data.udot[c]) }
        let next = min(frame + 1, reference.frameCount - 1)
        if useTarget {
            for c in tracked { put(reference.position(next, c)) }
            for c in tracked { put(reference.speed(next, c)) }
        }
        let dims = planar ? 2 : 3
        let origin = data.origin[pelvis]
        for b in trackedBodies { let p = data.origin[b] - origin; for a in 0..<dims { put(p[a]) } }
        let (com, comVelocity) = model.centerOfMass(data)
        for a in 0..<dims { put(com[a] - origin[a]) }
        for b in velocityBodies { for a in 0..<dims { put(data.velocity[b][a]) } }
        for a in 0..<dims { put(comVelocity[a]) }
        for out in muscleOutputs { put(data.outputs[out + 1]); put(data.outputs[out + 2]); put(data.outputs[out + 3]) }
        for (j, out) in footOutputs.enumerated() {
            let force = Vec3(data.outputs[out], data.outputs[out + 1], data.outputs[out + 2])
            // Moments are reported about the ground origin; about the pelvis they do not grow with distance walked.
            let moment = Vec3(data.outputs[out + 3], data.outputs[out + 4], data.outputs[out + 5]) - cross(origin, force)
            for a in 0..<3 { footLoads[6 * j + a] = force[a]; footLoads[6 * j + 3 + a] = moment[a] }
            guard useGRF else { continue }
            if planar {
                put(force.x / bodyWeight); put(force.y / bodyWeight); put(moment.z / (bodyWeight * height))
            } else {
                for a in 0..<3 { put(force[a] / bodyWeight) }
                for a in 0..<3 { put(moment[a] / (bodyWeight * height)) }
            }
        }
        precondition(k == o.count, "observation buffer holds \(o.count) numbers, the layout \(k)")
    }
}

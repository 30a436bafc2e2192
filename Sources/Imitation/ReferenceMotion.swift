import Foundation
import Sim

/// A motion to imitate, sampled at the control step on one model: coordinate values and speeds per frame (model
/// coordinate order), the gait-cycle duration, and what the model's own kinematics make of each frame (positions of
/// the tracked bodies and the centre of mass), which the reward compares against.
public struct ReferenceMotion: Sendable {
    public let name: String
    /// Where the motion comes from (file, or the source and license of a built-in reference).
    public let source: String
    public let step: Double
    public let coordinateCount: Int
    public let frameCount: Int
    /// Gait-cycle duration (s); the phase observation is (t mod cycle) / cycle.
    public let cycleDuration: Double
    /// frameCount × coordinateCount, frame-major.
    public let positions: [Double]
    public let speeds: [Double]
    /// Bodies whose positions the reward and observation use, by model body index.
    public let trackedBodies: [Int]
    /// frameCount × trackedBodies.count, ground frame.
    public let bodyPositions: [Vec3]
    public let centerOfMass: [Vec3]
    /// What the mapping did (ignored columns, negated columns, treadmill speed).
    public private(set) var notes: [String]

    public var duration: Double { Double(frameCount - 1) * step }
    /// This motion with `notes` before its own.
    func noting(_ notes: [String]) -> ReferenceMotion { var r = self; r.notes = notes + r.notes; return r }
    public var cycleFrames: Double { cycleDuration / step }
    @inline(__always) public func position(_ frame: Int, _ coordinate: Int) -> Double { positions[frame * coordinateCount + coordinate] }
    @inline(__always) public func speed(_ frame: Int, _ coordinate: Int) -> Double { speeds[frame * coordinateCount + coordinate] }
    public func positions(at frame: Int) -> [Double] { Array(positions[frame * coordinateCount ..< (frame + 1) * coordinateCount]) }
    public func speeds(at frame: Int) -> [Double] { Array(speeds[frame * coordinateCount ..< (frame + 1) * coordinateCount]) }

    /// The bodies the imitation tracks: torso, femurs, tibias, tali and calcanei (docs/environments.md), those the model has.
    public static let trackedBodyNames = ["torso", "femur_r", "femur_l", "tibia_r", "tibia_l", "talus_r", "talus_l", "calcn_r", "calcn_l"]

    /// Builds from frames of values and speeds: holds locked coordinates, puts the lowest foot point of the whole
    /// motion on the floor (y = 0) by a constant pelvis_ty offset, and computes the body kinematics.
    init(name: String, source: String, model: Model, step: Double, cycleDuration: Double,
         values: [[Double]], rates: [[Double]], notes: [String]) {
        let n = model.coordinateCount
        var values = values, rates = rates
        for (c, coordinate) in model.coordinates.enumerated() where coordinate.locked {
            for f in values.indices { values[f][c] = coordinate.defaultValue; rates[f][c] = 0 }
        }
        var notes = notes
        if let ty = model.coordinateIndex("pelvis_ty"), !model.contactGeometry.spheres.isEmpty {
            let floor = values.map { ContactPoints.lowest(model: model, q: $0).height }.min()!
            for f in values.indices { values[f][ty] -= floor }
            if abs(floor) > 1e-4 { notes.append(String(format: "pelvis_ty shifted by %.4f m to put the feet on the floor", -floor)) }
        }
        self.name = name; self.source = source; self.step = step; self.coordinateCount = n
        self.frameCount = values.count; self.cycleDuration = cycleDuration
        self.positions = values.flatMap { $0 }; self.speeds = rates.flatMap { $0 }
        let tracked = Self.trackedBodyNames.compactMap { model.bodyIndex($0) }
        trackedBodies = tracked
        var d = SimData(model: model)
        var bodies: [Vec3] = [], com: [Vec3] = []
        for f in values.indices {
            d.q = values[f]; d.u = rates[f]
            model.updateKinematics(&d)
            for b in tracked { bodies.append(d.origin[b]) }
            com.append(model.centerOfMass(d).position)
        }
        bodyPositions = bodies; centerOfMass = com; self.notes = notes
    }

    /// `cycles` repetitions of a built-in Fourier cycle (pelvis_tx advancing by the cycle's stride each time).
    public static func periodic(_ cycle: FourierCycle, model: Model, step: Double, cycles: Double = 3) throws -> ReferenceMotion {
        let frames = Int((cycles * cycle.period / step).rounded(.down)) + 1
        let series = try model.coordinates.map { c -> FourierCycle.Series? in
            let s = cycle.series(c.name)
            if s == nil && !c.locked { throw SimError.invalid("reference \(cycle.name) has no series for coordinate \(c.name) of model \(model.name)") }
            return s
        }
        var values = [[Double]](repeating: model.defaultPositions, count: frames), rates = [[Double]](repeating: model.defaultSpeeds, count: frames)
        for f in 0..<frames {
            for (c, s) in series.enumerated() {
                guard let s else { continue }
                (values[f][c], rates[f][c]) = cycle.evaluate(s, at: Double(f) * step)
            }
        }
        return ReferenceMotion(name: cycle.name, source: cycle.source, model: model, step: step, cycleDuration: cycle.period,
                               values: values, rates: rates, notes: [])
    }

    /// `cycles` repetitions of one sampled cycle (`table`: rad and m, model coordinate names, last frame = first
    /// frame up to a forward drift of pelvis_tx), sampled at `step`; speeds by central differences across the seam.
    /// Used for the synthetic references, whose exact samples keep their physical consistency.
    public static func periodic(table: MotionTable, name: String, source: String, model: Model, step: Double,
                                cycles: Double = 3) throws -> ReferenceMotion {
        guard table.time.count >= 3, let first = table.time.first, let last = table.time.last, last > first else {
            throw SimError.invalid("reference \(name): a cycle needs at least 3 frames")
        }
        let period = last - first
        let mapped = try MappedMotion(table: table, model: model, step: period / Double(table.time.count - 1), smoothing: 0, source: name)
        let cycleSamples = mapped.samples
        let m = cycleSamples.count - 1  // samples per cycle (the last repeats the first)
        let drift = model.coordinates.indices.map { cycleSamples[m][$0] - cycleSamples[0][$0] }
        func value(_ t: Double, _ c: Int) -> Double {
            let cyclesDone = (t / period).rounded(.down)
            let x = (t - cyclesDone * period) / period * Double(m)
            let i = min(Int(x), m - 1), w = x - Double(i)
            return cycleSamples[i][c] * (1 - w) + cycleSamples[i + 1][c] * w + drift[c] * cyclesDone
        }
        let frames = Int((cycles * period / step).rounded(.down)) + 1
        let n = model.coordinateCount
        var values = [[Double]](repeating: [Double](repeating: 0, count: n), count: frames), rates = values
        for f in 0..<frames {
            let t = Double(f) * step
            for c in 0..<n {
                values[f][c] = value(t, c)
                rates[f][c] = (value(t + step, c) - value(t - step, c)) / (2 * step)  // floor() extends to t < 0
            }
        }
        return ReferenceMotion(name: name, source: source, model: model, step: step, cycleDuration: period,
                               values: values, rates: rates, notes: mapped.notes)
    }

    /// Any OpenSim motion (`.mot`/`.sto`) on `model`: mapped by coordinate name, smoothed and resampled at `step`,
    /// differentiated by central differences, its gait cycle detected (the whole motion when none is found).
    /// With `allowMissing` the model coordinates the file lacks are held at their defaults (the caller leaves them
    /// out of the score), else they are an error.
    public static func recording(path: String, model: Model, step: Double, allowMissing: Bool = false) throws -> ReferenceMotion {
        let table = try MotionTable.read(path: path)
        let mapped = try MappedMotion(table: table, model: model, step: step, smoothing: 0.02, source: path)
        // Tracking a coordinate the motion does not give would hold it at its default: a misspelled column or a 2D
        // motion on a 3D model, which the user would not notice.
        guard mapped.missing.isEmpty || allowMissing else {
            let unknown = mapped.ignored
            throw SimError.invalid("\(path): no column for \(mapped.missing.count) of model \(model.name)'s coordinates: "
                + mapped.missing.joined(separator: ", ") + (unknown.isEmpty ? "" : " (columns it has that name no coordinate: \(unknown.joined(separator: ", ")))"))
        }
        let samples = mapped.samples
        var notes = mapped.notes
        var cycle = GaitCycle.detect(mapped, model: model)
        if cycle == nil {
            cycle = Double(samples.count - 1) * step
            notes.append("no gait cycle detected; the phase spans the whole motion")
        }
        var rates = samples
        let last = samples.count - 1
        for f in 0...last {
            let a = max(f - 1, 0), b = min(f + 1, last)
            for c in 0..<model.coordinateCount { rates[f][c] = (samples[b][c] - samples[a][c]) / (Double(b - a) * step) }
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return ReferenceMotion(name: name, source: path, model: model, step: step, cycleDuration: cycle!,
                               values: samples, rates: rates, notes: notes)
    }
}

import Foundation
import Sim

/// A recorded motion mapped onto a model: one column per model coordinate (model order, rad and m), resampled at a
/// uniform spacing by a Gaussian-kernel smoother, treadmill belt speed added to pelvis_tx, locked coordinates held.
struct MappedMotion {
    var step: Double
    var start: Double
    /// frames × model coordinates.
    var samples: [[Double]]
    var notes: [String]
    /// The model's unlocked coordinates the table has no column for (held at their defaults).
    var missing: [String]
    /// Columns that name no coordinate of the model.
    var ignored: [String]

    /// Maps `table` columns to `model` coordinates by name: degrees become radians on rotational coordinates; a
    /// column whose values fit the coordinate's range only when negated is negated (and said so in `notes`); model
    /// coordinates the table lacks keep their default value; columns the model lacks are ignored.
    /// `smoothing` is the Gaussian kernel's standard deviation (s), 0 for plain linear interpolation.
    init(table: MotionTable, model: Model, step: Double, smoothing: Double, source: String) throws {
        let n = model.coordinateCount
        var columns = [Int?](repeating: nil, count: n)
        var scale = [Double](repeating: 1, count: n)
        var notes: [String] = [], missing: [String] = []
        for (c, coordinate) in model.coordinates.enumerated() {
            guard let j = table.coordinateColumn(coordinate.name) else {
                if !coordinate.locked {
                    notes.append("\(coordinate.name) is not in \(source); held at its default \(coordinate.defaultValue)")
                    missing.append(coordinate.name)
                }
                continue
            }
            columns[c] = j
            if table.inDegrees && coordinate.motion == .rotational { scale[c] = Double.pi / 180 }
            // Sign conventions differ between models: accept a column as it is unless only its negation fits.
            let values = table.rows.map { $0[j] * scale[c] }
            let range = coordinate.range
            let inside = values.filter { range.contains($0) }.count, flipped = values.filter { range.contains(-$0) }.count
            if coordinate.motion == .rotational && Double(inside) < 0.5 * Double(values.count) && Double(flipped) > 0.9 * Double(values.count) {
                scale[c] = -scale[c]
                notes.append("\(coordinate.name): values fit the model's range only negated; negated")
            }
        }
        // OpenSim 4 state files also carry each coordinate's speed, which the mapping differentiates itself.
        let ignored = table.labels.indices.filter { j in !columns.contains(j) && !table.labels[j].hasSuffix("/speed") }.map { table.labels[$0] }
        if !ignored.isEmpty { notes.append("columns not in the model, ignored: \(ignored.joined(separator: ", "))") }
        guard columns.contains(where: { $0 != nil }) else {
            throw SimError.invalid("\(source): no column names a coordinate of model \(model.name)")
        }
        let t0 = table.time.first!, t1 = table.time.last!
        guard t1 - t0 >= 2 * step else { throw SimError.invalid("\(source): the motion lasts \(t1 - t0) s, too short to imitate") }
        let frames = Int(((t1 - t0) / step).rounded(.down)) + 1
        var samples = [[Double]](repeating: model.defaultPositions, count: frames)
        for (c, j) in columns.enumerated() {
            guard let j, !model.coordinates[c].locked else { continue }
            let raw = table.rows.map { $0[j] * scale[c] }
            for f in 0..<frames { samples[f][c] = Self.smooth(time: table.time, values: raw, at: t0 + Double(f) * step, sigma: smoothing) }
        }
        self.step = step; self.start = t0; self.samples = samples; self.notes = notes; self.missing = missing; self.ignored = ignored
        addTreadmillSpeed(model: model)
    }

    /// Gaussian-kernel weighted mean of the samples near t (Nadaraya–Watson), or linear interpolation for sigma 0.
    static func smooth(time: [Double], values: [Double], at t: Double, sigma: Double) -> Double {
        if sigma <= 0 {
            guard let hi = time.firstIndex(where: { $0 >= t }) else { return values.last! }
            if hi == 0 { return values[0] }
            let lo = hi - 1, span = time[hi] - time[lo]
            return span > 0 ? values[lo] + (values[hi] - values[lo]) * (t - time[lo]) / span : values[hi]
        }
        var sum = 0.0, weight = 0.0
        for (ti, v) in zip(time, values) where abs(ti - t) < 4 * sigma {
            let w = Foundation.exp(-0.5 * (ti - t) * (ti - t) / (sigma * sigma))
            sum += w * v; weight += w
        }
        return weight > 0 ? sum / weight : smooth(time: time, values: values, at: t, sigma: 0)
    }

    /// Treadmill recordings keep the pelvis in place while the stance foot slides backwards with the belt. The belt
    /// speed is the median backward speed of the lowest contact sphere while it is on the ground; adding it to
    /// pelvis_tx turns the motion into over-ground progression, which is what a simulated body on a floor does.
    mutating func addTreadmillSpeed(model: Model) {
        guard let tx = model.coordinateIndex("pelvis_tx"), !model.contactGeometry.spheres.isEmpty, samples.count > 2 else { return }
        let lowest = samples.map { ContactPoints.lowest(model: model, q: $0) }
        let floor = lowest.map(\.height).min()!
        var speeds: [Double] = []
        for f in 1..<samples.count where lowest[f].sphere == lowest[f - 1].sphere && lowest[f].height < floor + 0.02 {
            speeds.append((lowest[f].center.x - lowest[f - 1].center.x) / step)
        }
        guard !speeds.isEmpty else { return }
        let belt = -speeds.sorted()[speeds.count / 2]
        guard belt > 0.2 else { return }  // over-ground recordings: the stance foot stands still
        for f in samples.indices { samples[f][tx] += belt * Double(f) * step }
        notes.append(String(format: "treadmill recording: belt speed %.3f m/s added to pelvis_tx", belt))
    }
}

/// The model's foot contact spheres seen from a pose.
enum ContactPoints {
    /// The sphere whose bottom is lowest at pose q: its index, centre in ground and bottom height.
    static func lowest(model: Model, q: [Double]) -> (sphere: Int, center: Vec3, height: Double) {
        var d = SimData(model: model)
        d.q = q
        model.updateKinematics(&d)
        return lowest(model: model, data: d)
    }

    static func lowest(model: Model, data d: SimData) -> (sphere: Int, center: Vec3, height: Double) {
        var best = (sphere: -1, center: Vec3.zero, height: Double.infinity)
        for (i, s) in model.contactGeometry.spheres.enumerated() {
            let c = s.body < 0 ? s.center : d.position(of: s.center, on: s.body)
            if c.y - s.radius < best.height { best = (i, c, c.y - s.radius) }
        }
        return best
    }
}

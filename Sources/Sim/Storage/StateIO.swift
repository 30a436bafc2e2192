extension Model {
    /// Sets coordinate values (and speeds, where the file has them) from row `time` of a motion: columns are matched
    /// by coordinate name (`hip_flexion_r`) or OpenSim 4 state path (`/jointset/hip_r/hip_flexion_r/value`, `.../speed`);
    /// values are linearly interpolated in time; rotational values in degrees are converted when the header says so
    /// (translational and coupled ones never are). A locked coordinate keeps its value, as OpenSim's
    /// Coordinate::setValue does: the file's column for it is listed in `ignoredLocked`. Coordinates the file does not
    /// name keep their current values.
    @discardableResult
    public func setState(_ d: inout SimData, from motion: MotionTable, at time: Double) -> (set: [String], ignoredLocked: [String]) {
        var set: [String] = [], ignored: [String] = []
        let factor = motion.inDegrees ? Double.pi / 180 : 1
        for (c, coordinate) in coordinates.enumerated() {
            let scale = coordinate.motion == .rotational ? factor : 1
            if let column = motion.labels.firstIndex(where: { $0 == coordinate.name || ($0.hasSuffix("/\(coordinate.name)/value")) }) {
                if coordinate.locked { ignored.append(coordinate.name); continue }
                d.q[c] = motion.interpolate(column: column, at: time) * scale
                set.append(coordinate.name)
            }
            if let column = motion.labels.firstIndex(where: { $0.hasSuffix("/\(coordinate.name)/speed") || $0 == "\(coordinate.name)_u" }) {
                d.u[c] = motion.interpolate(column: column, at: time) * scale
            }
        }
        satisfyConstraints(&d)
        return (set, ignored)
    }

    /// The columns of a state or pose file that name no coordinate of the model: plain labels (a misspelled name) and
    /// coordinate paths (`/jointset/J/NAME/value`) whose NAME is none; other OpenSim state paths (muscle states) and
    /// `NAME_u` speed columns of known coordinates are not counted.
    public func unknownColumns(of motion: MotionTable) -> [String] {
        motion.labels.filter { label in
            if label.hasPrefix("/") {
                let parts = label.split(separator: "/")
                guard parts.first == "jointset", parts.count == 4, ["value", "speed"].contains(parts[3]) else { return false }
                return coordinateIndex(String(parts[2])) == nil
            }
            if label.hasSuffix("_u"), coordinateIndex(String(label.dropLast(2))) != nil { return false }
            return coordinateIndex(label) == nil
        }
    }

    /// Coordinate values as a table in OpenSim order (radians and metres, `inDegrees=no`).
    public func statesTable(name: String, time: [Double], positions: [[Double]]) -> MotionTable {
        MotionTable(name: name, labels: coordinates.map(\.name), time: time, rows: positions, inDegrees: false)
    }
}

extension MotionTable {
    /// Column value at `t`, linear between rows and held constant beyond the ends.
    public func interpolate(column: Int, at t: Double) -> Double {
        if t <= time[0] { return rows[0][column] }
        if t >= time[time.count - 1] { return rows[rows.count - 1][column] }
        var lo = 0, hi = time.count - 1
        while hi - lo > 1 { let mid = (lo + hi) / 2; if time[mid] <= t { lo = mid } else { hi = mid } }
        let w = (t - time[lo]) / max(time[hi] - time[lo], 1e-15)
        return rows[lo][column] * (1 - w) + rows[hi][column] * w
    }
}

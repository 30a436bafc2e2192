import Foundation
import Sim

extension FourierCycle {
    /// Fits one gait cycle of a recording (`.mot`/`.sto`) on `model`: maps and lightly smooths it, adds a treadmill's
    /// belt speed, detects the cycle duration, and fits `harmonics` harmonics per coordinate to the cycle starting
    /// at `start` (s from the first row). The end-to-start mismatch of each coordinate over the window is removed
    /// linearly (for pelvis_tx it is the stride, kept as the forward speed); pelvis_tx starts at 0 and pelvis_tz is
    /// centred on 0. Returns the cycle, the RMS fit residual per coordinate (rad or m) and mapping notes.
    public static func fit(recording path: String, model: Model, name: String, source: String, start: Double = 0,
                           harmonics: Int = 12) throws -> (cycle: FourierCycle, residual: [String: Double], notes: [String]) {
        guard (1...200).contains(harmonics) else { throw SimError.invalid("harmonics \(harmonics): must be between 1 and 200") }
        guard start.isFinite, start >= 0 else { throw SimError.invalid("start \(start): must be a time of 0 s or more") }
        let mapped = try mappedForFit(MotionTable.read(path: path), model: model, source: path)
        guard let period = GaitCycle.detect(mapped, model: model) else {
            throw SimError.invalid("\(path): no gait cycle found (is the motion at least one stride long?)")
        }
        return try fit(mapped: mapped, period: period, path: path, model: model, name: name, source: source, start: start, harmonics: harmonics)
    }

    /// A recording mapped as the fit samples it: every 5 ms, lightly smoothed (8 ms kernel).
    static func mappedForFit(_ table: MotionTable, model: Model, source: String) throws -> MappedMotion {
        try MappedMotion(table: table, model: model, step: 0.005, smoothing: 0.008, source: source)
    }

    /// The fit of `fit(recording:)` on a motion already mapped by `mappedForFit` whose cycle lasts `period` (s).
    static func fit(mapped: MappedMotion, period: Double, path: String, model: Model, name: String, source: String,
                    start: Double = 0, harmonics: Int = 12) throws -> (cycle: FourierCycle, residual: [String: Double], notes: [String]) {
        let samples = mapped.samples, spacing = mapped.step
        let duration = Double(samples.count - 1) * spacing
        // A recording a few percent shorter than its cycle (a trial cut just before the stride closes) is bridged:
        // the last sample is held and the closing mismatch spread linearly like any other.
        let covered = min(period, duration - start)
        guard start >= 0, covered >= 0.95 * period else {
            throw SimError.invalid(String(format: "%@: a cycle of %.3f s from %.3f s does not fit in the %.3f s recorded", path, period, start, duration))
        }
        var notes = mapped.notes
        if covered < period { notes.append(String(format: "the recording covers %.1f %% of the cycle; the rest is bridged", 100 * covered / period)) }
        func sample(_ t: Double, _ c: Int) -> Double {
            let x = min(t / spacing, Double(samples.count - 1))
            let i = min(Int(x), samples.count - 2), w = x - Double(i)
            return samples[i][c] * (1 - w) + samples[i + 1][c] * w
        }
        let count = 256
        var rows = (0...count).map { i in model.coordinates.indices.map { sample(start + period * Double(i) / Double(count), $0) } }
        // pelvis_tx over the cycle from what was recorded, extrapolated when the recording stops short.
        if let tx = model.coordinateIndex("pelvis_tx") {
            let speed = (sample(start + covered, tx) - rows[0][tx]) / covered
            rows[count][tx] = rows[0][tx] + speed * period
        }
        let table = MotionTable(name: name, labels: model.coordinates.map(\.name), time: (0...count).map { period * Double($0) / Double(count) },
                                rows: rows, inDegrees: false)
        let (cycle, residual) = fit(cycle: table, model: model, name: name, source: source, harmonics: harmonics)
        return (cycle, residual, notes)
    }

    /// Fits one cycle given as uniform samples from t = 0 to the period inclusive (rad and m, model coordinate
    /// names). The end-to-start mismatch of each coordinate is removed linearly (for pelvis_tx it is the stride, kept
    /// as the forward speed); pelvis_tx starts at 0 and pelvis_tz is centred on 0. Returns the cycle and the RMS fit
    /// residual per coordinate.
    public static func fit(cycle table: MotionTable, model: Model, name: String, source: String,
                           harmonics: Int = 12) -> (cycle: FourierCycle, residual: [String: Double]) {
        let count = table.time.count - 1, period = table.time[count] - table.time[0]
        var series: [Series] = [], residual: [String: Double] = [:]
        for coordinate in model.coordinates where !coordinate.locked {
            guard let column = table.column(coordinate.name) else { continue }
            let values = table.rows.map { $0[column] }
            let drift = values[count] - values[0]
            let forward = coordinate.name == "pelvis_tx"
            var window = Array(values[..<count])
            if !forward { for i in window.indices { window[i] -= drift * Double(i) / Double(count) } }
            var s = fit(name: coordinate.name, values: window, period: period, slope: forward ? drift / period : 0, harmonics: harmonics)
            var offset = 0.0
            if forward { offset = FourierCycle(name: name, source: source, model: model.name, period: period, coordinates: [s]).evaluate(s, at: 0).value }
            if coordinate.name == "pelvis_tz" { offset = s.mean }
            s.mean -= offset
            let check = FourierCycle(name: name, source: source, model: model.name, period: period, coordinates: [s])
            var sq = 0.0
            for i in 0..<count {
                let e = check.evaluate(s, at: period * Double(i) / Double(count)).value - (window[i] - offset)
                sq += e * e
            }
            residual[coordinate.name] = (sq / Double(count)).squareRoot()
            series.append(s)
        }
        return (FourierCycle(name: name, source: source, model: model.name, period: period, coordinates: series), residual)
    }
}

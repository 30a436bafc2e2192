import Foundation

extension FourierCycle {
    /// Fits one gait cycle of a recording (`.mot`/`.sto`) on `model`: maps and lightly smooths it, adds a treadmill's
    /// belt speed, detects the cycle duration, and fits `harmonics` harmonics per coordinate to the cycle starting
    /// at `start` (s from the first row). The end-to-start mismatch of each coordinate over the window is removed
    /// linearly (for pelvis_tx it is the stride, kept as the forward speed); pelvis_tx starts at 0 and pelvis_tz is
    /// centred on 0. Returns the cycle, the RMS fit residual per coordinate (rad or m) and mapping notes.
    public static func fit(recording path: String, model: Model, name: String, source: String, start: Double = 0,
                           harmonics: Int = 12) throws -> (cycle: FourierCycle, residual: [String: Double], notes: [String]) {
        let table = try MotionTable.read(path: path)
        let spacing = 0.005
        let mapped = try MappedMotion(table: table, model: model, step: spacing, smoothing: 0.008, source: path)
        let samples = mapped.samples
        let angles = model.coordinates.indices.filter { model.coordinates[$0].motion == .rotational && !model.coordinates[$0].locked && !model.coordinates[$0].name.hasPrefix("pelvis") }
        guard let period = GaitCycle.detect(names: angles.map { model.coordinates[$0].name },
                                            samples: samples.map { row in angles.map { row[$0] } }, step: spacing) else {
            throw SimError.invalid("\(path): no gait cycle found (is the motion at least one stride long?)")
        }
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
        var series: [Series] = [], residual: [String: Double] = [:]
        for (c, coordinate) in model.coordinates.enumerated() where !coordinate.locked {
            let values = (0...count).map { sample(start + period * Double($0) / Double(count), c) }
            let forward = coordinate.name == "pelvis_tx"
            let drift = forward ? (sample(start + covered, c) - values[0]) * period / covered : values[count] - values[0]
            var window = Array(values[..<count])
            if !forward { for i in window.indices { window[i] -= drift * Double(i) / Double(count) } }
            var s = fit(name: coordinate.name, values: window, period: period, slope: forward ? drift / period : 0, harmonics: harmonics)
            let probe = FourierCycle(name: name, source: source, model: model.name, period: period, coordinates: [s])
            if forward { s.mean -= probe.evaluate(s, at: 0).value }
            if coordinate.name == "pelvis_tz" { s.mean = 0 }
            let check = FourierCycle(name: name, source: source, model: model.name, period: period, coordinates: [s])
            var sq = 0.0
            for i in 0..<count {
                let t = period * Double(i) / Double(count)
                let target = window[i] - (forward ? values[0] : (coordinate.name == "pelvis_tz" ? window.reduce(0, +) / Double(count) : 0))
                let e = check.evaluate(s, at: t).value - target
                sq += e * e
            }
            residual[coordinate.name] = (sq / Double(count)).squareRoot()
            series.append(s)
        }
        return (FourierCycle(name: name, source: source, model: model.name, period: period, coordinates: series), residual, notes)
    }
}

import Foundation
import Sim

/// One gait cycle of every coordinate as a truncated Fourier series plus a constant forward speed: the compact form
/// of bioimitate's built-in reference motions. Periodic by construction, smooth, and differentiable exactly.
///
/// x(t) = mean + slope·t + Σₖ cos[k]·cos(2πkt/T) + sin[k]·sin(2πkt/T), angles in rad, translations in m.
public struct FourierCycle: Codable, Equatable, Sendable {
    public struct Series: Codable, Equatable, Sendable {
        public var name: String
        public var mean: Double
        /// Drift per second (the walking speed for pelvis_tx; 0 for the others).
        public var slope: Double
        public var cos: [Double]
        public var sin: [Double]
    }
    public var name: String
    /// Where the figures come from, and their license.
    public var source: String
    /// The model whose coordinate names and geometry the cycle was fitted to.
    public var model: String
    /// Cycle duration (s), detected from the recording.
    public var period: Double
    public var coordinates: [Series]

    public func series(_ name: String) -> Series? { coordinates.first { $0.name == name } }

    /// Value and rate of one series at time t.
    public func evaluate(_ s: Series, at t: Double) -> (value: Double, rate: Double) {
        let w = 2 * Double.pi / period
        var value = s.mean + s.slope * t, rate = s.slope
        for k in 0..<s.cos.count {
            let phase = w * Double(k + 1) * t
            let c = Foundation.cos(phase), sn = Foundation.sin(phase)
            value += s.cos[k] * c + s.sin[k] * sn
            rate += w * Double(k + 1) * (s.sin[k] * c - s.cos[k] * sn)
        }
        return (value, rate)
    }

    /// Least-squares fit of `harmonics` harmonics to uniform samples of one cycle (`values[i]` at i·period/count,
    /// i < count, the end point excluded). `slope` is removed first, so the drift of a treadmill-corrected or
    /// over-ground pelvis_tx stays out of the periodic part. Uniform samples of whole periods make the harmonics
    /// orthogonal, so the fit is a discrete Fourier transform.
    public static func fit(name: String, values: [Double], period: Double, slope: Double, harmonics: Int) -> Series {
        let n = values.count
        let detrended = values.indices.map { values[$0] - slope * period * Double($0) / Double(n) }
        let mean = detrended.reduce(0, +) / Double(n)
        var cs: [Double] = [], ss: [Double] = []
        for k in 1...harmonics {
            var a = 0.0, b = 0.0
            for i in 0..<n {
                let phase = 2 * Double.pi * Double(k * i) / Double(n)
                a += detrended[i] * Foundation.cos(phase); b += detrended[i] * Foundation.sin(phase)
            }
            cs.append(2 * a / Double(n)); ss.append(2 * b / Double(n))
        }
        return Series(name: name, mean: mean, slope: slope, cos: cs, sin: ss)
    }
}

import JSONConfig

/// Running mean and variance of observations (Chan et al.'s parallel update), used to normalize
/// observations as RLlib's MeanStdFilter does: (x − mean) / (std + 1e-8), clipped to ±10.
public struct RunningMeanStd: Codable, Equatable, Sendable {
    public private(set) var count: Double
    public private(set) var mean: [Double]
    public private(set) var m2: [Double]
    public static let clip: Float = 10

    public init(size: Int) {
        count = 0; mean = [Double](repeating: 0, count: size); m2 = [Double](repeating: 0, count: size)
    }

    public var size: Int { mean.count }
    public var variance: [Double] { m2.map { count > 1 ? $0 / count : 1 } }

    public mutating func update(_ x: [Float]) {
        count += 1
        for i in 0..<mean.count {
            let d = Double(x[i]) - mean[i]
            mean[i] += d / count
            m2[i] += d * (Double(x[i]) - mean[i])
        }
    }

    /// Normalizes `x` in place with the current statistics.
    public func normalize(_ x: inout [Float]) {
        guard count > 1 else { return }
        for i in 0..<mean.count {
            let std = (m2[i] / count).squareRoot()
            x[i] = min(max(Float((Double(x[i]) - mean[i]) / (std + 1e-8)), -Self.clip), Self.clip)
        }
    }

    /// Restores saved statistics.
    public init(count: Double, mean: [Double], m2: [Double]) throws {
        guard mean.count == m2.count, count >= 0, count.isFinite, mean.allSatisfy(\.isFinite), m2.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw RLError("observation filter statistics are inconsistent or not finite")
        }
        self.count = count; self.mean = mean; self.m2 = m2
    }

    enum CodingKeys: String, CodingKey { case count, mean, m2 }

    /// Statistics read from a checkpoint are checked like those given to `init(count:mean:m2:)`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(count: c.decode(Double.self, forKey: .count), mean: c.decode([Double].self, forKey: .mean), m2: c.decode([Double].self, forKey: .m2))
        } catch let error as RLError {
            throw DecodingError.dataCorruptedError(forKey: .m2, in: c, debugDescription: error.description)
        }
    }
}

/// Whether observations pass through a running mean/std normalizer before the networks see them.
public enum ObservationFilter: String, ConfigOption {
    case meanStd = "MeanStdFilter", none = "NoFilter"

    /// A fresh filter for observations of `size`, or nil.
    func make(size: Int) -> RunningMeanStd? { self == .meanStd ? RunningMeanStd(size: size) : nil }
}

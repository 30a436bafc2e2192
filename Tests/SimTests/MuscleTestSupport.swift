import Foundation
import XCTest
@testable import Sim

/// Paths and readers shared by the muscle tests.
enum MuscleTestSupport {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repoRoot = testsDir.deletingLastPathComponent().deletingLastPathComponent()
    static let modelsDir = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/data/models")
    static let modelTags = ["gait0914_2d", "gait1422_3d", "gait10dof18musc"]

    static func modelPath(_ tag: String) -> String { modelsDir.appendingPathComponent(tag + ".osim").path }

    /// Rows of a reference CSV as dictionaries of column → text.
    static func table(_ name: String) throws -> [[String: String]] {
        let url = testsDir.appendingPathComponent("MuscleReference").appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        return lines.map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            var d: [String: String] = [:]
            for (k, v) in zip(header, f) { d[k] = v }
            return d
        }
    }

    /// Muscle parameters of every shared model, keyed "model/muscle"; the "+degroote" variants copy
    /// the basic parameters of gait10dof18musc into DeGrooteFregly2016Muscle defaults and "+undamped" sets its
    /// fiber damping to 0, as the script does.
    static func allParameters() throws -> [String: MuscleParameters] {
        var out: [String: MuscleParameters] = [:]
        for tag in modelTags {
            for m in try MuscleParameterReader.read(osimPath: modelPath(tag)).muscles {
                out[tag + "/" + m.name] = m
                if tag == "gait10dof18musc" {
                    var d = MuscleParameters(name: m.name, muscleClass: .deGrooteFregly2016)
                    d.maxIsometricForce = m.maxIsometricForce
                    d.optimalFiberLength = m.optimalFiberLength
                    d.tendonSlackLength = m.tendonSlackLength
                    d.pennationAngleAtOptimal = m.pennationAngleAtOptimal
                    d.maxContractionVelocity = m.maxContractionVelocity
                    out[tag + "+degroote/" + m.name] = d
                    var u = m
                    u.millard?.fiberDamping = 0
                    out[tag + "+undamped/" + m.name] = u
                }
            }
        }
        return out
    }
}

extension Dictionary where Key == String, Value == String {
    func num(_ k: String) -> Double { Double(self[k] ?? "") ?? .nan }
}

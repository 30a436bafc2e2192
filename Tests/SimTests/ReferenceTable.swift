import Foundation
import XCTest
@testable import Sim

/// A CSV table from Tests/SimTests/Reference (written by scripts/opensim_reference.py with OpenSim 4.6).
struct ReferenceTable {
    let header: [String]
    let rows: [[String]]

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    /// The shared OpenSim models, read from where they are (never copied into the project).
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/models")

    /// Reads `name` from Tests/SimTests/`folder` (Reference by default).
    init(_ name: String, folder: String = "Reference") throws {
        let url = Self.folder.deletingLastPathComponent().appendingPathComponent(folder).appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        header = lines[0]; rows = Array(lines.dropFirst())
    }

    func column(_ name: String) -> Int { header.firstIndex(of: name)! }
    func value(_ row: [String], _ name: String) -> Double { Double(row[column(name)])! }
    func values(_ row: [String], prefix: String) -> [Double] {
        header.indices.filter { header[$0].hasPrefix(prefix) }.map { Double(row[$0])! }
    }

    static func model(_ stem: String) throws -> Model {
        let path = models.appendingPathComponent("\(stem).osim").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "shared data not present at \(path)")
        return try OsimLoader.load(path: path)
    }
}

import Foundation

/// An OpenSim Storage file (`.mot`, `.sto`): a header of `key=value` (or `key value`) lines ending at `endheader`,
/// a row of column labels (the first is time), then rows of numbers separated by tabs or spaces.
public struct MotionTable: Equatable, Sendable {
    public var name: String
    /// Column labels after `time`.
    public var labels: [String]
    public var time: [Double]
    /// rows[i][j] is column j at time[i].
    public var rows: [[Double]]
    /// Whether rotational values are in degrees (header `inDegrees=yes`).
    public var inDegrees: Bool

    public init(name: String, labels: [String], time: [Double], rows: [[Double]], inDegrees: Bool) {
        self.name = name; self.labels = labels; self.time = time; self.rows = rows; self.inDegrees = inDegrees
    }

    public func column(_ label: String) -> Int? { labels.firstIndex(of: label) }
    /// The column of coordinate `name`: its own label, or OpenSim 4's state path `/jointset/JOINT/name/value`.
    public func coordinateColumn(_ name: String) -> Int? {
        column(name) ?? labels.firstIndex { $0.hasPrefix("/") && $0.hasSuffix("/\(name)/value") }
    }
    public func values(_ label: String) -> [Double]? { column(label).map { c in rows.map { $0[c] } } }

    public static func read(path: String) throws -> MotionTable {
        guard let data = FileManager.default.contents(atPath: path) else { throw SimError.invalid("\(path): cannot read motion file") }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    public static func parse(_ text: String, source: String) throws -> MotionTable {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let end = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "endheader" }) else {
            throw SimError.invalid("\(source): not an OpenSim storage file (no 'endheader' line)")
        }
        var name = lines.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        var inDegrees = false
        for line in lines[..<end] {
            let text = line.trimmingCharacters(in: .whitespaces)
            let parts = text.contains("=") ? text.split(separator: "=", maxSplits: 1) : text.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces).lowercased(), value = parts[1].trimmingCharacters(in: .whitespaces)
            if key == "indegrees" {
                switch value.lowercased() {
                case "yes", "true": inDegrees = true
                case "no", "false": inDegrees = false
                default: throw SimError.invalid("\(source): inDegrees=\(value): expected yes or no")
                }
            }
            if key == "name" { name = value }
        }
        func fields(_ line: Substring) -> [Substring] { line.split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "," }) }
        var index = end + 1
        while index < lines.count && lines[index].trimmingCharacters(in: .whitespaces).isEmpty { index += 1 }
        guard index < lines.count else { throw SimError.invalid("\(source): no column labels after 'endheader'") }
        let header = fields(lines[index]).map(String.init)
        guard header.first?.lowercased() == "time", header.count >= 1 else {
            throw SimError.invalid("\(source): line \(index + 1): the first column label must be 'time', got '\(header.first ?? "")'")
        }
        var time: [Double] = [], rows: [[Double]] = []
        for i in (index + 1)..<lines.count {
            let parts = fields(lines[i])
            if parts.isEmpty { continue }
            let numbers = parts.compactMap { Double($0) }
            guard numbers.count == parts.count else {
                throw SimError.invalid("\(source): line \(i + 1): not a number in '\(parts.first { Double($0) == nil } ?? "")'")
            }
            guard numbers.count == header.count else {
                throw SimError.invalid("\(source): line \(i + 1): \(numbers.count) values for \(header.count) columns")
            }
            if let bad = numbers.firstIndex(where: { !$0.isFinite }) {
                throw SimError.nonFinite("\(source): line \(i + 1): column '\(header[bad])' is \(numbers[bad]) (every value must be finite)")
            }
            if let last = time.last, numbers[0] < last {
                throw SimError.invalid("\(source): line \(i + 1): time \(numbers[0]) goes backwards")
            }
            time.append(numbers[0]); rows.append(Array(numbers.dropFirst()))
        }
        guard !time.isEmpty else { throw SimError.invalid("\(source): no data rows") }
        return MotionTable(name: name, labels: Array(header.dropFirst()), time: time, rows: rows, inDegrees: inDegrees)
    }

    /// The file text in OpenSim's current header style.
    public func text() -> String {
        var out = "\(name)\nversion=1\nnRows=\(time.count)\nnColumns=\(labels.count + 1)\ninDegrees=\(inDegrees ? "yes" : "no")\nendheader\n"
        out += (["time"] + labels).joined(separator: "\t") + "\n"
        for (t, row) in zip(time, rows) {
            out += ([t] + row).map { String(format: "%.10g", $0) }.joined(separator: "\t") + "\n"
        }
        return out
    }

    /// Writes atomically (temporary file, then rename).
    public func write(path: String) throws {
        do { try Data(text().utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw SimError.invalid("\(path): cannot write (\(error.localizedDescription))")
        }
    }
}

import Foundation

/// A bad config: one line naming the file (or source) and the key.
public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}

/// Loads a JSON config over built-in defaults. A file may set any subset of the keys; an unknown key,
/// a value of the wrong type or out of range is a `ConfigError` naming the file and the key. Generic over the
/// config type: the CLI loads training, environment and test configs with it, the C ABI environment configs.
public enum ConfigLoader {
    public static func load<T: Codable>(_ defaults: T, from path: String?,
                                        problem: (T) -> (key: String, reason: String)?) throws -> T {
        guard let path else { return defaults }
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ConfigError("\(path): cannot read config file (does it exist?)")
        }
        return try load(defaults, json: data, source: path, problem: problem)
    }

    /// The same from JSON text held in memory; `source` names it in errors.
    public static func load<T: Codable>(_ defaults: T, json data: Data, source path: String,
                                        problem: (T) -> (key: String, reason: String)?) throws -> T {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw ConfigError("\(path): not valid JSON")
        }
        guard let overrides = object as? [String: Any] else {
            throw ConfigError("\(path): the top level must be a JSON object of key/value pairs")
        }
        if let twice = duplicateTopLevelKey(in: data) { throw ConfigError("\(path): key '\(twice)' appears more than once") }
        var merged = try dictionary(of: defaults)
        let integers = integerKeys(T.self, merged)
        for key in overrides.keys.sorted() {
            guard merged[key] != nil else {
                let hint = closest(to: key, in: Array(merged.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                throw ConfigError("\(path): unknown key '\(key)'\(hint)")
            }
            if let problem = mismatch(overrides[key]!, like: merged[key]!, integer: integers.contains(key)) {
                throw ConfigError("\(path): key '\(key)' must be \(problem)")
            }
            merged[key] = overrides[key]
        }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: merged))
        } catch let error as DecodingError {
            throw ConfigError("\(path): \(describe(error))")
        }
        if let p = problem(value) { throw ConfigError("\(path): key '\(p.key)' \(p.reason)") }
        return value
    }

    /// Pretty, key-sorted JSON of a resolved config.
    public static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func dictionary<T: Encodable>(of value: T) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// What `value` should have been to match the JSON kind of `reference` (the default), or nil if it matches.
    /// The first key that a top-level JSON object repeats (JSONSerialization keeps one silently), or nil.
    public static func duplicateTopLevelKey(in data: Data) -> String? {
        var seen = Set<String>(), depth = 0, inString = false, escaped = false, current = [UInt8](), last: String?
        for byte in data {
            if inString {
                if escaped { escaped = false; current.append(byte) }
                else if byte == UInt8(ascii: "\\") { escaped = true; current.append(byte) }
                else if byte == UInt8(ascii: "\"") { inString = false; last = depth == 1 ? String(decoding: current, as: UTF8.self) : nil }
                else { current.append(byte) }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; current = []
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; last = nil
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1; last = nil
            case UInt8(ascii: ":"):
                if let key = last { if !seen.insert(key).inserted { return key } }
                last = nil
            case UInt8(ascii: ","): last = nil
            default: break
            }
        }
        return nil
    }

    /// Checked here because JSONDecoder reports some mismatches (1.5 for an integer) without naming the key.
    static func mismatch(_ value: Any, like reference: Any, integer: Bool) -> String? {
        switch (kind(of: reference), kind(of: value)) {
        case (.bool, .bool), (.string, .string), (.double, .double), (.double, .int), (.int, .int): return nil
        case (.int, .double) where !integer || (value as? Double).map { $0 == $0.rounded() } == true: return nil
        case (.array, .array):
            let items = value as! [Any]
            guard let model = (reference as! [Any]).first else { return nil }
            for (i, item) in items.enumerated() {
                if let inner = mismatch(item, like: model, integer: integer) { return "a list whose items are \(inner) (item \(i) is not)" }
            }
            return nil
        case (let expected, _): return expected.phrase
        }
    }

    /// Keys whose Swift type is integral. A Double default such as 1.0 encodes as `1`, so the JSON alone cannot
    /// tell; a trial decode with 0.5 in that key (or list) does.
    private static func integerKeys<T: Decodable>(_ type: T.Type, _ defaults: [String: Any]) -> Set<String> {
        var keys = Set<String>()
        for (key, value) in defaults {
            let probe: Any
            switch kind(of: value) {
            case .int: probe = 0.5
            case .array where (value as? [Any])?.first.map({ kind(of: $0) == .int }) == true: probe = [0.5]
            default: continue
            }
            var trial = defaults
            trial[key] = probe
            let decodes = (try? JSONSerialization.data(withJSONObject: trial)).flatMap { try? JSONDecoder().decode(T.self, from: $0) } != nil
            if !decodes { keys.insert(key) }
        }
        return keys
    }

    private enum Kind {
        case bool, int, double, string, array, other
        var phrase: String {
            switch self {
            case .bool: "true or false"
            case .int: "an integer"
            case .double: "a number"
            case .string: "a string"
            case .array: "a list"
            case .other: "an object"
            }
        }
    }

    /// JSONSerialization hands back NSNumber for booleans and numbers alike; the Objective-C type code tells them apart.
    private static func kind(of value: Any) -> Kind {
        if value is String { return .string }
        if value is [Any] { return .array }
        guard let n = value as? NSNumber else { return .other }
        switch String(cString: n.objCType) {
        case "c", "B": return .bool
        case "d", "f": return .double
        default: return .int
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func key(_ path: [CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
        }
        switch error {
        case .typeMismatch(let type, let ctx): return "key '\(key(ctx.codingPath))' must be \(typeName(type))"
        case .valueNotFound(let type, let ctx): return "key '\(key(ctx.codingPath))' must be \(typeName(type)), not null"
        case .keyNotFound(let k, _): return "missing key '\(k.stringValue)'"
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty { return "unreadable config" }
            // A `ConfigOption` says which words it takes.
            return "key '\(key(ctx.codingPath))' " + (ctx.debugDescription.hasPrefix("must be") ? ctx.debugDescription : "has an unreadable value")
        @unknown default: return "unreadable config"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: return "a number"
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default: return type is any Collection.Type ? "a list" : "of type \(type)"
        }
    }

    /// The known key nearest to a misspelling, if it is plausibly a typo (edit distance ≤ 3).
    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= 3 else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased()), b = Array(b.lowercased())
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

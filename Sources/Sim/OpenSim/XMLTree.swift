import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small element tree over Foundation's XMLParser (comments dropped, as OpenSim ignores them).
public final class XMLElement {
    public let name: String
    public let attributes: [String: String]
    public internal(set) var children: [XMLElement] = []
    public internal(set) var text = ""
    public let line: Int

    init(name: String, attributes: [String: String], line: Int) { self.name = name; self.attributes = attributes; self.line = line }

    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.name == name } }
    public var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
    /// Every descendant (depth first) named `name`.
    public func descendants(_ name: String) -> [XMLElement] {
        children.flatMap { ($0.name == name ? [$0] : []) + $0.descendants(name) }
    }

    /// Descendants (depth first) satisfying `match`, without descending into the matches themselves.
    public func collect(_ match: (XMLElement) -> Bool) -> [XMLElement] {
        children.flatMap { match($0) ? [$0] : $0.collect(match) }
    }

    /// Applies and removes an OpenSim `<defaults>` block: each object in it (named "default") gives the property
    /// values that objects of its type elsewhere in `owner` take when they leave them out, as OpenSim's
    /// deserialization does with its default objects.
    func applyDefaults() {
        guard let block = child("defaults") else { return }
        children.removeAll { $0 === block }
        let defaults = Dictionary(block.children.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        func visit(_ e: XMLElement) {
            if let d = defaults[e.name] {
                let present = Set(e.children.map(\.name))
                e.children += d.children.filter { !present.contains($0.name) }
            }
            e.children.forEach(visit)
        }
        children.forEach(visit)
    }

    public static func parse(_ data: Data, source: String) throws -> XMLElement {
        let builder = Builder()
        // A stream, fed in chunks: XMLParser(data:) on Linux hands libxml2 the whole document at once, which it
        // refuses past 10 MB ("huge input") without the option Foundation does not expose.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.delegate = builder
        // Foundation on Linux may accept a truncated document: an element still open at the end means malformed.
        guard parser.parse(), let root = builder.root, builder.stack.isEmpty else {
            let line = parser.lineNumber
            let unclosed = builder.stack.last.map { " (<\($0.name)> is never closed)" } ?? ""
            throw SimError.invalid("\(source): malformed XML near line \(line)\(unclosed)")
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLElement] = []
        var root: XMLElement?
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let e = XMLElement(name: name, attributes: attributes, line: parser.lineNumber)
            stack.last?.children.append(e)
            if stack.isEmpty { root = e }
            stack.append(e)
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { stack.removeLast() }
        func parser(_ parser: XMLParser, foundCharacters string: String) { stack.last?.text += string }
    }
}

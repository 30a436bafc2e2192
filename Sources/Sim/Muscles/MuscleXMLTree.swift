import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Minimal element tree for reading muscle elements out of `.osim` files.
/// Kept internal to the muscle code; a general model XML reader may replace it.
final class MuscleXMLElement {
    let name: String
    let attributes: [String: String]
    var children: [MuscleXMLElement] = []
    var text: String = ""
    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }
    var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
    func child(_ n: String) -> MuscleXMLElement? { children.first { $0.name == n } }
    /// All descendants (depth first) satisfying `pred`, not descending into matches.
    func collect(_ pred: (MuscleXMLElement) -> Bool, into out: inout [MuscleXMLElement]) {
        for c in children {
            if pred(c) { out.append(c) } else { c.collect(pred, into: &out) }
        }
    }
}

final class MuscleXMLTreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [MuscleXMLElement] = []
    private(set) var root: MuscleXMLElement?

    static func parse(data: Data) throws -> MuscleXMLElement {
        let parser = XMLParser(data: data)
        let builder = MuscleXMLTreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            let err = parser.parserError.map { "\($0)" } ?? "unknown error"
            throw MuscleModelError.xml("XML parse failed at line \(parser.lineNumber): \(err)")
        }
        return root
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let e = MuscleXMLElement(name: elementName, attributes: attributeDict)
        if let parent = stack.last { parent.children.append(e) } else { root = e }
        stack.append(e)
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        stack.removeLast()
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}

/// A config value drawn from a fixed set of words: an enum with String raw values. Decoding any other word fails
/// with a message naming the allowed ones, which `ConfigLoader` prints after the key.
public protocol ConfigOption: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

extension ConfigOption {
    public init(from decoder: Decoder) throws {
        let word = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: word) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "must be one of \(Self.allowedWords), got \"\(word)\""))
        }
        self = value
    }

    /// The allowed words, quoted, for messages.
    public static var allowedWords: String { allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") }
}

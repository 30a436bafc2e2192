/// Why a model cannot be built or simulated; its description is the one line a user sees.
public enum SimError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case unsupported(String)
    case nonFinite(String)

    public var description: String {
        switch self {
        case .invalid(let s), .unsupported(let s), .nonFinite(let s): return s
        }
    }
}

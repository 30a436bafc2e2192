import Foundation

/// The system's reason for a failed file operation, in words ("No space left on device"), instead of Foundation's
/// error domain and code.
public func fileErrorReason(_ error: Error) -> String {
    if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if ns.domain == NSCocoaErrorDomain {  // Foundation's own codes for the usual system causes
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
        case .fileWriteNoPermission, .fileReadNoPermission: return String(cString: strerror(EACCES))
        case .fileWriteVolumeReadOnly: return String(cString: strerror(EROFS))
        case .fileNoSuchFile, .fileReadNoSuchFile: return String(cString: strerror(ENOENT))
        default: break
        }
    }
    let text = ns.localizedFailureReason ?? ns.localizedDescription
    return text.hasSuffix(".") ? String(text.dropLast()) : text
}

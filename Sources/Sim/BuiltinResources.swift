import Foundation

/// The built-in models and references, compiled into the code by SwiftPM's `embedInCode` (Package.swift): a copied or
/// installed binary, and the Python package's library, find them without the checkout's build folder.
public enum BuiltinResources {
    public static func model(_ name: String) -> Data? {
        switch name {
        case "gait2d": return Data(PackageResources.gait2d_json)
        case "gait3d": return Data(PackageResources.gait3d_json)
        default: return nil
        }
    }

    public static func reference(_ name: String) -> Data? {
        switch name {
        case "walking2d": return Data(PackageResources.walking2d_json)
        case "walking3d": return Data(PackageResources.walking3d_json)
        case "running2d": return Data(PackageResources.running2d_json)
        case "running3d": return Data(PackageResources.running3d_json)
        default: return nil
        }
    }
}

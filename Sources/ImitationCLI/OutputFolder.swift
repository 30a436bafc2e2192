import Foundation
import RL

/// The folder a command writes into, made and tried before the work that fills it, so an unusable `--out` (a file,
/// read-only, on a full disk) costs one line at the start instead of a whole evaluation and a raw system error.
enum OutputFolder {
    static func prepare(_ path: String, option: String = "--out") throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError("\(option) \(path): is a file, not a folder")
        }
        do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            // The usual cause: a file where a folder on the way should be.
            var ancestor = (path as NSString).deletingLastPathComponent
            while !ancestor.isEmpty && ancestor != "/" && !fm.fileExists(atPath: ancestor) { ancestor = (ancestor as NSString).deletingLastPathComponent }
            if fm.fileExists(atPath: ancestor, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw CLIError("\(option) \(path): cannot create the folder: \(ancestor) is a file")
            }
            throw CLIError("\(option) \(path): cannot create the folder (\(fileErrorReason(error)))")
        }
        let probe = (path as NSString).appendingPathComponent(".bioimitate-write-test-\(getpid())")
        guard fm.createFile(atPath: probe, contents: Data(count: 4096)) else {
            throw CLIError("\(option) \(path): cannot write there (\(String(cString: strerror(errno))))")
        }
        try? fm.removeItem(atPath: probe)
    }
}

import Foundation
import XCTest

/// The built `bioimitate` binary: the test bundle sits in the same build folder as the executable.
let bioimitateBinary: URL = {
    var dir = Bundle(for: CommandLineTests.self).bundleURL
    while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("bioimitate").path) {
        dir.deleteLastPathComponent()
    }
    return dir.appendingPathComponent("bioimitate")
}()

/// Runs the binary the way a user does; returns its exit status and both output streams.
func runBioimitate(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = bioimitateBinary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out; process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

extension XCTestCase {
    /// A new empty folder under the system's temporary directory, removed when the test ends.
    func temporaryFolder(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

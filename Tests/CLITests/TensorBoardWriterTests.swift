import Foundation
import XCTest
@testable import ImitationCLI

final class TensorBoardWriterTests: XCTestCase {
    func testCRC32CKnownVector() {
        // The standard check value of CRC-32C for the ASCII digits "123456789".
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    func testRecordsAreFramedWithValidChecksums() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try TensorBoardWriter(directory: dir)
        try writer.add(step: 10, scalars: [("episode/return", -1.5), ("loss/policy", 0.25)])
        try writer.add(step: 20, scalars: [("episode/return", -1.0)])
        try writer.flush()
        let bytes = [UInt8](try Data(contentsOf: writer.url))
        var offset = 0, records = 0
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) } }
        while offset < bytes.count {
            let length = u64(offset)
            XCTAssertEqual(u32(offset + 8), CRC32C.masked(Array(bytes[offset..<offset + 8])))
            let data = Array(bytes[offset + 12..<offset + 12 + length])
            XCTAssertEqual(u32(offset + 12 + length), CRC32C.masked(data))
            offset += 16 + length
            records += 1
        }
        XCTAssertEqual(offset, bytes.count)
        XCTAssertEqual(records, 3)  // file-version event + two scalar events
        XCTAssertNotNil(String(decoding: bytes, as: UTF8.self).range(of: "episode/return"))
    }
}

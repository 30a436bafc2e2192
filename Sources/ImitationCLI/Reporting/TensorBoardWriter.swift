import Foundation

/// Appends scalar summaries to a TensorBoard event file (`events.out.tfevents.*`), so `tensorboard --logdir`
/// shows a run's curves without any Python on the training side.
///
/// Format facts (TensorFlow's record and proto definitions): each record is
/// `u64 length | u32 masked-crc32c(length) | data | u32 masked-crc32c(data)`, little-endian; `data` is an
/// `Event` protobuf: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5
/// (`Summary { repeated Value value = 1 }`, `Value { string tag = 1; float simple_value = 2 }`).
final class TensorBoardWriter {
    let url: URL
    private let handle: FileHandle

    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
        url = directory.appendingPathComponent("events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CLIError("\(url.path): cannot create TensorBoard event file")
        }
        handle = try FileHandle(forWritingTo: url)
        var event = ProtoWriter()
        event.double(field: 1, Date().timeIntervalSince1970)
        event.string(field: 3, "brain.Event:2")
        try write(record: event.bytes)
    }

    deinit { try? handle.close() }

    /// One event holding every scalar of one step.
    func add(step: Int, scalars: [(tag: String, value: Double)]) throws {
        var summary = ProtoWriter()
        for (tag, value) in scalars where value.isFinite {
            var entry = ProtoWriter()
            entry.string(field: 1, tag)
            entry.float(field: 2, Float(value))
            summary.message(field: 1, entry.bytes)
        }
        var event = ProtoWriter()
        event.double(field: 1, Date().timeIntervalSince1970)
        event.varint(field: 2, UInt64(bitPattern: Int64(step)))
        event.message(field: 5, summary.bytes)
        try write(record: event.bytes)
    }

    func flush() throws { try handle.synchronize() }

    private func write(record data: [UInt8]) throws {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian, Array.init)
        out += length
        out += withUnsafeBytes(of: CRC32C.masked(length).littleEndian, Array.init)
        out += data
        out += withUnsafeBytes(of: CRC32C.masked(data).littleEndian, Array.init)
        try handle.write(contentsOf: out)
    }
}

/// The few protobuf wire encodings an Event needs.
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    mutating func rawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func varint(field: Int, _ value: UInt64) { rawVarint(UInt64(field << 3 | 0)); rawVarint(value) }
    mutating func double(field: Int, _ value: Double) {
        rawVarint(UInt64(field << 3 | 1)); bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }
    mutating func float(field: Int, _ value: Float) {
        rawVarint(UInt64(field << 3 | 5)); bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }
    mutating func message(field: Int, _ payload: [UInt8]) {
        rawVarint(UInt64(field << 3 | 2)); rawVarint(UInt64(payload.count)); bytes += payload
    }
    mutating func string(field: Int, _ text: String) { message(field: field, Array(text.utf8)) }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) with TFRecord's masking.
enum CRC32C {
    private static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// TFRecord stores a rotated-and-offset CRC so that CRCs of CRCs do not look like CRCs.
    static func masked(_ data: [UInt8]) -> UInt32 {
        let c = checksum(data)
        return ((c >> 15) | (c << 17)) &+ 0xA282_EAD8
    }
}

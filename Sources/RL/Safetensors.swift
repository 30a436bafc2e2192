import Foundation

/// The safetensors format (used by Hugging Face and PyTorch): u64 little-endian header length, a JSON header
/// mapping each tensor name to {dtype, shape, data_offsets}, then the raw little-endian data. Only F32 here.
public enum Safetensors {
    public struct Tensor: Equatable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
    }

    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for (name, t) in tensors {
            precondition(t.shape.reduce(1, *) == t.values.count, "tensor \(name) shape does not match its size")
            if let bad = t.values.firstIndex(where: { !$0.isFinite }) {
                throw RLError("tensor '\(name)' holds \(t.values[bad]) at index \(bad): not saved")
            }
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.values.count]]
            offset += 4 * t.values.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces so the data is 8-byte aligned
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for (_, t) in tensors {
            t.values.withUnsafeBufferPointer { p in
                for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        return out
    }

    public static func decode(_ data: Data, source: String) throws -> [String: Tensor] {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw RLError("\(source): not a safetensors file (too short)") }
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        guard headerLength > 0, 8 + headerLength <= bytes.count,
              let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as? [String: Any] else {
            throw RLError("\(source): not a safetensors file (bad header)")
        }
        let base = 8 + headerLength
        var tensors: [String: Tensor] = [:]
        for (name, entry) in header where name != "__metadata__" {
            guard let e = entry as? [String: Any], e["dtype"] as? String == "F32",
                  let shape = e["shape"] as? [Int], let offsets = e["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[0] >= 0, offsets[1] >= offsets[0], base + offsets[1] <= bytes.count,
                  (offsets[1] - offsets[0]) == 4 * shape.reduce(1, *) else {
                throw RLError("\(source): tensor '\(name)' is malformed or not F32")
            }
            var values = [Float](repeating: 0, count: shape.reduce(1, *))
            for i in 0..<values.count {
                let p = base + offsets[0] + 4 * i
                values[i] = Float(bitPattern: UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
            }
            // A checkpoint with a NaN or infinite value (a diverged update) is refused, not evaluated or trained on.
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw RLError("\(source): tensor '\(name)' holds \(values[bad]) at index \(bad) (every value must be finite)")
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        return tensors
    }
}

extension MLP {
    /// Named tensors with 2-D weight shapes, as `torch.nn.Linear` stores them.
    public func shapedTensors(prefix: String) -> [(String, Safetensors.Tensor)] {
        (0..<layerCount).flatMap { l in [
            ("\(prefix).\(l).weight", Safetensors.Tensor(shape: [sizes[l + 1], sizes[l]], values: weights[l].storage)),
            ("\(prefix).\(l).bias", Safetensors.Tensor(shape: [sizes[l + 1]], values: biases[l])),
        ] }
    }

    /// Loads what `shapedTensors(prefix:)` wrote, checking every shape; `source` names the file in errors.
    public func load(_ tensors: [String: Safetensors.Tensor], prefix: String, source: String) throws {
        for l in 0..<layerCount {
            let wName = "\(prefix).\(l).weight", bName = "\(prefix).\(l).bias"
            guard let w = tensors[wName], w.shape == [sizes[l + 1], sizes[l]] else {
                throw RLError("\(source): tensor \(wName) missing or not of shape [\(sizes[l + 1]), \(sizes[l])]")
            }
            guard let b = tensors[bName], b.values.count == sizes[l + 1] else {
                throw RLError("\(source): tensor \(bName) missing or of the wrong size")
            }
            weights[l].storage = w.values
            biases[l] = b.values
        }
    }
}

import Foundation
@testable import Formats

/// One tensor for a hand-made GGUF file: ggml type number, dims in ggml order, raw bytes.
/// `offset` overrides the laid-out offset, for files no honest writer produces.
struct TestGGUFTensor {
    var name: String
    var type: UInt32
    var dimensions: [UInt64]
    var data: [UInt8]
    var offset: UInt64? = nil
}

/// Writes GGUF bytes as the spec lays them out: header, metadata, tensor infos, padding to
/// `alignment`, then each tensor's data at the next aligned offset.
struct GGUFBuilder {
    var version: UInt32 = 3
    var metadata: [(String, GGUFValue)] = []
    var tensors: [TestGGUFTensor] = []
    /// Used for layout; written to the file only if `metadata` has `general.alignment`.
    var alignment = 32

    func bytes() -> [UInt8] { layout().bytes }

    /// The bytes, where the header ends (before padding) and where the data section starts.
    func layout() -> (bytes: [UInt8], headerEnd: Int, dataStart: Int) {
        var out = Array("GGUF".utf8)
        out += le(version) + le(UInt64(tensors.count)) + le(UInt64(metadata.count))
        for (key, value) in metadata {
            out += Self.string(key) + le(value.type.rawValue) + Self.payload(value)
        }
        var offsets: [UInt64] = []
        var next: UInt64 = 0
        for tensor in tensors {
            offsets.append(tensor.offset ?? next)
            next = (next + UInt64(tensor.data.count) + UInt64(alignment) - 1) / UInt64(alignment) * UInt64(alignment)
        }
        for (tensor, offset) in zip(tensors, offsets) {
            out += Self.string(tensor.name) + le(UInt32(tensor.dimensions.count))
            for dimension in tensor.dimensions { out += le(dimension) }
            out += le(tensor.type) + le(offset)
        }
        let headerEnd = out.count
        while out.count % alignment != 0 { out.append(0) }
        let dataStart = out.count
        for tensor in tensors {
            while (out.count - dataStart) % alignment != 0 { out.append(0) }
            out += tensor.data
        }
        return (out, headerEnd, dataStart)
    }

    static func string(_ text: String) -> [UInt8] { le(UInt64(text.utf8.count)) + Array(text.utf8) }

    /// The value without its type tag (arrays: element tag, count, untagged elements).
    static func payload(_ value: GGUFValue) -> [UInt8] {
        switch value {
        case let .uint8(v): le(v)
        case let .int8(v): le(v)
        case let .uint16(v): le(v)
        case let .int16(v): le(v)
        case let .uint32(v): le(v)
        case let .int32(v): le(v)
        case let .uint64(v): le(v)
        case let .int64(v): le(v)
        case let .float32(v): le(v.bitPattern)
        case let .float64(v): le(v.bitPattern)
        case let .bool(v): [v ? 1 : 0]
        case let .string(v): string(v)
        case let .array(elementType, values):
            le(elementType.rawValue) + le(UInt64(values.count)) + values.flatMap(payload)
        }
    }
}

func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

/// Quantized test data, built from chosen scales and quants so expected values can be
/// computed independently (in Float64) from the block formulas.
enum TestBlocks {
    static func half(_ value: Float) -> [UInt8] { le(Float16(value).bitPattern) }

    /// Q8_0: f16 d, 32 × i8.
    static func q8_0(d: Float, _ q: [Int8]) -> [UInt8] { half(d) + q.map { UInt8(bitPattern: $0) } }

    /// Q4_0 / Q4_1 nibbles: byte j = q[j] | q[j + 16] << 4.
    static func nibbles(_ q: [UInt8]) -> [UInt8] { (0..<16).map { q[$0] | (q[$0 + 16] << 4) } }

    static func q4_0(d: Float, _ q: [UInt8]) -> [UInt8] { half(d) + nibbles(q) }

    static func q4_1(d: Float, m: Float, _ q: [UInt8]) -> [UInt8] { half(d) + half(m) + nibbles(q) }
}

import Foundation
import Testing
import WeightTypes

/// WeightTypes' BlockDequantizer against llama.cpp's own dequantization (ggml to_float) and
/// gguf-py's, which scripts/make-dequant-fixtures.py checked to agree bit for bit: every value
/// must have the same f32 bit pattern, for every type the kernels read. Blocks carry ordinary,
/// negative, subnormal, large and zero super-scales.
@Test func dequantizationMatchesLlamaCppBitForBit() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Fixtures/dequantize.json")
    let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let entries = try #require(root["entries"] as? [[String: Any]])
    var checked = Set<GGMLType>()
    for entry in entries {
        let name = try #require(entry["type"] as? String)
        let number = try #require(entry["ggml"] as? Int)
        let type = try #require(GGMLType(rawValue: UInt32(number)))
        #expect(type.name == name)
        let bytes = hexBytes(try #require(entry["bytes"] as? String))
        let expected = hexBytes(try #require(entry["f32"] as? String))
        let blocks = try #require(entry["blocks"] as? Int)
        #expect(bytes.count == blocks * type.blockBytes, "\(name) block bytes")
        var values = [Float](repeating: .nan, count: blocks * type.blockSize)
        bytes.withUnsafeBytes { BlockDequantizer.dequantize(type, $0.baseAddress!, blocks: blocks, into: &values) }
        let got = values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        if got != expected {
            let first = stride(from: 0, to: got.count, by: 4).first { got[$0..<($0 + 4)] != expected[$0..<($0 + 4)] } ?? 0
            Issue.record("\(name): element \(first / 4) is \(values[first / 4]), llama.cpp has bytes \(Array(expected[first..<(first + 4)]))")
        }
        checked.insert(type)
    }
    #expect(checked == Set(GGMLType.computable.filter(\.isQuantized)), "fixture covers every quantized type the kernels read")
}

private func hexBytes(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = [], digits = Array(text.utf8)
    bytes.reserveCapacity(digits.count / 2)
    func value(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : c - 48 }
    while digits.count >= 2 {
        bytes.append(value(digits[digits.count - 2]) << 4 | value(digits[digits.count - 1]))
        digits.removeLast(2)
    }
    return bytes.reversed()
}

import Foundation
import Testing
@testable import Formats

@Suite struct SafetensorsReadTests {
    let f32Values: [Float] = [1.5, -2.25, 0, .infinity, -0.0, 3.4028235e38, Float(bitPattern: 0x0000_1234), 7]
    // Values exactly representable in f16 and bf16, so the round trip is exact.
    let halfValues: [Float] = [1, -2, 0.5, 65504, -0.0, 6.1035156e-05, 5.9604645e-08, .infinity]
    let bf16Values: [Float] = [1, -2, 0.5, Float(bitPattern: 0x7F7F_0000), -0.0, 1.1754944e-38, Float(bitPattern: 0x0001_0000), -.infinity]
    let i64Values: [Int64] = [0, 1, -1, .max, .min, 42]

    func writeValidFile(_ directory: TemporaryDirectory, padding: Int = 0) throws -> String {
        try directory.write(safetensorsBytes([
            .f32("a.weight", [2, 4], f32Values),
            .f16("b.weight", [8], halfValues),
            .bf16("c.weight", [2, 2, 2], bf16Values),
            .i64("embeddings.position_ids", [1, 6], i64Values),
            TestTensor(name: "empty", dtype: "F32", shape: [0, 3], data: []),
            .f32("scalar", [], [9]),
        ], metadata: ["format": "pt"], headerPadding: padding), to: "model.safetensors")
    }

    @Test func readsEveryTensorBackExactly() throws {
        let directory = try TemporaryDirectory()
        let file = try SafetensorsFile(path: writeValidFile(directory, padding: 5))

        #expect(file.tensorNames == ["a.weight", "b.weight", "c.weight", "embeddings.position_ids", "empty", "scalar"])
        #expect(file.metadata == ["format": "pt"])
        #expect(try file.info(named: "a.weight") == TensorInfo(name: "a.weight", dtype: .f32, shape: [2, 4],
                                                              byteRange: 0..<32, file: file.path))
        #expect(try file.floats(named: "a.weight").map(\.bitPattern) == f32Values.map(\.bitPattern))
        #expect(try file.floats(named: "b.weight").map(\.bitPattern) == halfValues.map(\.bitPattern))
        #expect(try file.floats(named: "c.weight").map(\.bitPattern) == bf16Values.map(\.bitPattern))
        #expect(try file.floats(named: "empty") == [])
        #expect(try file.floats(named: "scalar") == [9])

        let ids = try file.withRawBytes(named: "embeddings.position_ids") { bytes in
            (0..<bytes.count / 8).map { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
        }
        #expect(ids == i64Values)
        #expect(try file.info(named: "embeddings.position_ids").dtype == .i64)
    }

    @Test func floatsRefusesIntegerTensors() throws {
        let directory = try TemporaryDirectory()
        let file = try SafetensorsFile(path: writeValidFile(directory))
        expectFormatError(["model.safetensors", "embeddings.position_ids", "I64"]) {
            _ = try file.floats(named: "embeddings.position_ids")
        } where: { if case .unsupportedDType = $0 { true } else { false } }
    }

    @Test func missingTensorNamesFileAndTensor() throws {
        let directory = try TemporaryDirectory()
        let file = try SafetensorsFile(path: writeValidFile(directory))
        expectFormatError(["model.safetensors", "nope"]) { _ = try file.info(named: "nope") }
            where: { if case .tensorNotFound = $0 { true } else { false } }
    }

    @Test func rawBytesRefusesInfoFromAnotherFile() throws {
        let directory = try TemporaryDirectory()
        let file = try SafetensorsFile(path: writeValidFile(directory))
        let forged = TensorInfo(name: "a.weight", dtype: .f32, shape: [1_000_000], byteRange: 0..<4_000_000, file: file.path)
        expectFormatError(["a.weight"]) { _ = try file.rawBytes(of: forged) }
            where: { if case .tensorNotFound = $0 { true } else { false } }
    }

    @Test func parsesEveryDTypeName() throws {
        let directory = try TemporaryDirectory()
        let tensors = SafetensorsDType.allCases.map { dtype in
            TestTensor(name: "t_\(dtype.rawValue)", dtype: dtype.rawValue, shape: [3],
                       data: [UInt8](repeating: 1, count: 3 * dtype.byteSize))
        }
        let file = try SafetensorsFile(path: directory.write(safetensorsBytes(tensors), to: "all.safetensors"))
        for dtype in SafetensorsDType.allCases {
            #expect(try file.info(named: "t_\(dtype.rawValue)").dtype == dtype)
        }
    }

    @Test func headerOnlyFileWithNoTensorsIsValid() throws {
        let directory = try TemporaryDirectory()
        let file = try SafetensorsFile(path: directory.write(safetensorsBytes(header: "{}", data: []), to: "empty.safetensors"))
        #expect(file.tensorNames.isEmpty)
    }

    @Test func trailingPaddingAfterDataIsAllowed() throws {
        let directory = try TemporaryDirectory()
        let bytes = safetensorsBytes([.f32("x", [2], [1, 2])]) + [0, 0, 0, 0, 0, 0, 0]
        let file = try SafetensorsFile(path: directory.write(bytes, to: "padded.safetensors"))
        #expect(try file.floats(named: "x") == [1, 2])
    }

    @Test func unalignedTensorDataIsReadCorrectly() throws {
        let directory = try TemporaryDirectory()
        // A 1-byte U8 tensor first pushes every later tensor off its natural alignment.
        let bytes = safetensorsBytes([TestTensor(name: "pad", dtype: "U8", shape: [1], data: [7]),
                                      .f32("x", [3], [1, -2, 3]), .f16("y", [2], [0.5, -4])])
        let file = try SafetensorsFile(path: directory.write(bytes, to: "unaligned.safetensors"))
        #expect(try file.floats(named: "x") == [1, -2, 3])
        #expect(try file.floats(named: "y") == [0.5, -4])
    }

    @Test func halfWideningMatchesFloat16ForEveryBitPattern() {
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let actual = FloatWidening.halfToFloat(bits)
            if expected.isNaN {
                #expect(actual.isNaN, "0x\(String(bits, radix: 16))")
            } else if actual.bitPattern != expected.bitPattern {
                Issue.record("0x\(String(bits, radix: 16)): \(actual) != \(expected)")
            }
        }
    }
}

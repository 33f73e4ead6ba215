@testable import Formats

/// A small GGUF with every metadata type and a tensor of each supported type, plus the values
/// its tensors must dequantize to, computed in Float64 from the block formulas.
enum GGUFFixture {
    static let metadata: [(String, GGUFValue)] = [
        ("general.architecture", .string("llama")),
        ("test.u8", .uint8(200)), ("test.i8", .int8(-100)),
        ("test.u16", .uint16(60000)), ("test.i16", .int16(-30000)),
        ("test.u32", .uint32(4_000_000_000)), ("test.i32", .int32(-2_000_000_000)),
        ("test.f32", .float32(1.5e-5)), ("test.bool", .bool(true)),
        ("test.string", .string("héllo\nwörld ✓")), ("test.empty_string", .string("")),
        ("test.u64", .uint64(UInt64.max)), ("test.i64", .int64(Int64.min)), ("test.f64", .float64(-2.25e300)),
        ("test.array_i32", .array(elementType: .int32, [.int32(1), .int32(-2), .int32(3)])),
        ("test.array_string", .array(elementType: .string, [.string("a"), .string(""), .string("Ġthe")])),
        ("test.array_empty", .array(elementType: .float32, [])),
        ("test.array_nested", .array(elementType: .array, [
            .array(elementType: .uint8, [.uint8(1), .uint8(2)]),
            .array(elementType: .bool, [.bool(false)]),
            .array(elementType: .string, []),
        ])),
    ]

    static let q8Scales: [Float] = [0.0123, -0.5]
    static let q8Quants: [[Int8]] = [Array(-16..<16), (0..<32).map { Int8(truncatingIfNeeded: $0 * 7 - 127) }]
    static let q4_0Scales: [Float] = [0.25, 0.0078]
    static let q4Quants: [[UInt8]] = [(0..<32).map { UInt8($0 % 16) }, (0..<32).map { UInt8(($0 * 5 + 3) % 16) }]
    static let q4_1Scale: Float = 0.031, q4_1Min: Float = -0.47

    static let f32Values: [Float] = [1, -2.5, 3.25, 0, 1e-7, -1e7]
    static let f16Values: [Float] = [1, -0.5, 65504, 6.1035156e-05]
    static let bf16Values: [Float] = [1, -3.0, 0.15625, 1e30]

    static var tensors: [TestGGUFTensor] {
        [
            TestGGUFTensor(name: "f32", type: 0, dimensions: [3, 2], data: f32Values.flatMap { le($0.bitPattern) }),
            TestGGUFTensor(name: "f16", type: 1, dimensions: [4], data: f16Values.flatMap { TestBlocks.half($0) }),
            TestGGUFTensor(name: "bf16", type: 30, dimensions: [2, 2],
                           data: bf16Values.flatMap { le(UInt16($0.bitPattern >> 16)) }),
            TestGGUFTensor(name: "q8_0", type: 8, dimensions: [64],
                           data: zip(q8Scales, q8Quants).flatMap { TestBlocks.q8_0(d: $0, $1) }),
            TestGGUFTensor(name: "q4_0", type: 2, dimensions: [32, 2],
                           data: zip(q4_0Scales, q4Quants).flatMap { TestBlocks.q4_0(d: $0, $1) }),
            TestGGUFTensor(name: "q4_1", type: 3, dimensions: [32, 1, 1],
                           data: TestBlocks.q4_1(d: q4_1Scale, m: q4_1Min, q4Quants[1])),
        ]
    }

    static func builder(version: UInt32 = 3) -> GGUFBuilder {
        GGUFBuilder(version: version, metadata: metadata, tensors: tensors)
    }

    /// The stored f16 value, as Float64.
    static func stored(_ value: Float) -> Double { Double(Float(Float16(value))) }

    static var expected: [String: [Float]] {
        [
            "f32": f32Values,
            "f16": f16Values.map { Float(Float16($0)) },
            "bf16": bf16Values.map { Float(bitPattern: $0.bitPattern & 0xFFFF_0000) },
            // x = d·q
            "q8_0": zip(q8Scales, q8Quants).flatMap { d, q in q.map { Float(stored(d) * Double($0)) } },
            // x = d·(q − 8); element i is q[i] whichever nibble holds it
            "q4_0": zip(q4_0Scales, q4Quants).flatMap { d, q in q.map { Float(stored(d) * (Double($0) - 8)) } },
            // x = d·q + m
            "q4_1": q4Quants[1].map { Float(stored(q4_1Scale) * Double($0) + stored(q4_1Min)) },
        ]
    }
}

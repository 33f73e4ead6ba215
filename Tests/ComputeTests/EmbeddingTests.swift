import Compute
import Testing
import TestSupport

struct EmbeddingCase: Sendable, CustomStringConvertible {
    let vocab, dim, count: Int
    let dtype: DType
    var description: String { "vocab=\(vocab) dim=\(dim) ids=\(count) \(dtype)" }

    static let all: [EmbeddingCase] = DType.allCases.filter { !$0.isQuantized }.flatMap { dtype in
        [(1, 1, 1), (5, 3, 7), (50, 769, 3), (1000, 64, 300), (257, 17, 1), (3, 2048, 17)].map {
            EmbeddingCase(vocab: $0.0, dim: $0.1, count: $0.2, dtype: dtype)
        }
    }
}

/// Rows are copied exactly: f16 tables give the f16-rounded values, widened without error.
@Test(.noValidationMessages, arguments: try cases(EmbeddingCase.all))
func embedding(_ test: Case<EmbeddingCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let values = random.values(c.vocab * c.dim, scale: 3)
    let table = try backend.tensor(values, shape: [c.vocab, c.dim], dtype: c.dtype, name: "table")
    // The first and last ids of the vocabulary, then random ones (repeats included).
    let ids = Array(([0, Int32(c.vocab - 1)] + (0..<c.count).map { _ in Int32.random(in: 0..<Int32(c.vocab), using: &random) })
        .prefix(c.count))
    let y = try backend.poisoned(shape: [c.count, c.dim])
    try backend.embedding(ids: ids, table: table, into: y)
    let stored = c.dtype == .f32 ? values : values.map { Float(Float16($0)) }
    let expected = ids.flatMap { stored[(Int($0) * c.dim)..<((Int($0) + 1) * c.dim)] }
    #expect(try backend.read(y) == expected, "\(random)")
}

/// Quantized tables (a GGUF Q8_0 `token_embd`): rows come out as the float64 dequantization of
/// their blocks, made by the test's own quantizer and reader, with no error at all (each value
/// is one f16 scale times a small integer, plus Q4_1's minimum: exact in f32 up to rounding once).
@Test(.noValidationMessages, arguments: try cases(
    [DType.q8_0, .q4_0, .q4_1].flatMap { dtype in [(1, 32, 1), (7, 64, 9), (300, 96, 41)].map { ($0, $1, $2, dtype) } }
        .map { EmbeddingCase(vocab: $0.0, dim: $0.1, count: $0.2, dtype: $0.3) }))
func quantizedEmbedding(_ test: Case<EmbeddingCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let bytes = quantize(random.values(c.vocab * c.dim, scale: 3), k: c.dim, as: c.dtype)
    let table = try bytes.withUnsafeBytes {
        try backend.tensor(rawBytes: $0, shape: [c.vocab, c.dim], dtype: c.dtype, name: "table")
    }
    let stored = dequantize(bytes, as: c.dtype)
    let ids = Array(([0, Int32(c.vocab - 1)] + (0..<c.count).map { _ in Int32.random(in: 0..<Int32(c.vocab), using: &random) })
        .prefix(c.count))
    let y = try backend.poisoned(shape: [c.count, c.dim])
    try backend.embedding(ids: ids, table: table, into: y)
    let expected = ids.flatMap { stored[(Int($0) * c.dim)..<((Int($0) + 1) * c.dim)] }
    let result = try backend.read(y)
    #expect(zip(result, expected).allSatisfy { abs(Double($0) - $1) <= 1e-6 * max(1, abs($1)) }, "\(random)")
}

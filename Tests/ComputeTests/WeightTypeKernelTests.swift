import Compute
import Testing
import TestSupport
import WeightTypes

/// Every quantized weight type the kernels read (DType.quantizedWeights), on every backend,
/// through both matmul paths (mat-vec for M ≤ 8 on Vulkan, tiled / sgemm above) and the
/// embedding lookup, against a float64 product with the dequantized weights. Shapes: one block
/// or super-block, rows not a multiple of any tile, M = 1, 7, 64.
struct WeightTypeCase: Sendable, CustomStringConvertible {
    let type: DType
    let m, k, n: Int
    var description: String { "\(type) M=\(m) K=\(k) N=\(n)" }

    static let all: [WeightTypeCase] = DType.quantizedWeights.flatMap { type in
        let b = type.blockSize
        let shapes = [(b, 1), (2 * b, 3), (3 * b, 17)] + (b == 32 ? [(576, 65)] : [(768, 9)])
        return [1, 7, 64].flatMap { m in shapes.map { WeightTypeCase(type: type, m: m, k: $0.0, n: $0.1) } }
    }
}

@Test(.noValidationMessages, arguments: try cases(WeightTypeCase.all) { backend, c in
    !(isSlow(backend) && c.m == 64 && c.k * c.n > 4096)
})
func everyWeightTypeMatmul(_ test: Case<WeightTypeCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let xValues = random.values(c.m * c.k), biasValues = random.values(c.n)
    let x = try backend.tensor(xValues, shape: [c.m, c.k], dtype: .f32, name: "x")
    let bias = try backend.tensor(biasValues, shape: [c.n], dtype: .f32, name: "bias")
    let bytes = c.type.ggml.randomBlocks(c.n * c.k / c.type.blockSize, using: &random)
    let exact = dequantize(bytes, as: c.type)
    let weight = try bytes.withUnsafeBytes { try backend.tensor(rawBytes: $0, shape: [c.n, c.k], dtype: c.type, name: "w") }
    for withBias in [false, true] {
        let y = try backend.poisoned(shape: [c.m, c.n])
        try backend.matmul(x, weight: weight, layout: .outIn, bias: withBias ? bias : nil, into: y)
        let reference = matmulReference(x: xValues, outIn: exact, bias: withBias ? biasValues : nil, m: c.m, k: c.k, n: c.n)
        let magnitude = matmulReference(x: xValues.map(abs), outIn: exact.map(abs),
                                        bias: withBias ? biasValues.map(abs) : nil, m: c.m, k: c.k, n: c.n)
        let error = scaledError(try backend.read(y), reference, magnitude: magnitude)
        // f32 accumulation over K ≤ 768 terms: measured ≤ 1e-7; 1e-6 is ten times that.
        #expect(error <= 1e-6, "\(c) bias=\(withBias): scaled error \(error), \(random)")
    }
}

@Test(.noValidationMessages, arguments: try cases(DType.quantizedWeights.flatMap { type in
    [(1, 1), (7, 2), (40, 3)].map { EmbeddingCase(vocab: $0.0, dim: $0.1 * type.blockSize, count: 9, dtype: type) }
}))
func everyWeightTypeEmbedding(_ test: Case<EmbeddingCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let bytes = c.dtype.ggml.randomBlocks(c.vocab * c.dim / c.dtype.blockSize, using: &random)
    let table = try bytes.withUnsafeBytes { try backend.tensor(rawBytes: $0, shape: [c.vocab, c.dim], dtype: c.dtype, name: "table") }
    let stored = dequantize(bytes, as: c.dtype)
    let ids = (0..<c.count).map { $0 == 0 ? Int32(c.vocab - 1) : Int32.random(in: 0..<Int32(c.vocab), using: &random) }
    let y = try backend.poisoned(shape: [c.count, c.dim])
    try backend.embedding(ids: ids, table: table, into: y)
    let expected = ids.flatMap { stored[(Int($0) * c.dim)..<((Int($0) + 1) * c.dim)] }
    let result = try backend.read(y)
    // Each value is a few f32 products of small integers and f16 scales: a fused multiply-add on
    // the GPU may round once instead of twice.
    let worst = zip(result, expected).map { abs(Double($0) - $1) / max(1e-3, abs($1)) }.max() ?? 0
    #expect(worst <= 1e-6, "\(c.dtype): worst relative error \(worst), \(random)")
}

/// A NaN or infinite super-scale poisons its block's products (NaN out), and nothing crashes.
@Test(.noValidationMessages, arguments: try cases(DType.quantizedWeights))
func nonFiniteScaleGivesNaN(_ test: Case<DType>) throws {
    let backend = test.backend, type = test.parameters
    var random = TestRandom()
    let k = type.blockSize * 2
    var bytes = type.ggml.randomBlocks(2 * 2, using: &random)
    // Row 0, block 0: d = NaN; row 1, block 1: d = +inf.
    let d = type.ggml.traits.halfFields[0]
    bytes[d] = 0x00; bytes[d + 1] = 0x7E
    bytes[3 * type.blockBytes + d] = 0x00; bytes[3 * type.blockBytes + d + 1] = 0x7C
    let weight = try bytes.withUnsafeBytes { try backend.tensor(rawBytes: $0, shape: [2, k], dtype: type, name: "w") }
    let x = try backend.tensor(random.values(k), shape: [1, k], dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: [1, 2])
    try backend.matmul(x, weight: weight, layout: .outIn, bias: nil, into: y)
    let result = try backend.read(y)
    #expect(result[0].isNaN, "\(type): NaN scale gave \(result[0])")
    #expect(!result[1].isFinite, "\(type): infinite scale gave \(result[1])")
}

/// Q8_K round trip (llama.cpp's activation rounding for k-quants), per ggml's
/// quantize_row_q8_K_ref in f32: iscale = −127/max (max the element of largest magnitude, with
/// its sign), q = min(127, nearest(iscale·x)), y = q·(1/iscale). A GPU's division may differ from
/// IEEE's by an ulp, which can move a quant by one step.
@Test(.noValidationMessages, arguments: try cases([(1, 256), (3, 512), (5, 1536)].map { "\($0.0)×\($0.1)" }))
func roundTripThroughQ8K(_ test: Case<String>) throws {
    let backend = test.backend
    let dims = test.parameters.split(separator: "×").compactMap { Int($0) }
    var random = TestRandom()
    var values = random.values(dims[0] * dims[1], scale: 3)
    values.replaceSubrange(0..<256, with: [Float](repeating: 0, count: 256))       // all zeros
    if values.count >= 768 {
        values.replaceSubrange(256..<512, with: [-1e4] + [Float](repeating: 1e-3, count: 255)) // one large negative
        values.replaceSubrange(512..<768, with: [127] + (1..<256).map { Float($0 % 9) - 4.5 }) // exact halves
    }
    let x = try backend.tensor(values, shape: [dims[0], dims[1]], dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: [dims[0], dims[1]])
    try backend.roundTrip(x, through: .q8_K, into: y)
    let result = try backend.read(y)
    var offByOne = 0
    for block in stride(from: 0, to: values.count, by: 256) {
        let chunk = Array(values[block..<(block + 256)])
        let signed = chunk.max { abs($0) < abs($1) } ?? 0
        let iscale: Float = signed == 0 ? 0 : -127 / signed
        for (j, v) in chunk.enumerated() {
            let expected = signed == 0 ? 0 : Float(min(127, (iscale * v).rounded(.toNearestOrEven))) * (1 / iscale)
            let got = result[block + j]
            if got == expected { continue }
            if abs(got - expected) <= abs(1 / iscale) * 1.000001 { offByOne += 1; continue }
            Issue.record("element \(block + j): \(got) vs \(expected), \(random)")
            return
        }
    }
    #expect(offByOne <= max(1, result.count / 1000), "\(offByOne) elements one step off")
    if values.count >= 768 {
        // max = 127 → iscale = −1: halves round to even, and the sign flips back exactly.
        #expect(Array(result[513..<518]) == [-4, -2, -2, 0, 0], "x = -3.5, -2.5, -1.5, -0.5, 0.5")
    }
    #expect(result[0..<256].allSatisfy { $0 == 0 })
    try backend.roundTrip(x, through: .q8_K, into: x)
    #expect(try backend.read(x) == result, "in place")
}

import Compute
import Testing
import TestSupport

struct AttentionCase: Sendable, CustomStringConvertible {
    enum Mask: Sendable { case none, paddedTail(Int), maskedHead(Int), everything }

    let queries, keyLength, heads, headDim: Int
    /// K/V heads (grouped-query attention when fewer than `heads`); nil: as many as `heads`.
    var keyHeads: Int? = nil
    var causal = false
    var scale: Float = 0.125
    var mask = Mask.none
    /// Small integers for q and k (so scores are exact in f32) times a power-of-two scale, with
    /// scores reaching ±1e3: hostile for softmax, yet the reference is exact.
    var hostile = false

    /// Rows of the KV cache beyond keyLength, filled with NaN: they must never be read.
    var cacheRows: Int { keyLength + 3 }

    var description: String {
        "T=\(queries) S=\(keyLength) H=\(heads)\(keyHeads.map { " G=\($0)" } ?? "") D=\(headDim)\(causal ? " causal" : "") scale=\(scale) \(mask)\(hostile ? " hostile" : "")"
    }

    static let all: [AttentionCase] = {
        var cases: [AttentionCase] = []
        // Decode: one query against a growing cache.
        for s in [1, 7, 65, 300] {
            cases.append(AttentionCase(queries: 1, keyLength: s, heads: 12, headDim: 64, causal: true))
            cases.append(AttentionCase(queries: 1, keyLength: s, heads: 3, headDim: 8, scale: 1))
        }
        // Prefill, T = keyLength, and a chunk of queries against a longer cache.
        cases += [
            AttentionCase(queries: 1, keyLength: 1, heads: 1, headDim: 8, causal: true),
            AttentionCase(queries: 7, keyLength: 7, heads: 3, headDim: 8, causal: true),
            AttentionCase(queries: 5, keyLength: 5, heads: 1, headDim: 8, scale: 0.5),
            AttentionCase(queries: 17, keyLength: 17, heads: 12, headDim: 64, causal: true),
            AttentionCase(queries: 17, keyLength: 17, heads: 12, headDim: 64),
            AttentionCase(queries: 65, keyLength: 65, heads: 3, headDim: 64, causal: true),
            AttentionCase(queries: 3, keyLength: 10, heads: 3, headDim: 8, causal: true),
            AttentionCase(queries: 4, keyLength: 9, heads: 3, headDim: 3, causal: true, scale: -0.7), // odd D
            AttentionCase(queries: 2, keyLength: 9, heads: 2, headDim: 320, scale: 0.05), // D > one workgroup
        ]
        // BERT padding masks, and queries that see nothing.
        cases += [
            AttentionCase(queries: 9, keyLength: 9, heads: 12, headDim: 64, mask: .paddedTail(3)),
            AttentionCase(queries: 4, keyLength: 6, heads: 3, headDim: 8, causal: true, mask: .maskedHead(4)),
            AttentionCase(queries: 2, keyLength: 5, heads: 3, headDim: 8, mask: .everything),
        ]
        // Grouped-query attention (Llama's n_head_kv < n_head): SmolLM2's 9 heads over 3 K/V
        // heads, multi-query (one K/V head), and odd groupings, decode and prefill.
        cases += [
            AttentionCase(queries: 1, keyLength: 37, heads: 9, headDim: 64, keyHeads: 3, causal: true),
            AttentionCase(queries: 13, keyLength: 13, heads: 9, headDim: 64, keyHeads: 3, causal: true),
            AttentionCase(queries: 4, keyLength: 11, heads: 6, headDim: 5, keyHeads: 1, causal: true, scale: 0.4),
            AttentionCase(queries: 3, keyLength: 2100, heads: 4, headDim: 8, keyHeads: 2, causal: true, scale: 0.3),
            AttentionCase(queries: 2, keyLength: 6, heads: 4, headDim: 8, keyHeads: 2, mask: .maskedHead(3)),
        ]
        // Hostile magnitudes.
        cases += [
            AttentionCase(queries: 1, keyLength: 65, heads: 3, headDim: 64, scale: 16, hostile: true),
            AttentionCase(queries: 9, keyLength: 9, heads: 2, headDim: 8, causal: true, scale: 32, hostile: true),
            AttentionCase(queries: 5, keyLength: 7, heads: 1, headDim: 8, scale: -32, mask: .paddedTail(2), hostile: true),
        ]
        // Longer than one block of keys on the GPU (2048): the online-softmax path, including
        // a block that is masked entirely and poisoned output rows it must not read.
        cases += [
            AttentionCase(queries: 1, keyLength: 4133, heads: 2, headDim: 8),
            AttentionCase(queries: 3, keyLength: 2100, heads: 1, headDim: 8, causal: true, scale: 1),
            AttentionCase(queries: 1, keyLength: 2500, heads: 1, headDim: 64, mask: .maskedHead(2100)),
            AttentionCase(queries: 1, keyLength: 4200, heads: 1, headDim: 8, scale: 32, hostile: true),
        ]
        return cases
    }()

    func maskValues(count: Int) -> [Float]? {
        switch mask {
        case .none: nil
        case let .paddedTail(n): (0..<count).map { $0 < keyLength - n ? 1 : 0 }
        case let .maskedHead(n): (0..<count).map { $0 < n ? 0 : 1 }
        case .everything: [Float](repeating: 0, count: count)
        }
    }
}

@Test(.noValidationMessages, arguments: try cases(AttentionCase.all))
func attention(_ test: Case<AttentionCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let width = c.heads * c.headDim, keyWidth = (c.keyHeads ?? c.heads) * c.headDim
    func inputs(_ count: Int) -> [Float] {
        c.hostile ? random.values(count, scale: 4.49).map { $0.rounded() } : random.values(count)
    }
    let queryValues = inputs(c.queries * width)
    let unused = [Float](repeating: .nan, count: (c.cacheRows - c.keyLength) * keyWidth)
    let keyValues = inputs(c.keyLength * keyWidth) + unused
    let valueValues = random.values(c.keyLength * keyWidth) + unused
    // The mask is longer than keyLength too, with garbage past it.
    let maskValues = c.maskValues(count: c.keyLength).map { $0 + [Float.nan, 7] }

    let query = try backend.tensor(queryValues, shape: [c.queries, width], dtype: .f32, name: "query")
    let key = try backend.tensor(keyValues, shape: [c.cacheRows, keyWidth], dtype: .f32, name: "key")
    let value = try backend.tensor(valueValues, shape: [c.cacheRows, keyWidth], dtype: .f32, name: "value")
    let mask = try maskValues.map { try backend.tensor($0, shape: [$0.count], dtype: .f32, name: "mask") }
    let y = try backend.poisoned(shape: [c.queries, width])
    try backend.attention(query: query, key: key, value: value, heads: c.heads, keyLength: c.keyLength,
                          causal: c.causal, scale: c.scale, keyMask: mask, into: y)
    let result = try backend.read(y)

    let reference = attentionReference(query: queryValues, key: keyValues, value: valueValues, queries: c.queries,
                                       keyLength: c.keyLength, heads: c.heads, keyHeads: c.keyHeads, headDim: c.headDim,
                                       causal: c.causal,
                                       scale: c.scale, mask: maskValues)
    #expect(result.allSatisfy { $0.isFinite }, "\(random)")
    #expect(relativeError(result, reference) <= 1e-4, "\(random)")
    if case .everything = c.mask { #expect(result.allSatisfy { $0 == 0 }, "fully masked rows must be zeros") }
}

/// Decode steps as a model runs them: append this step's key and value rows to the cache, then
/// attend over it, several steps recorded back to back before anything is read. Checks that
/// copies and attention are ordered (the cache is written after earlier steps read it).
@Test(.noValidationMessages, arguments: try cases(["kv cache"]))
func attentionOverGrowingCache(_ test: Case<String>) throws {
    let backend = test.backend
    var random = TestRandom()
    let (heads, headDim, steps, cacheRows) = (3, 8, 5, 8)
    let width = heads * headDim
    let keyRows = random.values(steps * width), valueRows = random.values(steps * width)
    let queryRows = random.values(steps * width)
    let keyCache = try backend.poisoned(shape: [cacheRows, width], name: "keyCache")
    let valueCache = try backend.poisoned(shape: [cacheRows, width], name: "valueCache")
    var outputs: [Tensor] = []
    for step in 0..<steps {
        let rows = (step * width)..<((step + 1) * width)
        let newKey = try backend.tensor(Array(keyRows[rows]), shape: [1, width], dtype: .f32, name: "k")
        let newValue = try backend.tensor(Array(valueRows[rows]), shape: [1, width], dtype: .f32, name: "v")
        let query = try backend.tensor(Array(queryRows[rows]), shape: [1, width], dtype: .f32, name: "q")
        try backend.copy(newKey, into: keyCache, destinationOffset: step * width)
        try backend.copy(newValue, into: valueCache, destinationOffset: step * width)
        let y = try backend.poisoned(shape: [1, width])
        try backend.attention(query: query, key: keyCache, value: valueCache, heads: heads, keyLength: step + 1,
                              causal: true, scale: 0.35, keyMask: nil, into: y)
        outputs.append(y)
    }
    for (step, y) in outputs.enumerated() {
        let reference = attentionReference(
            query: Array(queryRows[(step * width)..<((step + 1) * width)]), key: keyRows, value: valueRows,
            queries: 1, keyLength: step + 1, heads: heads, headDim: headDim, causal: true, scale: 0.35, mask: nil)
        #expect(relativeError(try backend.read(y), reference) <= 1e-4, "step \(step), \(random)")
    }
}

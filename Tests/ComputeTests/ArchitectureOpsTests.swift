import Compute
import Foundation
import Testing
import TestSupport

// The ops the Llama-like families beyond Llama need (Qwen, Gemma, Phi-3), against float64.

// MARK: float64 references

/// llama.cpp's rope (ggml_rope_ext without YaRN): pair i of each head turns by
/// p · scale · base^(−2i/headDim) / factorᵢ; pairs are (2i, 2i+1) or (i, i + headDim/2).
func rotaryReference(_ x: [Float], rows: Int, heads: Int, headDim: Int, position: Int, rotary: RotaryEmbedding) -> [Double] {
    var y = x.map(Double.init)
    let width = heads * headDim, half = headDim / 2
    for t in 0..<rows {
        for h in 0..<heads {
            for i in 0..<half {
                let factor = rotary.frequencyFactors.map { Double($0[i]) } ?? 1
                let theta = Double(rotary.frequencyScale) * Foundation.pow(Double(rotary.base), -2 * Double(i) / Double(headDim)) / factor
                let angle = Double(position + t) * theta
                let first = t * width + h * headDim + (rotary.pairing == .adjacent ? 2 * i : i)
                let second = first + (rotary.pairing == .adjacent ? 1 : half)
                let a = Double(x[first]), b = Double(x[second])
                y[first] = a * Foundation.cos(angle) - b * Foundation.sin(angle)
                y[second] = a * Foundation.sin(angle) + b * Foundation.cos(angle)
            }
        }
    }
    return y
}

func geGLUReference(gate: Float, up: Float) -> Double {
    let g = Double(gate)
    return 0.5 * g * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (g + 0.044715 * g * g * g))) * Double(up)
}

/// Multi-head causal attention in float64 with a sliding window (query at position p sees keys
/// p − w + 1 ... p) and soft-capped scores c·tanh(s/c).
func windowedAttentionReference(query: [Float], key: [Float], value: [Float], queries: Int, keyLength: Int, heads: Int,
                                keyHeads: Int, headDim: Int, scale: Float, window: Int?, softcap: Float?) -> [Double] {
    let width = heads * headDim, keyWidth = keyHeads * headDim
    var y = [Double](repeating: 0, count: queries * width)
    for t in 0..<queries {
        let position = keyLength - queries + t
        let first = window.map { max(0, position - $0 + 1) } ?? 0
        let keys = Array(first...position)
        for h in 0..<heads {
            let column = h * headDim, keyColumn = (h * keyHeads / heads) * headDim
            let scores = keys.map { j -> Double in
                let s = (0..<headDim).reduce(0.0) { sum, d in
                    sum + Double(query[t * width + column + d]) * Double(key[j * keyWidth + keyColumn + d])
                } * Double(scale)
                return softcap.map { Double($0) * Foundation.tanh(s / Double($0)) } ?? s
            }
            let maximum = scores.max() ?? 0
            let e = scores.map { Foundation.exp($0 - maximum) }
            let total = e.reduce(0, +)
            for (index, j) in keys.enumerated() {
                for d in 0..<headDim { y[t * width + column + d] += e[index] / total * Double(value[j * keyWidth + keyColumn + d]) }
            }
        }
    }
    return y
}

// MARK: rotary variants

struct RotaryCase: Sendable, CustomStringConvertible {
    let rows, heads, headDim, position: Int
    let rotary: RotaryEmbedding
    var description: String {
        "T=\(rows) \(heads)×\(headDim) at \(position) \(rotary.pairing) base=\(rotary.base) scale=\(rotary.frequencyScale)"
            + (rotary.frequencyFactors == nil ? "" : " factors")
    }

    static let all: [RotaryCase] = [
        RotaryCase(rows: 3, heads: 2, headDim: 8, position: 5, rotary: RotaryEmbedding(pairing: .halves, base: 10_000)),
        RotaryCase(rows: 17, heads: 3, headDim: 64, position: 2031, rotary: RotaryEmbedding(pairing: .halves, base: 1_000_000)), // Qwen
        RotaryCase(rows: 5, heads: 4, headDim: 32, position: 100,
                   rotary: RotaryEmbedding(pairing: .halves, base: 10_000, frequencyScale: 0.125)), // Gemma 3 global, linear ×8
        RotaryCase(rows: 9, heads: 2, headDim: 16, position: 1500,
                   rotary: RotaryEmbedding(pairing: .adjacent, base: 500_000, frequencyScale: 0.5,
                                           frequencyFactors: (0..<8).map { 1 + 7 * Float($0) / 7 })), // Llama 3.1 factors
        RotaryCase(rows: 4, heads: 3, headDim: 12, position: 7,
                   rotary: RotaryEmbedding(pairing: .halves, base: 10_000, frequencyFactors: [1, 1.5, 2, 3, 5, 8])), // Phi-3
        RotaryCase(rows: 130, heads: 4, headDim: 64, position: 1800, rotary: RotaryEmbedding(pairing: .halves, base: 10_000)), // threaded
    ]
}

@Test(.noValidationMessages, arguments: try cases(RotaryCase.all))
func rotaryVariants(_ test: Case<RotaryCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let shape = [c.rows, c.heads * c.headDim]
    let values = random.values(c.rows * c.heads * c.headDim, scale: 3)
    let reference = rotaryReference(values, rows: c.rows, heads: c.heads, headDim: c.headDim, position: c.position, rotary: c.rotary)
    let x = try backend.tensor(values, shape: shape, dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: shape)
    try backend.rope(x, heads: c.heads, headDim: c.headDim, position: c.position, rotary: c.rotary, into: y)
    #expect(relativeError(try backend.read(y), reference) <= 1e-5, "out of place, \(random)")
    try backend.rope(x, heads: c.heads, headDim: c.headDim, position: c.position, rotary: c.rotary, into: x)
    #expect(relativeError(try backend.read(x), reference) <= 1e-5, "in place, \(random)")
}

/// NEOX pairs element i with i + headDim/2: at position 1, pair 0 turns by exactly 1 radian.
@Test(.noValidationMessages, arguments: try cases(["halves layout"]))
func rotaryHalvesLayout(_ test: Case<String>) throws {
    let backend = test.backend
    let values: [Float] = [1, 0, 0, 0, 0, 0, 0, 0] // one head of 8: element 0 pairs with element 4
    let x = try backend.tensor(values, shape: [1, 8], dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: [1, 8])
    try backend.rope(x, heads: 1, headDim: 8, position: 1, rotary: RotaryEmbedding(pairing: .halves, base: 10_000), into: y)
    let result = try backend.read(y)
    #expect(abs(Double(result[0]) - Foundation.cos(1.0)) < 1e-6 && abs(Double(result[4]) - Foundation.sin(1.0)) < 1e-6)
    #expect(result[1] == 0 && result[2] == 0 && result[3] == 0 && result[5] == 0)
}

// MARK: GeGLU, scale, softcap

@Test(.noValidationMessages, arguments: try cases(elementwiseShapes))
func geGLU(_ test: Case<[Int]>) throws {
    let backend = test.backend, shape = test.parameters
    var random = TestRandom()
    let count = shape.reduce(1, *)
    // Saturating gates first (tanh → ±1), then values over ±6.
    let fixed: [Float] = [0.5, -100, 100, 0, -20, 20, -1e-4, 1e4, -1e4]
    let gateValues = Array((fixed + random.values(count, scale: 6)).prefix(count))
    let upValues = random.values(count, scale: 2)
    let y = try backend.poisoned(shape: shape)
    try backend.geGLU(gate: try backend.tensor(gateValues, shape: shape, dtype: .f32, name: "gate"),
                      up: try backend.tensor(upValues, shape: shape, dtype: .f32, name: "up"), into: y)
    let result = try backend.read(y)
    #expect(result.allSatisfy { $0.isFinite }, "\(random)")
    let reference = zip(gateValues, upValues).map { geGLUReference(gate: $0, up: $1) }
    #expect(relativeError(result, reference) <= 1e-5, "\(random)")
}

@Test(.noValidationMessages, arguments: try cases(elementwiseShapes))
func scaleAndSoftcap(_ test: Case<[Int]>) throws {
    let backend = test.backend, shape = test.parameters
    var random = TestRandom()
    let count = shape.reduce(1, *)
    let values = Array(([1e4, -1e4, 0, 29.9, -45] + random.values(count, scale: 60)).prefix(count))
    let x = try backend.tensor(values, shape: shape, dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: shape)
    try backend.scale(x, by: 8, into: y)
    #expect(relativeError(try backend.read(y), values.map { 8 * Double($0) }) <= 1e-7, "scale, \(random)")
    try backend.softcap(x, cap: 30, into: y)
    let capped = values.map { 30 * Foundation.tanh(Double($0) / 30) }
    #expect(relativeError(try backend.read(y), capped) <= 1e-6, "softcap, \(random)")
    try backend.softcap(x, cap: 30, into: x) // in place, as the model caps its logits
    #expect(relativeError(try backend.read(x), capped) <= 1e-6, "softcap in place, \(random)")
}

// MARK: sliding-window, soft-capped attention

struct WindowedAttentionCase: Sendable, CustomStringConvertible {
    let queries, keyLength, heads, keyHeads, headDim: Int
    let window: Int?
    let softcap: Float?
    var description: String {
        "T=\(queries) S=\(keyLength) \(heads)/\(keyHeads)×\(headDim) window=\(window.map(String.init) ?? "-") softcap=\(softcap.map { "\($0)" } ?? "-")"
    }

    static let all: [WindowedAttentionCase] = [
        WindowedAttentionCase(queries: 7, keyLength: 7, heads: 4, keyHeads: 2, headDim: 16, window: 3, softcap: nil), // prompt
        WindowedAttentionCase(queries: 1, keyLength: 40, heads: 4, keyHeads: 2, headDim: 16, window: 8, softcap: nil), // decode
        WindowedAttentionCase(queries: 5, keyLength: 12, heads: 2, keyHeads: 1, headDim: 32, window: 100, softcap: nil), // window ≥ keys
        WindowedAttentionCase(queries: 6, keyLength: 10, heads: 4, keyHeads: 4, headDim: 16, window: nil, softcap: 5), // Gemma 2 cap
        WindowedAttentionCase(queries: 9, keyLength: 9, heads: 4, keyHeads: 2, headDim: 16, window: 4, softcap: 5), // both
        WindowedAttentionCase(queries: 1, keyLength: 3000, heads: 2, keyHeads: 1, headDim: 16, window: 2500, softcap: 50), // several blocks
    ]
}

@Test(.noValidationMessages, arguments: try cases(WindowedAttentionCase.all))
func windowedAttention(_ test: Case<WindowedAttentionCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let width = c.heads * c.headDim, keyWidth = c.keyHeads * c.headDim
    // Large scores, so the cap bites: |s| up to ~20 before capping at 5.
    let q = random.values(c.queries * width, scale: 2), k = random.values(c.keyLength * keyWidth, scale: 2)
    let v = random.values(c.keyLength * keyWidth)
    let scale = 1 / Float(c.headDim).squareRoot()
    let y = try backend.poisoned(shape: [c.queries, width])
    try backend.attention(query: try backend.tensor(q, shape: [c.queries, width], dtype: .f32, name: "q"),
                          key: try backend.tensor(k, shape: [c.keyLength, keyWidth], dtype: .f32, name: "k"),
                          value: try backend.tensor(v, shape: [c.keyLength, keyWidth], dtype: .f32, name: "v"),
                          heads: c.heads, keyLength: c.keyLength, causal: true, scale: scale, keyMask: nil,
                          slidingWindow: c.window, softcap: c.softcap, into: y)
    let reference = windowedAttentionReference(query: q, key: k, value: v, queries: c.queries, keyLength: c.keyLength,
                                               heads: c.heads, keyHeads: c.keyHeads, headDim: c.headDim, scale: scale,
                                               window: c.window, softcap: c.softcap)
    #expect(relativeError(try backend.read(y), reference) <= 1e-5, "\(random)")
}

@Test(.noValidationMessages, arguments: try cases(["architecture ops"]))
func architectureOpsRejectBadInput(_ test: Case<String>) throws {
    let b = test.backend
    let x = try b.tensor([Float](repeating: 1, count: 16), shape: [2, 8], dtype: .f32, name: "x")
    let y = try b.empty(shape: [2, 8], dtype: .f32, name: "y")
    expectError(.invalidArgument, "factor count") {
        try b.rope(x, heads: 1, headDim: 8, position: 0, rotary: RotaryEmbedding(base: 10_000, frequencyFactors: [1, 2]), into: y)
    }
    expectError(.invalidArgument, "zero factor") {
        try b.rope(x, heads: 1, headDim: 8, position: 0, rotary: RotaryEmbedding(base: 10_000, frequencyFactors: [1, 0, 1, 1]), into: y)
    }
    expectError(.invalidArgument, "zero frequency scale") {
        try b.rope(x, heads: 1, headDim: 8, position: 0, rotary: RotaryEmbedding(base: 10_000, frequencyScale: 0), into: y)
    }
    expectError(.invalidArgument, "softcap 0") { try b.softcap(x, cap: 0, into: y) }
    expectError(.invalidArgument, "scale by NaN") { try b.scale(x, by: .nan, into: y) }
    expectError(.shapeMismatch, "geGLU shapes") {
        try b.geGLU(gate: x, up: try b.empty(shape: [2, 4], dtype: .f32, name: "up"), into: y)
    }
    let key = try b.tensor([Float](repeating: 1, count: 16), shape: [2, 8], dtype: .f32, name: "k")
    expectError(.invalidArgument, "window 0") {
        try b.attention(query: x, key: key, value: key, heads: 1, keyLength: 2, causal: true, scale: 1, keyMask: nil,
                        slidingWindow: 0, softcap: nil, into: y)
    }
    expectError(.invalidArgument, "window without causal") {
        try b.attention(query: x, key: key, value: key, heads: 1, keyLength: 2, causal: false, scale: 1, keyMask: nil,
                        slidingWindow: 1, softcap: nil, into: y)
    }
    expectError(.invalidArgument, "negative softcap") {
        try b.attention(query: x, key: key, value: key, heads: 1, keyLength: 2, causal: true, scale: 1, keyMask: nil,
                        slidingWindow: nil, softcap: -1, into: y)
    }
}

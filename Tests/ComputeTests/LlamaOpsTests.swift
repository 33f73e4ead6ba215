import Compute
import Foundation
import Testing
import TestSupport

// MARK: float64 references

func rmsNormReference(_ x: [Float], weight: [Float], eps: Float, columns: Int) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    for r in 0..<(x.count / columns) {
        let row = (0..<columns).map { Double(x[r * columns + $0]) }
        let meanSquare = row.map { $0 * $0 }.reduce(0, +) / Double(columns)
        let inverse = 1 / (meanSquare + Double(eps)).squareRoot()
        for c in 0..<columns { y[r * columns + c] = row[c] * inverse * Double(weight[c]) }
    }
    return y
}

func swiGLUReference(gate: Float, up: Float) -> Double {
    let g = Double(gate)
    return g / (1 + Foundation.exp(-g)) * Double(up)
}

/// llama.cpp's "normal" RoPE with the angle in float64.
func ropeReference(_ x: [Float], rows: Int, heads: Int, headDim: Int, position: Int, base: Float) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    let width = heads * headDim
    for t in 0..<rows {
        for h in 0..<heads {
            for i in 0..<(headDim / 2) {
                let theta = Foundation.pow(Double(base), -2 * Double(i) / Double(headDim))
                let angle = Double(position + t) * theta
                let index = t * width + h * headDim + 2 * i
                let a = Double(x[index]), b = Double(x[index + 1])
                y[index] = a * Foundation.cos(angle) - b * Foundation.sin(angle)
                y[index + 1] = a * Foundation.sin(angle) + b * Foundation.cos(angle)
            }
        }
    }
    return y
}

// MARK: RMSNorm

struct RMSNormCase: Sendable, CustomStringConvertible {
    let rows, columns: Int
    let eps: Float
    let scale: Float
    var description: String { "\(rows)×\(columns) eps=\(eps) scale=\(scale)" }

    static let all: [RMSNormCase] = [1, 3, 17, 64, 65, 257, 576, 769, 2048].flatMap { columns in
        [
            RMSNormCase(rows: 3, columns: columns, eps: 1e-5, scale: 2),
            RMSNormCase(rows: 2, columns: columns, eps: 1e-6, scale: 1e3),
            RMSNormCase(rows: 1, columns: columns, eps: 1e-6, scale: 1e-3),
        ]
    } + [
        RMSNormCase(rows: 65, columns: 2048, eps: 1e-5, scale: 3), // threaded
    ]
}

@Test(.noValidationMessages, arguments: try cases(RMSNormCase.all))
func rmsNorm(_ test: Case<RMSNormCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let values = random.values(c.rows * c.columns, scale: c.scale)
    let weightValues = random.values(c.columns, scale: 0.5, offset: 1)
    let x = try backend.tensor(values, shape: [c.rows, c.columns], dtype: .f32, name: "x")
    let weight = try backend.tensor(weightValues, shape: [c.columns], dtype: .f32, name: "weight")
    let y = try backend.poisoned(shape: [c.rows, c.columns])
    try backend.rmsNorm(x, weight: weight, eps: c.eps, into: y)
    let reference = rmsNormReference(values, weight: weightValues, eps: c.eps, columns: c.columns)
    let error = relativeError(try backend.read(y), reference)
    #expect(error <= 1e-5, "\(random)")
}

/// An all-zero row normalises to zeros (eps keeps it finite), not NaN.
@Test(.noValidationMessages, arguments: try cases(["zero row"]))
func rmsNormZeroRow(_ test: Case<String>) throws {
    let backend = test.backend
    let x = try backend.tensor([0, 0, 0, 1, 2, 3], shape: [2, 3], dtype: .f32, name: "x")
    let weight = try backend.tensor([1, 1, 1], shape: [3], dtype: .f32, name: "weight")
    let y = try backend.poisoned(shape: [2, 3])
    try backend.rmsNorm(x, weight: weight, eps: 1e-6, into: y)
    let result = try backend.read(y)
    #expect(Array(result.prefix(3)) == [0, 0, 0])
    #expect(relativeError(result, rmsNormReference([0, 0, 0, 1, 2, 3], weight: [1, 1, 1], eps: 1e-6, columns: 3)) <= 1e-6)
}

// MARK: SwiGLU

@Test(.noValidationMessages, arguments: try cases(elementwiseShapes))
func swiGLU(_ test: Case<[Int]>) throws {
    let backend = test.backend, shape = test.parameters
    var random = TestRandom()
    let count = shape.reduce(1, *)
    // Saturating gates first (±100: e^(−gate) overflows or underflows), then values over ±10.
    let fixed: [Float] = [0.5, -100, 100, 0, -20, 20, -1e-4, 88.7, -88.7]
    let gateValues = Array((fixed + random.values(count, scale: 10)).prefix(count))
    let upValues = random.values(count, scale: 2)
    let gate = try backend.tensor(gateValues, shape: shape, dtype: .f32, name: "gate")
    let up = try backend.tensor(upValues, shape: shape, dtype: .f32, name: "up")
    let y = try backend.poisoned(shape: shape)
    try backend.swiGLU(gate: gate, up: up, into: y)
    let result = try backend.read(y)
    #expect(result.allSatisfy { $0.isFinite }, "\(random)")
    let reference = zip(gateValues, upValues).map { swiGLUReference(gate: $0, up: $1) }
    #expect(relativeError(result, reference) <= 1e-5, "\(random)")
}

/// Every element on its own, so one saturated gate cannot hide in a large norm.
@Test(.noValidationMessages, arguments: try cases(["saturation"]))
func swiGLUSaturates(_ test: Case<String>) throws {
    let backend = test.backend
    let gates: [Float] = [-100, 100, -1000, 1000, -88, 88, -90, 90]
    let ups: [Float] = [3, 3, -2, -2, 1, 1, 1, 1]
    let y = try backend.poisoned(shape: [gates.count])
    try backend.swiGLU(gate: try backend.tensor(gates, shape: [gates.count], dtype: .f32, name: "gate"),
                       up: try backend.tensor(ups, shape: [ups.count], dtype: .f32, name: "up"), into: y)
    let result = try backend.read(y)
    for (index, value) in result.enumerated() {
        let expected = swiGLUReference(gate: gates[index], up: ups[index])
        #expect(value.isFinite && abs(Double(value) - expected) <= 1e-5 * max(1, abs(expected)),
                "gate \(gates[index]) up \(ups[index]): \(value), expected \(expected)")
    }
}

// MARK: RoPE

struct RopeCase: Sendable, CustomStringConvertible {
    let rows, heads, headDim, position: Int
    let base: Float
    var description: String { "T=\(rows) \(heads)×\(headDim) at \(position) base=\(base)" }

    static let all: [RopeCase] = [
        RopeCase(rows: 1, heads: 1, headDim: 2, position: 0, base: 10_000),
        RopeCase(rows: 3, heads: 3, headDim: 6, position: 5, base: 10_000),
        RopeCase(rows: 1, heads: 9, headDim: 64, position: 2047, base: 10_000), // SmolLM2-135M Q, decode
        RopeCase(rows: 17, heads: 3, headDim: 64, position: 2031, base: 10_000), // last positions up to 2048
        RopeCase(rows: 33, heads: 5, headDim: 128, position: 1000, base: 500_000), // Llama-3 base
        RopeCase(rows: 257, heads: 2, headDim: 64, position: 0, base: 10_000),
        RopeCase(rows: 7, heads: 4, headDim: 34, position: 1234, base: 100_000), // odd pair count
        RopeCase(rows: 128, heads: 9, headDim: 64, position: 1920, base: 10_000), // threaded
    ]
}

@Test(.noValidationMessages, arguments: try cases(RopeCase.all))
func rope(_ test: Case<RopeCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let shape = [c.rows, c.heads * c.headDim]
    let values = random.values(c.rows * c.heads * c.headDim, scale: 3)
    let reference = ropeReference(values, rows: c.rows, heads: c.heads, headDim: c.headDim, position: c.position, base: c.base)

    let x = try backend.tensor(values, shape: shape, dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: shape)
    try backend.rope(x, heads: c.heads, headDim: c.headDim, position: c.position, base: c.base, into: y)
    let outOfPlace = relativeError(try backend.read(y), reference)
    #expect(outOfPlace <= 1e-5, "out of place, \(random)")
    #expect(try backend.read(x) == values, "the input is left alone")

    // In place, as the model rotates Q and K.
    try backend.rope(x, heads: c.heads, headDim: c.headDim, position: c.position, base: c.base, into: x)
    #expect(relativeError(try backend.read(x), reference) <= 1e-5, "in place, \(random)")
}

/// Position 0 is the identity; the pair layout is adjacent (2i, 2i+1), not rotate_half.
@Test(.noValidationMessages, arguments: try cases(["layout"]))
func ropeLayout(_ test: Case<String>) throws {
    let backend = test.backend
    let values: [Float] = [1, 0, 1, 0, 0, 1, 0, 1] // one head of 8: pairs (1,0), (1,0), (0,1), (0,1)
    let x = try backend.tensor(values, shape: [1, 8], dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: [1, 8])
    try backend.rope(x, heads: 1, headDim: 8, position: 0, base: 10_000, into: y)
    #expect(try backend.read(y) == values)
    // At position 1 pair 0 turns by exactly 1 radian: (1, 0) → (cos 1, sin 1).
    try backend.rope(x, heads: 1, headDim: 8, position: 1, base: 10_000, into: y)
    let result = try backend.read(y)
    #expect(abs(Double(result[0]) - Foundation.cos(1.0)) < 1e-6 && abs(Double(result[1]) - Foundation.sin(1.0)) < 1e-6)
}

// MARK: bad input

@Test(.noValidationMessages, arguments: try cases(["llama ops"]))
func llamaOpsRejectBadInput(_ test: Case<String>) throws {
    let b = test.backend
    let x = try b.tensor([Float](repeating: 1, count: 12), shape: [2, 6], dtype: .f32, name: "x")
    let y = try b.empty(shape: [2, 6], dtype: .f32, name: "y")
    let weight = try b.tensor([Float](repeating: 1, count: 6), shape: [6], dtype: .f32, name: "weight")
    let x16 = try b.tensor([Float](repeating: 1, count: 12), shape: [2, 6], dtype: .f16, name: "x16")
    let none = try b.empty(shape: [0, 6], dtype: .f32, name: "none")
    let stranger = Tensor(shape: [2, 6], dtype: .f32, storage: StrangerStorage(), name: "stranger")

    try b.rmsNorm(x, weight: weight, eps: 1e-6, into: y) // the baselines are fine
    try b.swiGLU(gate: x, up: x, into: y)
    expectError(.shapeMismatch, "rmsNorm weight too short") {
        try b.rmsNorm(x, weight: try b.tensor([1, 1], shape: [2], dtype: .f32, name: "w2"), eps: 1e-6, into: y)
    }
    expectError(.shapeMismatch, "rmsNorm output shape") {
        try b.rmsNorm(x, weight: weight, eps: 1e-6, into: try b.empty(shape: [3, 4], dtype: .f32, name: "y34"))
    }
    expectError(.invalidArgument, "rmsNorm NaN eps") { try b.rmsNorm(x, weight: weight, eps: .nan, into: y) }
    expectError(.invalidArgument, "rmsNorm negative eps") { try b.rmsNorm(x, weight: weight, eps: -1, into: y) }
    expectError(.dtypeNotSupported, "rmsNorm f16 input") { try b.rmsNorm(x16, weight: weight, eps: 1e-6, into: y) }
    expectError(.dtypeNotSupported, "rmsNorm f16 weight") {
        try b.rmsNorm(x, weight: try b.tensor([Float](repeating: 1, count: 6), shape: [6], dtype: .f16, name: "w16"),
                      eps: 1e-6, into: y)
    }
    expectError(.emptyTensor, "rmsNorm empty") { try b.rmsNorm(none, weight: weight, eps: 1e-6, into: none) }
    expectError(.foreignTensor, "rmsNorm foreign") { try b.rmsNorm(stranger, weight: weight, eps: 1e-6, into: y) }

    expectError(.shapeMismatch, "swiGLU shapes differ") {
        try b.swiGLU(gate: x, up: try b.empty(shape: [3, 4], dtype: .f32, name: "up34"), into: y)
    }
    expectError(.dtypeNotSupported, "swiGLU f16 gate") { try b.swiGLU(gate: x16, up: x, into: y) }
    expectError(.emptyTensor, "swiGLU empty") { try b.swiGLU(gate: none, up: none, into: none) }
    expectError(.foreignTensor, "swiGLU foreign") { try b.swiGLU(gate: x, up: stranger, into: y) }

    func rope(_ x: Tensor, heads: Int = 3, headDim: Int = 2, position: Int = 0, base: Float = 10_000,
              into y: Tensor) throws {
        try b.rope(x, heads: heads, headDim: headDim, position: position, base: base, into: y)
    }
    try rope(x, into: y)
    try rope(x, heads: 1, headDim: 6, position: ShapeRules.ropeMaxPosition - 2, into: y) // the last positions
    expectError(.invalidArgument, "odd headDim") { try rope(x, heads: 2, headDim: 3, into: y) }
    expectError(.invalidArgument, "headDim 0") { try rope(x, heads: 6, headDim: 0, into: y) }
    expectError(.invalidArgument, "zero heads") { try rope(x, heads: 0, into: y) }
    expectError(.shapeMismatch, "width is not heads·headDim") { try rope(x, heads: 2, headDim: 2, into: y) }
    expectError(.shapeMismatch, "heads·headDim overflows") { try rope(x, heads: .max, headDim: 2, into: y) }
    expectError(.shapeMismatch, "output shape") { try rope(x, into: try b.empty(shape: [3, 4], dtype: .f32, name: "y34")) }
    expectError(.invalidArgument, "negative position") { try rope(x, position: -1, into: y) }
    expectError(.invalidArgument, "position past 2²⁴") { try rope(x, position: ShapeRules.ropeMaxPosition - 1, into: y) }
    expectError(.invalidArgument, "huge position") { try rope(x, position: .max, into: y) }
    expectError(.invalidArgument, "NaN base") { try rope(x, base: .nan, into: y) }
    expectError(.invalidArgument, "zero base") { try rope(x, base: 0, into: y) }
    expectError(.dtypeNotSupported, "f16 input") { try rope(x16, into: y) }
    expectError(.emptyTensor, "empty") { try rope(none, into: none) }
    expectError(.foreignTensor, "foreign output") { try rope(x, into: stranger) }
}

// MARK: roundTrip (llama.cpp's activation rounding)

/// Q8 round trip in float64: the scale max/127 rounded to f16, quants x·127/max rounded half to
/// even. An f32 kernel can land one quant step away where x·127/max is within an ulp of a half.
func q8RoundTripReference(_ x: [Float]) -> (values: [Double], steps: [Double]) {
    var values: [Double] = [], steps: [Double] = []
    for block in stride(from: 0, to: x.count, by: 32) {
        let chunk = x[block..<(block + 32)].map(Double.init)
        let largest = chunk.map(abs).max() ?? 0
        let d = Double(Float16(largest / 127))
        for v in chunk {
            let q = largest > 0 ? (v * 127 / largest).rounded(.toNearestOrEven) : 0
            values.append(d * q)
            steps.append(d)
        }
    }
    return (values, steps)
}

@Test(.noValidationMessages, arguments: try cases([(1, 32), (3, 64), (17, 576), (5, 1536)].map { "\($0.0)×\($0.1)" }))
func roundTripThroughQ8(_ test: Case<String>) throws {
    let backend = test.backend
    let dims = test.parameters.split(separator: "×").compactMap { Int($0) }
    let (rows, columns) = (dims[0], dims[1])
    var random = TestRandom()
    var values = random.values(rows * columns, scale: 3)
    // Hostile blocks: all zeros; one large value among tiny ones; exact halves (max 127 makes
    // the inverse 1, so 0.5, 1.5, 2.5 must round to even: 0, 2, 2); negatives at the maximum.
    values.replaceSubrange(0..<32, with: [Float](repeating: 0, count: 32))
    if values.count >= 128 {
        values.replaceSubrange(32..<64, with: [1e4] + [Float](repeating: 1e-3, count: 31))
        values.replaceSubrange(64..<96, with: [127, 0.5, 1.5, 2.5, -0.5, -1.5] + [Float](repeating: 3.25, count: 26))
        values.replaceSubrange(96..<128, with: [-9] + (1..<32).map { Float($0) / 4 })
    }
    let x = try backend.tensor(values, shape: [rows, columns], dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: [rows, columns])
    try backend.roundTrip(x, through: .q8_0, into: y)
    let result = try backend.read(y)
    let reference = q8RoundTripReference(values)
    var offByOneStep = 0
    for i in result.indices {
        let error = abs(Double(result[i]) - reference.values[i])
        if error <= 1e-7 * abs(reference.values[i]) { continue }
        if abs(error - reference.steps[i]) <= 1e-6 * reference.steps[i] { offByOneStep += 1; continue }
        Issue.record("element \(i): \(result[i]) vs \(reference.values[i]), \(random)")
        break
    }
    #expect(offByOneStep <= max(1, result.count / 1000), "\(offByOneStep) elements one step off, \(random)")
    if values.count >= 128 {
        #expect(Array(result[64..<70]) == [127, 0, 2, 2, 0, -2], "halves round to even")
        #expect(result[0..<32].allSatisfy { $0 == 0 })
    }
    // In place gives the same values.
    try backend.roundTrip(x, through: .q8_0, into: x)
    #expect(try backend.read(x) == result)
}

@Test(.noValidationMessages, arguments: try cases(["f16"]))
func roundTripThroughHalf(_ test: Case<String>) throws {
    let backend = test.backend
    var random = TestRandom()
    let values = random.values(999, scale: 100) + [65504, -65504, 1e-8, 0, -0.0, 70000]
    let x = try backend.tensor(values, shape: [values.count], dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: [values.count])
    try backend.roundTrip(x, through: .f16, into: y)
    #expect(try backend.read(y) == values.map { Float(Float16($0)) }, "\(random)")
}

@Test(.noValidationMessages, arguments: try cases(["roundTrip"]))
func roundTripRejectsBadInput(_ test: Case<String>) throws {
    let b = test.backend
    let x = try b.tensor([Float](repeating: 1, count: 40), shape: [2, 20], dtype: .f32, name: "x")
    #expect(throws: ComputeError.self, "rows of 20 are not whole Q8 blocks") { try b.roundTrip(x, through: .q8_0, into: x) }
    #expect(throws: ComputeError.self, "Q4_1 is not a rounding this op does") { try b.roundTrip(x, through: .q4_1, into: x) }
    let other = try b.empty(shape: [4, 10], dtype: .f32, name: "other")
    #expect(throws: ComputeError.self, "shapes differ") { try b.roundTrip(x, through: .f16, into: other) }
}

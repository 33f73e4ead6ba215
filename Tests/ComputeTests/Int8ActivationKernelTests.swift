import CKernels
import Compute
import CPUBackend
import Testing
import TestSupport
import WeightTypes

// The integer dot-product kernels (quant_int8_avx2.c, quant_kquants_int8_avx2.c) with x rounded
// as ggml's CPU backend rounds it: Q8_K super-blocks for the k-quants and IQ4_XS, int8 blocks of
// 32 for the rest. Each is checked against a float64 product of the dequantized weights with the
// rounded x, the rounding done here by the test's own reference of ggml's quantizer, so the
// bound only has to cover f32 rounding of scales and sums.

/// The weight types with an integer kernel, and the rounding each takes.
private let int8Types: [DType] = [.q4_K, .q6_K, .q5_K, .q3_K, .q2_K, .iq4_xs, .q5_0, .q5_1, .iq4_nl, .q8_0, .q4_0, .q4_1]

/// x as ggml's quantize_row_q8_K_ref stores it, in f32 like ggml: per block of 256,
/// iscale = −127/m (m the first element of largest magnitude, with its sign),
/// q = min(127, nearest(iscale·x)), d = 1/iscale, bsums = Σ q per 16; an all-zero block is d = 0.
private struct Q8KReference {
    var q: [Int8] = [], d: [Float] = [], bsums: [Int16] = []

    init(_ x: [Float]) {
        for start in stride(from: 0, to: x.count, by: 256) {
            let block = x[start..<(start + 256)]
            var largest: Float = 0, signed: Float = 0
            for v in block where abs(v) > largest { (largest, signed) = (abs(v), v) }
            guard largest > 0 else {
                q += [Int8](repeating: 0, count: 256); d.append(0); bsums += [Int16](repeating: 0, count: 16)
                continue
            }
            let iscale = -127 / signed
            let quants = block.map { Int8(min(127, (iscale * $0).rounded(.toNearestOrEven))) }
            q += quants
            d.append(1 / iscale)
            for g in 0..<16 { bsums.append(Int16(quants[(16 * g)..<(16 * g + 16)].reduce(0) { $0 + Int($1) })) }
        }
    }

    /// The rounded x, in float64.
    var values: [Double] { q.indices.map { Double(d[$0 / 256]) * Double(q[$0]) } }
}

/// x as `vlm_quantize_x_q8` rounds it per block of 32: dx = max|x|/127, q = round-half-even(x·127/max).
private struct Q8Reference {
    var q: [Int8] = [], d: [Float] = [], qSum: [Float] = [], xSum: [Float] = []

    init(_ x: [Float]) {
        for start in stride(from: 0, to: x.count, by: 32) {
            let block = x[start..<(start + 32)]
            let largest = block.map(abs).max() ?? 0
            let inverse: Float = largest > 0 ? 127 / largest : 0
            let quants = block.map { Int8(($0 * inverse).rounded(.toNearestOrEven)) }
            q += quants
            d.append(largest / 127)
            qSum.append(Float(quants.reduce(0) { $0 + Int($1) }))
            xSum.append(block.reduce(0, +))
        }
    }

    var values: [Double] { q.indices.map { Double(d[$0 / 32]) * Double(q[$0]) } }
}

private var hasKernels: Bool {
    if vlm_has_avx2_f16c() != 0 { return true }
    let reason = "no AVX2/F16C on this CPU: the int8 kernels are not run"
    if TestVulkan.isCI { Issue.record(Comment(rawValue: reason)) } else { print("skipped: \(reason)") }
    return false
}

/// The quantizer itself, on hostile rows: all zero, one huge element (either sign), exact halves
/// (max 127 → iscale = −1), a tiny block, a tie between +m and −m (the first wins), −0.
@Test func q8KQuantizerMatchesReference() {
    var random = TestRandom()
    var x = random.values(256 * 9, scale: 3)
    x.replaceSubrange(0..<256, with: [Float](repeating: 0, count: 256))
    x.replaceSubrange(256..<512, with: [-3e38] + random.values(255, scale: 1e30))
    x.replaceSubrange(512..<768, with: [127] + (1..<256).map { Float($0 % 9) - 4.5 })
    x.replaceSubrange(768..<1024, with: random.values(256, scale: 1e-30))
    x[1024 + 7] = 50; x[1024 + 9] = -50
    x.replaceSubrange(1280..<1536, with: [Float](repeating: -0.0, count: 255) + [1e-3])
    x[1536 + 100] = 3e38
    let blocks = x.count / 256
    var q = [Int8](repeating: 99, count: x.count), d = [Float](repeating: .nan, count: blocks)
    var bsums = [Int16](repeating: 99, count: 16 * blocks)
    vlm_quantize_x_q8_K(x, blocks, &q, &d, &bsums)
    let reference = Q8KReference(x)
    #expect(q == reference.q, "\(random)")
    #expect(d.map(\.bitPattern) == reference.d.map(\.bitPattern), "\(random)")
    #expect(bsums == reference.bsums, "\(random)")
    #expect(Array(q[513..<518]) == [4, 2, 2, 0, 0] && d[2] == -1, "halves round to even: \(Array(q[513..<518]))")
    #expect(q[1024 + 7] == -127 && q[1024 + 9] == 127, "the first of a ±m tie sets the sign")
    // The rounded x is representable; x itself is not; NaN/inf are reported.
    let rounded = reference.values.map(Float.init)
    var q2 = q, d2 = d, s2 = bsums
    vlm_quantize_x_q8_K(rounded, blocks, &q2, &d2, &s2)
    #expect(vlm_q8_represents(rounded, q2, d2, blocks, 256) == 1)
    #expect(vlm_q8_represents(x, q, d, blocks, 256) == 0)
    var poisoned = rounded
    poisoned[700] = .nan
    #expect(vlm_q8_represents(poisoned, q2, d2, blocks, 256) == -1)
    poisoned[700] = -.infinity
    #expect(vlm_q8_represents(poisoned, q2, d2, blocks, 256) == -1)
}

/// Each kernel called directly on `blocks` blocks of random weights (WeightTypes' randomBlocks:
/// every bit pattern, fixed scales), against Σ w·x̂ in float64.
@Test(arguments: int8Types.flatMap { type in [1, 3, 8].map { (type, $0) } })
func int8KernelMatchesRoundedProduct(_ type: DType, _ blocks: Int) throws {
    guard hasKernels else { return }
    var random = TestRandom()
    let k = blocks * type.blockSize, rows = 5
    let x = random.values(k, scale: 2, offset: 0.1)
    let bytes = type.ggml.randomBlocks(rows * blocks, using: &random)
    let w = dequantize(bytes, as: type)
    let superBlocks = type.blockSize == 256
    let q8K = superBlocks ? Q8KReference(x) : nil, q8 = superBlocks ? nil : Q8Reference(x)
    let rounded = q8K?.values ?? q8!.values
    for row in 0..<rows {
        let result: Float = bytes.withUnsafeBufferPointer { all in
            let p = all.baseAddress! + row * blocks * type.blockBytes
            if let r = q8K {
                let n = k / 256
                switch type {
                case .q4_K: return vlm_dot_q4_K_q8_K(p, r.q, r.d, r.bsums, n)
                case .q5_K: return vlm_dot_q5_K_q8_K(p, r.q, r.d, r.bsums, n)
                case .q6_K: return vlm_dot_q6_K_q8_K(p, r.q, r.d, r.bsums, n)
                case .q3_K: return vlm_dot_q3_K_q8_K(p, r.q, r.d, r.bsums, n)
                case .q2_K: return vlm_dot_q2_K_q8_K(p, r.q, r.d, r.bsums, n)
                default: return vlm_dot_iq4_xs_q8_K(p, r.q, r.d, r.bsums, n)
                }
            }
            let r = q8!, n = k / 32
            switch type {
            case .q5_0: return vlm_dot_q5_0_q8(p, r.q, r.d, r.qSum, n)
            case .q5_1: return vlm_dot_q5_1_q8(p, r.q, r.d, r.xSum, n)
            case .iq4_nl: return vlm_dot_iq4_nl_q8(p, r.q, r.d, n)
            case .q8_0: return vlm_dot_q8_0_q8(p, r.q, r.d, n)
            case .q4_0: return vlm_dot_q4_0_q8(p, r.q, r.d, r.qSum, n)
            default: return vlm_dot_q4_1_q8(p, r.q, r.d, r.xSum, n)
            }
        }
        // Q4_1/Q5_1 take their minimum's term with the exact Σ x (the kernel's xsum).
        var expected = 0.0, magnitude = 0.0
        for j in 0..<k {
            let weight = w[row * k + j]
            var term = weight * rounded[j]
            if type == .q4_1 || type == .q5_1 {
                let m = Double(halfValue(bytes, (row * blocks + j / 32) * type.blockBytes + 2))
                term = (weight - m) * rounded[j] + m * Double(x[j])
            }
            expected += term
            magnitude += abs(weight * rounded[j])
        }
        let error = abs(Double(result) - expected) / magnitude
        // Measured ≤ 3e-8: the f32 products of the scales and the f32 sum over blocks.
        #expect(error <= 1e-6, "\(type) blocks=\(blocks) row \(row): \(result) vs \(expected), \(random)")
    }
}

private func halfValue(_ bytes: [UInt8], _ offset: Int) -> Float {
    Float(Float16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8))
}

struct Int8MatVecCase: Sendable, CustomStringConvertible {
    let type: DType
    let k, n: Int
    var description: String { "\(type) K=\(k) N=\(n)" }

    /// One block or super-block, several, N not a multiple of anything; SmolLM2's 576/1536 and
    /// a 1536-wide k-quant row.
    static let all: [Int8MatVecCase] = int8Types.flatMap { type in
        let b = type.blockSize
        let shapes = [(b, 1), (3 * b, 17), (2 * b, 65)] + (b == 32 ? [(576, 1536), (1536, 576)] : [(1536, 576)])
        return shapes.map { Int8MatVecCase(type: type, k: $0.0, n: $0.1) }
    }
}

/// The CPU backend's mat-vec with x already rounded as llama.cpp rounds it (the model's
/// `roundTrip`): the integer kernels run by default and give the f32 product with that x, to f32
/// rounding. (With an x the rounding would change, the same backend gives the exact product:
/// `everyWeightTypeMatmul` holds it to 1e-6.)
@Test(arguments: Int8MatVecCase.all)
func int8MatVecWithRoundedX(_ c: Int8MatVecCase) throws {
    guard hasKernels else { return }
    let backend = CPUBackend()
    var random = TestRandom()
    let bytes = c.type.ggml.randomBlocks(c.n * c.k / c.type.blockSize, using: &random)
    let w = dequantize(bytes, as: c.type)
    let weight = try bytes.withUnsafeBytes { try backend.tensor(rawBytes: $0, shape: [c.n, c.k], dtype: c.type, name: "w") }
    let biasValues = random.values(c.n)
    let bias = try backend.tensor(biasValues, shape: [c.n], dtype: .f32, name: "bias")
    // Ordinary, large, and all-zero activations.
    for (label, scale) in [("x", Float(1)), ("large x", 1e4), ("zero x", 0)] {
        let x = try backend.tensor(random.values(c.k, scale: scale), shape: [1, c.k], dtype: .f32, name: "x")
        try backend.roundTrip(x, through: c.type.activationRounding!, into: x)
        let rounded = try backend.read(x)
        for withBias in [false, true] {
            let y = try backend.poisoned(shape: [1, c.n])
            try backend.matmul(x, weight: weight, layout: .outIn, bias: withBias ? bias : nil, into: y)
            let reference = matmulReference(x: rounded, outIn: w, bias: withBias ? biasValues : nil, m: 1, k: c.k, n: c.n)
            let magnitude = matmulReference(x: rounded.map(abs), outIn: w.map(abs), bias: withBias ? biasValues.map(abs) : nil,
                                            m: 1, k: c.k, n: c.n)
            let result = try backend.read(y)
            if scale == 0 {
                #expect(result == (withBias ? biasValues : [Float](repeating: 0, count: c.n)), "\(c) \(label)")
                continue
            }
            let error = scaledError(result, reference, magnitude: magnitude)
            // The same bound as the f32 kernels' (everyWeightTypeMatmul): f32 accumulation.
            #expect(error <= 1e-6, "\(c) \(label) bias=\(withBias): scaled error \(error), \(random)")
        }
    }
}

/// NaN or infinite weight scales poison their rows' outputs on the integer path too.
@Test(arguments: int8Types)
func int8MatVecNonFiniteScale(_ type: DType) throws {
    guard hasKernels else { return }
    let backend = CPUBackend()
    var random = TestRandom()
    let k = type.blockSize * 2
    var bytes = type.ggml.randomBlocks(2 * 2, using: &random)
    let d = type.ggml.traits.halfFields[0]
    bytes[d] = 0x00; bytes[d + 1] = 0x7E                                             // row 0: NaN
    bytes[3 * type.blockBytes + d] = 0x00; bytes[3 * type.blockBytes + d + 1] = 0x7C // row 1: +inf
    let weight = try bytes.withUnsafeBytes { try backend.tensor(rawBytes: $0, shape: [2, k], dtype: type, name: "w") }
    let x = try backend.tensor(random.values(k), shape: [1, k], dtype: .f32, name: "x")
    try backend.roundTrip(x, through: type.activationRounding!, into: x)
    let y = try backend.poisoned(shape: [1, 2])
    try backend.matmul(x, weight: weight, layout: .outIn, bias: nil, into: y)
    let result = try backend.read(y)
    #expect(result[0].isNaN, "\(type): NaN scale gave \(result[0])")
    #expect(!result[1].isFinite, "\(type): infinite scale gave \(result[1])")
}

/// Opted in to int8 activations, any x is rounded (here: not already rounded, so the result is
/// the product with the rounded x, not the exact one); x holding NaN still gives NaN.
@Test(arguments: [DType.q4_K, .q6_K, .q5_0, .iq4_xs])
func int8MatVecOptedIn(_ type: DType) throws {
    guard hasKernels else { return }
    let backend = CPUBackend(int8Activations: true)
    var random = TestRandom()
    let k = type.blockSize == 256 ? 1536 : 576, n = 33
    let bytes = type.ggml.randomBlocks(n * k / type.blockSize, using: &random)
    let w = dequantize(bytes, as: type)
    let weight = try bytes.withUnsafeBytes { try backend.tensor(rawBytes: $0, shape: [n, k], dtype: type, name: "w") }
    var xValues = random.values(k)
    let rounded = type.blockSize == 256 ? Q8KReference(xValues).values : Q8Reference(xValues).values
    let x = try backend.tensor(xValues, shape: [1, k], dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: [1, n])
    try backend.matmul(x, weight: weight, layout: .outIn, bias: nil, into: y)
    var reference = [Double](repeating: 0, count: n), magnitude = reference
    for row in 0..<n {
        for j in 0..<k {
            reference[row] += w[row * k + j] * rounded[j]
            magnitude[row] += abs(w[row * k + j] * rounded[j])
        }
    }
    let result = try backend.read(y)
    #expect(scaledError(result, reference, magnitude: magnitude) <= 1e-6, "\(type) vs rounded x, \(random)")
    xValues[k / 2] = .nan
    let poisoned = try backend.tensor(xValues, shape: [1, k], dtype: .f32, name: "x")
    try backend.matmul(poisoned, weight: weight, layout: .outIn, bias: nil, into: y)
    #expect(try backend.read(y).allSatisfy(\.isNaN), "\(type): NaN in x")
}

import Compute
import Testing
import TestSupport

struct MatmulShape: Sendable, CustomStringConvertible {
    let m, k, n: Int

    /// Weights of 768×768 and up: the cases a slow backend runs only for M ≤ 17.
    var large: Bool { k * n >= 768 * 768 }
    var description: String { "M=\(m) K=\(k) N=\(n)" }

    static let all: [MatmulShape] = {
        // M = 8 and 9 straddle the mat-vec/tiled switch (VulkanBackend.matvecMaxRows).
        let everyM = [1, 3, 17, 65, 128]
        let kn: [(k: Int, n: Int, ms: [Int])] = [
            (1, 1, everyM), (3, 17, everyM), (64, 65, everyM + [8, 9]), (127, 769, everyM + [8, 9]),
            (768, 768, everyM),
            (768, 2304, [1, 3, 17]), // GPT-2's fused QKV
            (3072, 768, [1, 3, 17, 65]), // GPT-2's MLP projection
        ]
        return kn.flatMap { shape in shape.ms.map { MatmulShape(m: $0, k: shape.k, n: shape.n) } }
    }()
}

/// Relative error bound for f32 and f16 weights alike: the reference rounds f16 weights as
/// stored, so only f32 accumulation is left. Measured at most 1.0e-6 (K = 3072, CPU and lavapipe,
/// f32 and f16), so 1e-5.
let matmulBound = 1e-5

/// Each shape runs all eight variants (layout × f32/f16 weights × bias) against one float64
/// reference, which is where the test's time goes.
@Test(.noValidationMessages, arguments: try cases(MatmulShape.all) { backend, shape in !(isSlow(backend) && shape.large && shape.m > 17) })
func matmul(_ test: Case<MatmulShape>) throws {
    let backend = test.backend, (m, k, n) = (test.parameters.m, test.parameters.k, test.parameters.n)
    var random = TestRandom()
    let xValues = random.values(m * k)
    let w = random.values(k * n) // logical [K, N]
    let biasValues = random.values(n)
    // The f16 weights' reference takes them rounded to f16 as stored, so both bounds cover only
    // f32 accumulation.
    let references = Dictionary(uniqueKeysWithValues: [DType.f32, .f16].map { dtype in
        let stored = dtype == .f16 ? w.map { Float(Float16($0)) } : w
        let plain = matmulReference(x: xValues, w: stored, m: m, k: k, n: n)
        return (dtype, (plain: plain, biased: plain.indices.map { plain[$0] + Double(biasValues[$0 % n]) }))
    })

    let x = try backend.tensor(xValues, shape: [m, k], dtype: .f32, name: "x")
    let bias = try backend.tensor(biasValues, shape: [n], dtype: .f32, name: "bias")
    var worst = 0.0
    defer { print("matmul \(backend.name) \(test.parameters): worst relative error \(worst), bound \(matmulBound)") }
    for layout in WeightLayout.allCases {
        for dtype in DType.allCases where !dtype.isQuantized { // quantized: QuantizedMatmulTests
            let weight = try backend.weight(w, k: k, n: n, layout: layout, dtype: dtype)
            for withBias in [false, true] {
                let y = try backend.poisoned(shape: [m, n])
                try backend.matmul(x, weight: weight, layout: layout, bias: withBias ? bias : nil, into: y)
                let reference = try #require(references[dtype])
                let error = relativeError(try backend.read(y), withBias ? reference.biased : reference.plain)
                worst = max(worst, error)
                #expect(error <= matmulBound, "\(layout) \(dtype) bias=\(withBias): error \(error) > bound \(matmulBound), \(random)")
            }
        }
    }
}

/// Leading dimensions of x and y are flattened into rows.
@Test(.noValidationMessages, arguments: try cases([WeightLayout.outIn, .inOut]))
func matmulBatchedRows(_ test: Case<WeightLayout>) throws {
    let backend = test.backend, layout = test.parameters
    var random = TestRandom()
    let (k, n) = (65, 17)
    let xValues = random.values(2 * 3 * k), w = random.values(k * n)
    let weight = try backend.weight(w, k: k, n: n, layout: layout, dtype: .f32)
    let x = try backend.tensor(xValues, shape: [2, 3, k], dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: [2, 3, n])
    try backend.matmul(x, weight: weight, layout: layout, bias: nil, into: y)
    let error = relativeError(try backend.read(y), matmulReference(x: xValues, w: w, m: 6, k: k, n: n))
    #expect(error <= 1e-4, "\(random)")
}

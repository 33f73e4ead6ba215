import Compute
import Testing
import TestSupport

struct SoftmaxCase: Sendable, CustomStringConvertible {
    /// [..., T, S] when causal.
    let shape: [Int]
    let scale: Float
    let causal: Bool
    /// Inputs are uniform in ±magnitude.
    let magnitude: Float

    var description: String { "\(shape) scale=\(scale) causal=\(causal) ±\(magnitude)" }

    static let all: [SoftmaxCase] = [1, 3, 17, 769, 3072].flatMap { width in
        [
            SoftmaxCase(shape: [5, width], scale: 1, causal: false, magnitude: 4),
            SoftmaxCase(shape: [3, width], scale: 0.125, causal: false, magnitude: 1e4),
            SoftmaxCase(shape: [2, width], scale: -2.5, causal: false, magnitude: 3),
        ]
    } + [
        SoftmaxCase(shape: [64, 3072], scale: 1, causal: false, magnitude: 8), // threaded
        SoftmaxCase(shape: [1, 1], scale: 1, causal: true, magnitude: 1),
        SoftmaxCase(shape: [17, 17], scale: 0.125, causal: true, magnitude: 4), // S == T
        SoftmaxCase(shape: [2, 3, 5, 17], scale: 1, causal: true, magnitude: 4), // S > T
        SoftmaxCase(shape: [2, 1, 769], scale: 0.5, causal: true, magnitude: 1e4), // one query
        SoftmaxCase(shape: [4, 64, 769], scale: 0.125, causal: true, magnitude: 8), // threaded, S > T
        SoftmaxCase(shape: [3, 65, 65], scale: 1, causal: true, magnitude: 1e4), // S == T
    ]
}

@Test(.noValidationMessages, arguments: try cases(SoftmaxCase.all))
func softmax(_ test: Case<SoftmaxCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let count = c.shape.reduce(1, *), columns = c.shape.last ?? 1, rows = count / columns
    let values = random.values(count, scale: c.magnitude)
    let x = try backend.tensor(values, shape: c.shape, dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: c.shape)
    try backend.softmax(x, scale: c.scale, causal: c.causal, into: y)
    let result = try backend.read(y)

    let queries = c.causal ? c.shape[c.shape.count - 2] : nil
    let reference = softmaxReference(values, rows: rows, columns: columns, scale: c.scale, queries: queries)
    let error = relativeError(result, reference)
    #expect(error <= 1e-5, "\(random)")
    #expect(result.allSatisfy { $0.isFinite }, "\(random)")
    for r in 0..<rows {
        let row = result[(r * columns)..<((r + 1) * columns)]
        #expect(abs(row.reduce(0, +) - 1) <= 1e-5, "row \(r) sums to \(row.reduce(0, +)), \(random)")
        if let queries {
            let masked = row.dropFirst(columns - queries + r % queries + 1)
            #expect(masked.allSatisfy { $0 == 0 }, "row \(r) has unmasked entries, \(random)")
        }
    }
}

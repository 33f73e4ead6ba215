import Compute
import Testing
import TestSupport

struct LayerNormCase: Sendable, CustomStringConvertible {
    let rows, columns: Int
    let eps: Float
    /// Inputs are offset ± spread: a large offset with a small spread is the hard case for f32.
    let offset, spread: Float

    var description: String { "\(rows)×\(columns) eps=\(eps) \(offset)±\(spread)" }

    static let all: [LayerNormCase] = [1, 3, 17, 64, 65, 768, 769, 3072].flatMap { columns in
        [
            LayerNormCase(rows: 3, columns: columns, eps: 1e-5, offset: 0, spread: 2),
            LayerNormCase(rows: 2, columns: columns, eps: 1e-12, offset: 0, spread: 2),
            LayerNormCase(rows: 3, columns: columns, eps: 1e-5, offset: 1e3, spread: 0.1),
            LayerNormCase(rows: 2, columns: columns, eps: 1e-12, offset: -1e3, spread: 1),
        ]
    } + [
        LayerNormCase(rows: 65, columns: 3072, eps: 1e-5, offset: 1e3, spread: 0.5), // threaded
        LayerNormCase(rows: 128, columns: 768, eps: 1e-12, offset: 0, spread: 3), // threaded
    ]
}

@Test(.noValidationMessages, arguments: try cases(LayerNormCase.all))
func layerNorm(_ test: Case<LayerNormCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let values = random.values(c.rows * c.columns, scale: c.spread, offset: c.offset)
    let gammaValues = random.values(c.columns, scale: 0.5, offset: 1)
    let betaValues = random.values(c.columns)
    let x = try backend.tensor(values, shape: [c.rows, c.columns], dtype: .f32, name: "x")
    let gamma = try backend.tensor(gammaValues, shape: [c.columns], dtype: .f32, name: "gamma")
    let beta = try backend.tensor(betaValues, shape: [c.columns], dtype: .f32, name: "beta")
    let y = try backend.poisoned(shape: [c.rows, c.columns])
    try backend.layerNorm(x, gamma: gamma, beta: beta, eps: c.eps, into: y)
    let reference = layerNormReference(values, gamma: gammaValues, beta: betaValues, eps: c.eps, columns: c.columns)
    let error = relativeError(try backend.read(y), reference)
    #expect(error <= 1e-5, "\(random)")
}

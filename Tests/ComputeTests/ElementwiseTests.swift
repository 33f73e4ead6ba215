import Compute
import Testing
import TestSupport

/// Element counts: below one SIMD block, odd tails, and a threaded size.
let elementwiseShapes: [[Int]] = [[1], [3], [17], [2, 769], [3, 3072], [64, 3072]]

struct GELUCase: Sendable, CustomStringConvertible {
    let shape: [Int]
    let approximation: GELUApproximation
    var description: String { "\(approximation) \(shape)" }

    static let all = GELUApproximation.allCases.flatMap { a in elementwiseShapes.map { GELUCase(shape: $0, approximation: a) } }
}

@Test(.noValidationMessages, arguments: try cases(GELUCase.all))
func gelu(_ test: Case<GELUCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let count = c.shape.reduce(1, *)
    // The ends of the range and 0 first, then values spread over ±10.
    let fixed: [Float] = [-10, 10, 0, -3, 3, -1e-4]
    let values = Array((fixed + random.values(count, scale: 10)).prefix(count))
    let x = try backend.tensor(values, shape: c.shape, dtype: .f32, name: "x")
    let y = try backend.poisoned(shape: c.shape)
    try backend.gelu(x, approximation: c.approximation, into: y)
    let reference = values.map(c.approximation == .tanh ? geluTanhReference : geluErfReference)
    let error = relativeError(try backend.read(y), reference)
    #expect(error <= 1e-5, "\(random)")
}

@Test(.noValidationMessages, arguments: try cases(elementwiseShapes))
func add(_ test: Case<[Int]>) throws {
    let backend = test.backend, shape = test.parameters
    var random = TestRandom()
    let count = shape.reduce(1, *)
    let aValues = random.values(count, scale: 100), bValues = random.values(count)
    let a = try backend.tensor(aValues, shape: shape, dtype: .f32, name: "a")
    let b = try backend.tensor(bValues, shape: shape, dtype: .f32, name: "b")
    let y = try backend.poisoned(shape: shape)
    try backend.add(a, b, into: y)
    let reference = zip(aValues, bValues).map { Double($0) + Double($1) }
    let error = relativeError(try backend.read(y), reference)
    #expect(error <= 1e-5, "\(random)")
}

/// Values survive the round trip, f16 ones rounded to the nearest half.
@Test(.noValidationMessages, arguments: try cases(DType.allCases.filter { !$0.isQuantized }))
func tensorRoundTrip(_ test: Case<DType>) throws {
    let backend = test.backend, dtype = test.parameters
    var random = TestRandom()
    let values = random.values(1000, scale: 70_000) + [0, -0.0, 1, -2, 65504, 1e-7]
    let t = try backend.tensor(values, shape: [values.count], dtype: dtype, name: "t")
    let expected = dtype == .f32 ? values : values.map { Float(Float16($0)) }
    #expect(try backend.read(t) == expected, "\(random)")
    try backend.fill(t, with: 0.1)
    #expect(try backend.read(t) == [Float](repeating: dtype == .f32 ? 0.1 : Float(Float16(0.1)), count: values.count))
    try backend.fill(t, with: .nan)
    #expect(try backend.read(t).allSatisfy { $0.isNaN })
}

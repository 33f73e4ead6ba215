import Compute
import CPUBackend
import Testing
import TestSupport

// Checks specific to the CPU backend, beyond the shared protocol contract.

@Test(.noValidationMessages) func cpuMatmulRejectsOutputAliasingInput() throws {
    let b = CPUBackend()
    let x = try b.tensor([Float](repeating: 1, count: 16), shape: [4, 4], dtype: .f32, name: "x")
    let w = try b.tensor([Float](repeating: 1, count: 16), shape: [4, 4], dtype: .f32, name: "w")
    expectError(.invalidArgument, "y is x") { try b.matmul(x, weight: w, layout: .outIn, bias: nil, into: x) }
    expectError(.invalidArgument, "y is w") { try b.matmul(x, weight: w, layout: .inOut, bias: nil, into: w) }
}

/// A Tensor can be rebuilt over existing storage with any shape; one larger than the storage
/// must be refused, not read past the end of the allocation.
@Test(.noValidationMessages) func cpuRejectsShapeLargerThanStorage() throws {
    let b = CPUBackend()
    let small = try b.tensor([1, 2, 3, 4], shape: [4], dtype: .f32, name: "small")
    let big = Tensor(shape: [4, 4], dtype: .f32, storage: small.storage, name: "big")
    let y = try b.empty(shape: [4, 4], dtype: .f32, name: "y")
    expectError(.invalidArgument, "oversized view") { try b.gelu(big, approximation: .tanh, into: y) }
    expectError(.invalidArgument, "oversized read") { _ = try b.read(big) }
    // A shape whose element count overflows Int must be refused, not trap.
    let absurd = Tensor(shape: [Int.max / 2, 3], dtype: .f32, storage: small.storage, name: "absurd")
    expectError(.invalidArgument, "overflowing view") { _ = try b.read(absurd) }
    // A reshaping view of the same size is fine.
    let square = Tensor(shape: [2, 2], dtype: .f32, storage: small.storage, name: "square")
    #expect(try b.read(square) == [1, 2, 3, 4])
}

@Test(.noValidationMessages) func cpuOpsWorkInPlace() throws {
    let b = CPUBackend()
    var random = TestRandom()
    let values = random.values(3 * 769, scale: 5)
    let x = try b.tensor(values, shape: [3, 769], dtype: .f32, name: "x")
    try b.softmax(x, scale: 0.5, causal: false, into: x)
    let reference = softmaxReference(values, rows: 3, columns: 769, scale: 0.5, queries: nil)
    let error = relativeError(try b.read(x), reference)
    #expect(error <= 1e-5, "\(random)")
}

@Test(.noValidationMessages) func cpuDescribesItsDevice() {
    let b = CPUBackend()
    #expect(b.name == "cpu")
    #expect(b.deviceDescription.contains("OpenBLAS"))
}

/// The f16 kernels widen with a fast form that is exact only for finite halves and redo any
/// row or block holding an infinity or NaN; those must still come out as IEEE arithmetic says.
@Test(.noValidationMessages, arguments: [1, 5])
func cpuHalfWeightsKeepInfinityAndNaN(rows m: Int) throws {
    let b = CPUBackend()
    let (k, n) = (70, 40) // past one SIMD block in both directions, with tails
    for layout in WeightLayout.allCases {
        // Logical W[K, N] of ones, with +inf in column 3 and NaN in column 21.
        var w = [Float](repeating: 1, count: k * n)
        w[66 * n + 3] = .infinity
        w[5 * n + 21] = .nan
        let weight = try b.weight(w, k: k, n: n, layout: layout, dtype: .f16)
        let x = try b.tensor([Float](repeating: 0.5, count: m * k), shape: [m, k], dtype: .f32, name: "x")
        let y = try b.poisoned(shape: [m, n])
        try b.matmul(x, weight: weight, layout: layout, bias: nil, into: y)
        let result = try b.read(y)
        for row in 0..<m {
            for column in 0..<n {
                let value = result[row * n + column]
                switch column {
                case 3: #expect(value == .infinity, "\(layout) [\(row), 3] = \(value)")
                case 21: #expect(value.isNaN, "\(layout) [\(row), 21] = \(value)")
                default: #expect(value == Float(k) * 0.5, "\(layout) [\(row), \(column)] = \(value)")
                }
            }
        }
    }
}

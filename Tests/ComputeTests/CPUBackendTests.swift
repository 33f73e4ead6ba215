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

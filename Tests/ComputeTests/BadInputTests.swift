import Compute
import Testing
import TestSupport

/// Which `ComputeError` a call must throw; the detail text is free to change.
enum ErrorKind: Equatable {
    case shapeMismatch, emptyTensor, dtypeNotSupported, foreignTensor, tooLarge, invalidArgument, outOfMemory

    init(_ error: ComputeError) {
        switch error {
        case .shapeMismatch: self = .shapeMismatch
        case .emptyTensor: self = .emptyTensor
        case .dtypeNotSupported: self = .dtypeNotSupported
        case .foreignTensor: self = .foreignTensor
        case .tooLarge: self = .tooLarge
        case .invalidArgument: self = .invalidArgument
        case .outOfMemory: self = .outOfMemory
        }
    }
}

func expectError(_ kind: ErrorKind, _ what: Comment, sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: () throws -> Void) {
    let error = #expect(throws: ComputeError.self, what, sourceLocation: sourceLocation) { try body() }
    if let error {
        #expect(ErrorKind(error) == kind, "\(what): threw \(error)", sourceLocation: sourceLocation)
    }
}

/// Storage that no backend made.
final class StrangerStorage: TensorStorage {
    let owner = ObjectIdentifier(StrangerStorage.self)
}

@Test(.noValidationMessages, arguments: try cases(["bad input"]))
func badInputThrows(_ test: Case<String>) throws {
    let b = test.backend
    let x = try b.tensor([Float](repeating: 1, count: 12), shape: [3, 4], dtype: .f32, name: "x")
    let x16 = try b.tensor([Float](repeating: 1, count: 12), shape: [3, 4], dtype: .f16, name: "x16")
    let w = try b.tensor([Float](repeating: 1, count: 20), shape: [5, 4], dtype: .f32, name: "w") // outIn 4 → 5
    let y = try b.empty(shape: [3, 5], dtype: .f32, name: "y")
    let y4 = try b.empty(shape: [3, 4], dtype: .f32, name: "y4")
    let v4 = try b.tensor([1, 2, 3, 4], shape: [4], dtype: .f32, name: "v4")
    let none = try b.empty(shape: [0, 4], dtype: .f32, name: "none")
    let stranger = Tensor(shape: [3, 4], dtype: .f32, storage: StrangerStorage(), name: "stranger")

    // Creation.
    expectError(.shapeMismatch, "value count ≠ shape") { _ = try b.tensor([1, 2, 3], shape: [2, 2], dtype: .f32, name: "t") }
    expectError(.invalidArgument, "negative dimension") { _ = try b.empty(shape: [2, -1], dtype: .f32, name: "t") }

    // Matmul.
    expectError(.shapeMismatch, "K mismatch") { try b.matmul(x, weight: w, layout: .inOut, bias: nil, into: y) }
    expectError(.shapeMismatch, "output shape") { try b.matmul(x, weight: w, layout: .outIn, bias: nil, into: y4) }
    expectError(.shapeMismatch, "bias length") { try b.matmul(x, weight: w, layout: .outIn, bias: v4, into: y) }
    expectError(.shapeMismatch, "1-D weight") { try b.matmul(x, weight: v4, layout: .outIn, bias: nil, into: y) }
    expectError(.dtypeNotSupported, "f16 x") { try b.matmul(x16, weight: w, layout: .outIn, bias: nil, into: y) }
    let bias16 = try b.tensor([1, 2, 3, 4, 5], shape: [5], dtype: .f16, name: "bias16")
    expectError(.dtypeNotSupported, "f16 bias") { try b.matmul(x, weight: w, layout: .outIn, bias: bias16, into: y) }
    expectError(.emptyTensor, "empty x") { try b.matmul(none, weight: w, layout: .outIn, bias: nil, into: y) }
    expectError(.foreignTensor, "foreign x") { try b.matmul(stranger, weight: w, layout: .outIn, bias: nil, into: y) }

    // Row-wise ops.
    expectError(.shapeMismatch, "softmax output") { try b.softmax(x, scale: 1, causal: false, into: y) }
    expectError(.shapeMismatch, "causal S < T") {
        let tall = try b.empty(shape: [5, 3], dtype: .f32, name: "tall")
        try b.softmax(tall, scale: 1, causal: true, into: tall)
    }
    expectError(.dtypeNotSupported, "softmax f16") { try b.softmax(x16, scale: 1, causal: false, into: y4) }
    expectError(.emptyTensor, "softmax empty") { try b.softmax(none, scale: 1, causal: false, into: none) }
    expectError(.foreignTensor, "softmax foreign") { try b.softmax(stranger, scale: 1, causal: false, into: y4) }
    expectError(.shapeMismatch, "gamma length") { try b.layerNorm(x, gamma: w, beta: v4, eps: 1e-5, into: y4) }
    expectError(.invalidArgument, "eps NaN") { try b.layerNorm(x, gamma: v4, beta: v4, eps: .nan, into: y4) }
    expectError(.invalidArgument, "eps < 0") { try b.layerNorm(x, gamma: v4, beta: v4, eps: -1, into: y4) }
    expectError(.dtypeNotSupported, "f16 gamma") {
        let g16 = try b.tensor([1, 2, 3, 4], shape: [4], dtype: .f16, name: "g16")
        try b.layerNorm(x, gamma: g16, beta: v4, eps: 1e-5, into: y4)
    }
    expectError(.foreignTensor, "layerNorm foreign beta") {
        let beta = Tensor(shape: [4], dtype: .f32, storage: StrangerStorage(), name: "beta")
        try b.layerNorm(x, gamma: v4, beta: beta, eps: 1e-5, into: y4)
    }

    // Element-wise ops.
    expectError(.shapeMismatch, "gelu output") { try b.gelu(x, approximation: .tanh, into: y) }
    expectError(.dtypeNotSupported, "gelu f16") { try b.gelu(x16, approximation: .erf, into: y4) }
    expectError(.emptyTensor, "gelu empty") { try b.gelu(none, approximation: .erf, into: none) }
    expectError(.shapeMismatch, "add shapes") { try b.add(x, y, into: y4) }
    expectError(.dtypeNotSupported, "add f16") { try b.add(x, x16, into: y4) }
    expectError(.foreignTensor, "add foreign") { try b.add(x, stranger, into: y4) }

    // Reading and filling.
    expectError(.foreignTensor, "read foreign") { _ = try b.read(stranger) }
    expectError(.foreignTensor, "fill foreign") { try b.fill(stranger, with: 0) }
}

/// A tensor made by another instance of the same backend is foreign too. `testBackends()` makes
/// fresh CPU backends but hands out one cached Vulkan backend, so Vulkan's other instance is a
/// private one (its own VkDevice on the same physical device).
@Test(.noValidationMessages, arguments: try cases(["other instance"]))
func otherInstanceIsForeign(_ test: Case<String>) throws {
    let b = test.backend
    let privateVulkan = b.name == "vulkan" ? try TestVulkan.privateBackend() : nil
    let other: any Backend = try #require(
        privateVulkan ?? (try testBackends().first { $0.name == b.name && $0 !== b }), "no second \(b.name) instance")
    #expect(other !== b)
    defer { if let privateVulkan { #expect(privateVulkan.device.validationLog.drain() == []) } }
    let x = try other.tensor([1, 2, 3, 4], shape: [1, 4], dtype: .f32, name: "x")
    let y = try b.empty(shape: [1, 4], dtype: .f32, name: "y")
    expectError(.foreignTensor, "other instance") { try b.gelu(x, approximation: .tanh, into: y) }
    expectError(.foreignTensor, "other instance read") { _ = try b.read(x) }
}

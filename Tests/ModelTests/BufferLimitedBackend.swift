import Compute

/// A backend that refuses tensors named with `prefix` over `limit` bytes, as a GPU with a small
/// `maxStorageBufferRange` does with GPT-2's token table, and passes everything else to `base`.
final class BufferLimitedBackend: Backend {
    let base: any Backend
    let limit: Int
    let prefix: String

    init(_ base: any Backend, limit: Int, prefix: String) {
        self.base = base
        self.limit = limit
        self.prefix = prefix
    }

    var name: String { base.name }
    var deviceDescription: String { base.deviceDescription + " limited to \(limit) bytes per tensor" }

    private func check(_ shape: [Int], _ dtype: DType, _ name: String) throws {
        let bytes = dtype.byteCount(shape: shape) ?? .max
        if bytes > limit, name.hasPrefix(prefix) { throw ComputeError.tooLarge(tensor: name, bytes: bytes, limit: limit, limitName: "test limit") }
    }

    func tensor(_ values: [Float], shape: [Int], dtype: DType, name: String) throws -> Tensor {
        try check(shape, dtype, name)
        return try base.tensor(values, shape: shape, dtype: dtype, name: name)
    }
    func tensor(rawBytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, name: String) throws -> Tensor {
        try check(shape, dtype, name)
        return try base.tensor(rawBytes: rawBytes, shape: shape, dtype: dtype, name: name)
    }
    func empty(shape: [Int], dtype: DType, name: String) throws -> Tensor {
        try check(shape, dtype, name)
        return try base.empty(shape: shape, dtype: dtype, name: name)
    }
    func read(_ tensor: Tensor) throws -> [Float] { try base.read(tensor) }
    func fill(_ tensor: Tensor, with value: Float) throws { try base.fill(tensor, with: value) }
    func synchronize() throws { try base.synchronize() }
    func matmul(_ x: Tensor, weight: Tensor, layout: WeightLayout, bias: Tensor?, into y: Tensor) throws {
        try base.matmul(x, weight: weight, layout: layout, bias: bias, into: y)
    }
    func softmax(_ x: Tensor, scale: Float, causal: Bool, into y: Tensor) throws {
        try base.softmax(x, scale: scale, causal: causal, into: y)
    }
    func layerNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float, into y: Tensor) throws {
        try base.layerNorm(x, gamma: gamma, beta: beta, eps: eps, into: y)
    }
    func gelu(_ x: Tensor, approximation: GELUApproximation, into y: Tensor) throws {
        try base.gelu(x, approximation: approximation, into: y)
    }
    func add(_ a: Tensor, _ b: Tensor, into y: Tensor) throws { try base.add(a, b, into: y) }
    func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float, into y: Tensor) throws {
        try base.rmsNorm(x, weight: weight, eps: eps, into: y)
    }
    func swiGLU(gate: Tensor, up: Tensor, into y: Tensor) throws { try base.swiGLU(gate: gate, up: up, into: y) }
    func roundTrip(_ x: Tensor, through dtype: DType, into y: Tensor) throws { try base.roundTrip(x, through: dtype, into: y) }
    func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, base ropeBase: Float, into y: Tensor) throws {
        try base.rope(x, heads: heads, headDim: headDim, position: position, base: ropeBase, into: y)
    }
    func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, rotary: RotaryEmbedding, into y: Tensor) throws {
        try base.rope(x, heads: heads, headDim: headDim, position: position, rotary: rotary, into: y)
    }
    func geGLU(gate: Tensor, up: Tensor, into y: Tensor) throws { try base.geGLU(gate: gate, up: up, into: y) }
    func scale(_ x: Tensor, by factor: Float, into y: Tensor) throws { try base.scale(x, by: factor, into: y) }
    func softcap(_ x: Tensor, cap: Float, into y: Tensor) throws { try base.softcap(x, cap: cap, into: y) }
    func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool, scale: Float,
                   keyMask: Tensor?, slidingWindow: Int?, softcap: Float?, into y: Tensor) throws {
        try base.attention(query: query, key: key, value: value, heads: heads, keyLength: keyLength, causal: causal,
                           scale: scale, keyMask: keyMask, slidingWindow: slidingWindow, softcap: softcap, into: y)
    }
    func embedding(ids: [Int32], table: Tensor, into y: Tensor) throws { try base.embedding(ids: ids, table: table, into: y) }
    func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                   scale: Float, keyMask: Tensor?, into y: Tensor) throws {
        try base.attention(query: query, key: key, value: value, heads: heads, keyLength: keyLength, causal: causal,
                           scale: scale, keyMask: keyMask, into: y)
    }
    func copy(_ source: Tensor, into destination: Tensor, destinationOffset: Int) throws {
        try base.copy(source, into: destination, destinationOffset: destinationOffset)
    }
    func copy(_ source: Tensor, elements: Range<Int>, into destination: Tensor, destinationOffset: Int) throws {
        try base.copy(source, elements: elements, into: destination, destinationOffset: destinationOffset)
    }
}

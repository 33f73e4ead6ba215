import Compute
import VulkanRuntime

extension VulkanBackend {
    /// x and y may be the same tensor: the shader reads both elements of a pair before writing.
    public func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, rotary: RotaryEmbedding, into y: Tensor) throws {
        let dims = try ShapeRules.rope(x, heads: heads, headDim: headDim, position: position, rotary: rotary, y: y)
        let op = "rope"
        let table = try ropeTable(rotary, headDim: headDim)
        let pipeline = try pipeline("rope", bindings: 3, pushWords: 4, specialization: [rotary.pairing == .halves ? 1 : 0])
        let pairs = dims.rows * dims.width / 2
        try dispatch(pipeline, [.init(try buffer(x, op: op), .read), .init(try buffer(y, op: op), .write),
                                .init(try buffer(table, op: op), .read)],
                     push: [UInt32(pairs), UInt32(dims.width / 2), UInt32(headDim / 2), UInt32(position)],
                     groups: elementwiseGrid(pairs))
    }

    /// θᵢ of `rotary` for a head of `headDim`, as (hi, lo) f32 pairs whose sum is the double
    /// value; uploaded once per (rotary, headDim) and kept (a model has one or two of them).
    func ropeTable(_ rotary: RotaryEmbedding, headDim: Int) throws -> Tensor {
        let key = RopeTableKey(rotary: rotary, headDim: headDim)
        if let table = ropeTables.withLock({ $0[key] }) { return table }
        let values = rotary.frequencies(headDim: headDim).flatMap { theta -> [Float] in
            let hi = Float(theta)
            return [hi, Float(theta - Double(hi))]
        }
        let table = try tensor(values, shape: [values.count], dtype: .f32, name: "rope θ table")
        ropeTables.withLock { $0[key] = table }
        return table
    }

    public func geGLU(gate: Tensor, up: Tensor, into y: Tensor) throws {
        let count = try ShapeRules.geGLU(gate: gate, up: up, y: y)
        let pipeline = try pipeline("geglu", bindings: 3, pushWords: 1)
        let op = "geGLU"
        try dispatch(pipeline, [.init(try buffer(gate, op: op), .read), .init(try buffer(up, op: op), .read),
                                .init(try buffer(y, op: op), .write)],
                     push: [UInt32(count)], groups: elementwiseGrid(count))
    }

    /// x and y may be the same tensor.
    public func scale(_ x: Tensor, by factor: Float, into y: Tensor) throws {
        let count = try ShapeRules.scale(x, by: factor, y: y)
        try scaleOrCap(x, count: count, factor: factor, cap: nil, into: y, op: "scale")
    }

    /// x and y may be the same tensor.
    public func softcap(_ x: Tensor, cap: Float, into y: Tensor) throws {
        let count = try ShapeRules.softcap(x, cap: cap, y: y)
        try scaleOrCap(x, count: count, factor: 1 / cap, cap: cap, into: y, op: "softcap")
    }

    private func scaleOrCap(_ x: Tensor, count: Int, factor: Float, cap: Float?, into y: Tensor, op: String) throws {
        let pipeline = try pipeline("softcap", bindings: 2, pushWords: 3, specialization: [cap == nil ? 0 : 1])
        try dispatch(pipeline, [.init(try buffer(x, op: op), .read), .init(try buffer(y, op: op), .readWrite)],
                     push: [UInt32(count), factor.bitPattern, (cap ?? 0).bitPattern], groups: elementwiseGrid(count))
    }
}

struct RopeTableKey: Hashable {
    let rotary: RotaryEmbedding
    let headDim: Int
}

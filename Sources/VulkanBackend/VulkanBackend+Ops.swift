import Compute
import VulkanRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension VulkanBackend {
    /// Up to this many activation rows use the matrix-vector kernel (the decode path).
    static let matvecMaxRows = 8

    public func matmul(_ x: Tensor, weight: Tensor, layout: WeightLayout, bias: Tensor?, into y: Tensor) throws {
        let dims = try ShapeRules.matmul(x, weight: weight, layout: layout, bias: bias, y: y)
        let xb = try buffer(x, op: "matmul"), wb = try buffer(weight, op: "matmul"), yb = try buffer(y, op: "matmul")
        // Without a bias, x stands in for the unused binding.
        let bb = try bias.map { try buffer($0, op: "matmul") } ?? xb
        let specialization: [UInt32] = [weight.dtype == .f16 ? 1 : 0, layout == .outIn ? 1 : 0]
        let quant = Self.quantConstant(weight.dtype)
        let push = [UInt32(dims.m), UInt32(dims.k), UInt32(dims.n), bias == nil ? 0 : 1]
        let bindings: [CommandStream.Binding] = [.init(xb, .read), .init(wb, .read), .init(bb, .read), .init(yb, .write)]
        if dims.m <= Self.matvecMaxRows {
            let pipeline = try pipeline("matvec", bindings: 4, pushWords: 4, specialization: specialization + [UInt32(dims.m), quant])
            let workgroups = layout == .outIn ? dims.n : (dims.n + 31) / 32
            try dispatch(pipeline, bindings, push: push, groups: grid(workgroups))
        } else {
            let pipeline = try pipeline("matmul", bindings: 4, pushWords: 4, specialization: specialization + [quant])
            try dispatch(pipeline, bindings, push: push, groups: ((dims.n + 63) / 64, (dims.m + 63) / 64, 1))
        }
    }

    /// The QUANT specialization constant of matvec.comp, matmul.comp and embedding.comp (quant.glsl).
    /// 0 for plain weights, else the ggml type number.
    static func quantConstant(_ dtype: DType) -> UInt32 {
        dtype.isQuantized ? dtype.ggml.rawValue : 0
    }

    public func softmax(_ x: Tensor, scale: Float, causal: Bool, into y: Tensor) throws {
        let dims = try ShapeRules.softmax(x, causal: causal, y: y)
        let pipeline = try pipeline("softmax", bindings: 2, pushWords: 5)
        try dispatch(pipeline, [.init(try buffer(x, op: "softmax"), .read), .init(try buffer(y, op: "softmax"), .write)],
                     push: [UInt32(dims.rows), UInt32(dims.columns), scale.bitPattern, causal ? 1 : 0, UInt32(dims.queries)],
                     groups: grid(dims.rows))
    }

    public func layerNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float, into y: Tensor) throws {
        let dims = try ShapeRules.layerNorm(x, gamma: gamma, beta: beta, eps: eps, y: y)
        let pipeline = try pipeline("layernorm", bindings: 4, pushWords: 3)
        let op = "layerNorm"
        try dispatch(pipeline, [.init(try buffer(x, op: op), .read), .init(try buffer(gamma, op: op), .read),
                                .init(try buffer(beta, op: op), .read), .init(try buffer(y, op: op), .write)],
                     push: [UInt32(dims.rows), UInt32(dims.columns), eps.bitPattern], groups: grid(dims.rows))
    }

    public func gelu(_ x: Tensor, approximation: GELUApproximation, into y: Tensor) throws {
        let count = try ShapeRules.elementwise("gelu", [x], y: y)
        let pipeline = try pipeline("gelu", bindings: 2, pushWords: 1, specialization: [approximation == .erf ? 1 : 0])
        try dispatch(pipeline, [.init(try buffer(x, op: "gelu"), .read), .init(try buffer(y, op: "gelu"), .write)],
                     push: [UInt32(count)], groups: elementwiseGrid(count))
    }

    public func add(_ a: Tensor, _ b: Tensor, into y: Tensor) throws {
        let count = try ShapeRules.elementwise("add", [a, b], y: y)
        let pipeline = try pipeline("add", bindings: 3, pushWords: 1)
        try dispatch(pipeline, [.init(try buffer(a, op: "add"), .read), .init(try buffer(b, op: "add"), .read),
                                .init(try buffer(y, op: "add"), .write)],
                     push: [UInt32(count)], groups: elementwiseGrid(count))
    }

    /// Elementwise kernels loop with a grid stride, so a bounded grid covers any size.
    func elementwiseGrid(_ count: Int) -> (x: Int, y: Int, z: Int) {
        grid(min((count + 255) / 256, 16_384))
    }
}

extension VulkanBackend {
    public func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float, into y: Tensor) throws {
        let dims = try ShapeRules.rmsNorm(x, weight: weight, eps: eps, y: y)
        let pipeline = try pipeline("rmsnorm", bindings: 3, pushWords: 3)
        let op = "rmsNorm"
        try dispatch(pipeline, [.init(try buffer(x, op: op), .read), .init(try buffer(weight, op: op), .read),
                                .init(try buffer(y, op: op), .write)],
                     push: [UInt32(dims.rows), UInt32(dims.columns), eps.bitPattern], groups: grid(dims.rows))
    }

    public func swiGLU(gate: Tensor, up: Tensor, into y: Tensor) throws {
        let count = try ShapeRules.swiGLU(gate: gate, up: up, y: y)
        let pipeline = try pipeline("swiglu", bindings: 3, pushWords: 1)
        let op = "swiGLU"
        try dispatch(pipeline, [.init(try buffer(gate, op: op), .read), .init(try buffer(up, op: op), .read),
                                .init(try buffer(y, op: op), .write)],
                     push: [UInt32(count)], groups: elementwiseGrid(count))
    }

    /// x and y may be the same tensor (one binding then, read and written).
    public func roundTrip(_ x: Tensor, through dtype: DType, into y: Tensor) throws {
        let dims = try ShapeRules.roundTrip(x, through: dtype, y: y)
        let op = "roundTrip", count = dims.rows * dims.columns
        let mode: UInt32 = dtype == .q8_0 ? 0 : (dtype == .q8_K ? 2 : 1)
        let pipeline = try pipeline("roundtrip", bindings: 2, pushWords: 1, specialization: [mode])
        let xBuffer = try buffer(x, op: op), yBuffer = try buffer(y, op: op)
        try dispatch(pipeline, [.init(xBuffer, .read), .init(yBuffer, .readWrite)], push: [UInt32(count)],
                     groups: elementwiseGrid(count / dtype.blockSize))
    }

    public func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, base: Float, into y: Tensor) throws {
        try rope(x, heads: heads, headDim: headDim, position: position, rotary: RotaryEmbedding(base: base), into: y)
    }
}

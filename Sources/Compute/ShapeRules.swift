/// Argument checks shared by every backend, so both throw the same errors for the same input.
public enum ShapeRules {
    public struct MatmulDims: Sendable, Equatable { public let m, k, n: Int }

    public static func matmul(_ x: Tensor, weight: Tensor, layout: WeightLayout, bias: Tensor?,
                              y: Tensor) throws -> MatmulDims {
        let op = "matmul"
        try nonEmpty(op, x, weight, y)
        guard x.dtype == .f32, y.dtype == .f32 else {
            throw ComputeError.dtypeNotSupported(op: op, tensor: x.dtype == .f32 ? y.name : x.name, dtype: .f16)
        }
        guard weight.rank == 2 else {
            throw ComputeError.shapeMismatch(op: op, detail: "weight \(weight.shapeDescription) must be 2-D")
        }
        let (k, n) = layout == .outIn ? (weight.shape[1], weight.shape[0]) : (weight.shape[0], weight.shape[1])
        try quantizedWeight(weight, layout: layout)
        guard x.lastDimension == k else {
            throw ComputeError.shapeMismatch(
                op: op, detail: "x \(x.shapeDescription) has \(x.lastDimension) columns but weight "
                    + "\(weight.shapeDescription) (\(layout.rawValue)) expects \(k)")
        }
        let m = x.rowCount
        guard y.lastDimension == n, y.rowCount == m else {
            throw ComputeError.shapeMismatch(
                op: op, detail: "output \(y.shapeDescription) must hold \(m)×\(n)")
        }
        if let bias {
            try f32(op, bias)
            guard bias.count == n else {
                throw ComputeError.shapeMismatch(op: op, detail: "bias \(bias.shapeDescription) must have \(n) elements")
            }
        }
        return MatmulDims(m: m, k: k, n: n)
    }

    /// Block-quantized weights are read block by block along K, so K must be the contiguous
    /// dimension (`.outIn`) and hold whole blocks.
    static func quantizedWeight(_ weight: Tensor, layout: WeightLayout) throws {
        guard weight.dtype.isQuantized else { return }
        guard weight.dtype != .q8_K else {
            throw ComputeError.dtypeNotSupported(op: "matmul", tensor: weight.name, dtype: weight.dtype)
        }
        guard layout == .outIn else {
            throw ComputeError.invalidArgument(
                op: "matmul", detail: "\(weight.dtype) weight \(weight.shapeDescription) must be laid out [out, in] (outIn)")
        }
        guard weight.shape[1] % weight.dtype.blockSize == 0 else {
            throw ComputeError.shapeMismatch(
                op: "matmul", detail: "\(weight.dtype) weight \(weight.shapeDescription) needs K a multiple of \(weight.dtype.blockSize)")
        }
    }

    /// Returns (rows, columns) of a row-wise op's input.
    public static func rowwise(_ op: String, _ x: Tensor, y: Tensor) throws -> (rows: Int, columns: Int) {
        try nonEmpty(op, x, y)
        try f32(op, x, y)
        guard x.shape == y.shape else {
            throw ComputeError.shapeMismatch(op: op, detail: "output \(y.shapeDescription) differs from input \(x.shapeDescription)")
        }
        return (x.rowCount, x.lastDimension)
    }

    /// Returns (rows, columns, queries per block) for softmax.
    public static func softmax(_ x: Tensor, causal: Bool, y: Tensor) throws -> (rows: Int, columns: Int, queries: Int) {
        let (rows, columns) = try rowwise("softmax", x, y: y)
        guard causal else { return (rows, columns, rows) }
        guard x.rank >= 2, x.shape[x.rank - 2] <= columns else {
            throw ComputeError.shapeMismatch(
                op: "softmax", detail: "causal softmax needs x [..., T, S] with S ≥ T, got \(x.shapeDescription)")
        }
        return (rows, columns, x.shape[x.rank - 2])
    }

    public static func layerNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float, y: Tensor) throws -> (rows: Int, columns: Int) {
        let dims = try rowwise("layerNorm", x, y: y)
        try f32("layerNorm", gamma, beta)
        guard gamma.count == dims.columns, beta.count == dims.columns else {
            throw ComputeError.shapeMismatch(
                op: "layerNorm", detail: "gamma \(gamma.shapeDescription) and beta \(beta.shapeDescription) must have \(dims.columns) elements")
        }
        guard eps.isFinite, eps >= 0 else {
            throw ComputeError.invalidArgument(op: "layerNorm", detail: "eps must be finite and ≥ 0, got \(eps)")
        }
        return dims
    }

    public static func elementwise(_ op: String, _ inputs: [Tensor], y: Tensor) throws -> Int {
        try nonEmpty(op, y)
        for x in inputs {
            try nonEmpty(op, x)
            try f32(op, x)
            guard x.shape == y.shape else {
                throw ComputeError.shapeMismatch(op: op, detail: "\(x.shapeDescription) and \(y.shapeDescription) differ")
            }
        }
        try f32(op, y)
        return y.count
    }

    public static func nonEmpty(_ op: String, _ tensors: Tensor...) throws {
        for t in tensors where t.count == 0 {
            throw ComputeError.emptyTensor(op: op, tensor: t.shapeDescription)
        }
    }

    public static func f32(_ op: String, _ tensors: Tensor...) throws {
        for t in tensors where t.dtype != .f32 {
            throw ComputeError.dtypeNotSupported(op: op, tensor: t.name, dtype: t.dtype)
        }
    }

    /// Bytes of storage for a new tensor of `shape` and `dtype` (after `creation` has checked the
    /// shape). Block types need a non-scalar shape whose last dimension holds whole blocks.
    public static func storageBytes(shape: [Int], dtype: DType, name: String) throws -> Int {
        if dtype.isQuantized {
            guard let last = shape.last, last % dtype.blockSize == 0 else {
                throw ComputeError.invalidArgument(
                    op: "tensor", detail: "\(dtype) tensor \(name)\(shape) needs a last dimension that is a multiple of \(dtype.blockSize)")
            }
        }
        guard let bytes = dtype.byteCount(shape: shape) else {
            throw ComputeError.invalidArgument(op: "tensor", detail: "\(name)\(shape) has too many bytes")
        }
        return bytes
    }

    /// Checks a tensor made from stored bytes: a valid shape, and exactly the bytes it needs.
    /// Returns that byte count.
    public static func rawCreation(shape: [Int], dtype: DType, byteCount: Int, name: String) throws -> Int {
        _ = try creation(shape: shape, values: nil, name: name)
        let bytes = try storageBytes(shape: shape, dtype: dtype, name: name)
        guard bytes == byteCount else {
            throw ComputeError.shapeMismatch(
                op: "tensor", detail: "\(byteCount) bytes for \(dtype) tensor \(name)\(shape), which takes \(bytes)")
        }
        return bytes
    }

    /// Values can be given (and read back, filled) as f32 only for plain types; block types come
    /// as stored bytes and only matmul reads them.
    public static func valueCreation(dtype: DType, name: String, op: String = "tensor") throws {
        guard !dtype.isQuantized else {
            throw ComputeError.dtypeNotSupported(op: op, tensor: name, dtype: dtype)
        }
    }

    /// Checks that a tensor to be created has a valid shape and matching value count.
    public static func creation(shape: [Int], values: Int?, name: String) throws -> Int {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw ComputeError.invalidArgument(op: "tensor", detail: "\(name)\(shape) has a negative dimension")
        }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw ComputeError.invalidArgument(op: "tensor", detail: "\(name)\(shape) has too many elements")
            }
            count = product
        }
        if let values, values != count {
            throw ComputeError.shapeMismatch(op: "tensor", detail: "\(values) values for \(name)\(shape) (\(count) elements)")
        }
        return count
    }
}

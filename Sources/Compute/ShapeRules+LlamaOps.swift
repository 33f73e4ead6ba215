/// Argument checks for the Llama-family ops (RMSNorm, SwiGLU, rotary embedding), shared by every
/// backend so both reject the same input with the same error before recording any work.
extension ShapeRules {
    public static func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float, y: Tensor) throws -> (rows: Int, columns: Int) {
        let op = "rmsNorm"
        let dims = try rowwise(op, x, y: y)
        try f32(op, weight)
        guard weight.count == dims.columns else {
            throw ComputeError.shapeMismatch(
                op: op, detail: "weight \(weight.shapeDescription) must have \(dims.columns) elements, the last dimension of \(x.shapeDescription)")
        }
        guard eps.isFinite, eps >= 0 else {
            throw ComputeError.invalidArgument(op: op, detail: "eps must be finite and ≥ 0, got \(eps)")
        }
        return dims
    }

    /// Returns (rows, columns).
    public static func roundTrip(_ x: Tensor, through dtype: DType, y: Tensor) throws -> (rows: Int, columns: Int) {
        let op = "roundTrip"
        let dims = try rowwise(op, x, y: y)
        switch dtype {
        case .f16: break
        case .q8_0, .q8_K:
            guard dims.columns % dtype.blockSize == 0 else {
                throw ComputeError.shapeMismatch(
                    op: op, detail: "x \(x.shapeDescription): rows of \(dims.columns) do not hold whole blocks of \(dtype.blockSize)")
            }
        default:
            throw ComputeError.dtypeNotSupported(op: op, tensor: x.name, dtype: dtype)
        }
        return dims
    }

    /// Returns the element count.
    public static func swiGLU(gate: Tensor, up: Tensor, y: Tensor) throws -> Int {
        try elementwise("swiGLU", [gate, up], y: y)
    }

    public struct RopeDims: Sendable, Equatable {
        /// Rows (T), heads, head size (even), row width heads·headDim, first position.
        public let rows, heads, headDim, width, position: Int
    }

    /// Positions are kept below 2²⁴ so they are exact in f32 (the backends' angle arithmetic).
    public static let ropeMaxPosition = 1 << 24

    public static func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, base: Float, y: Tensor) throws -> RopeDims {
        let op = "rope"
        try nonEmpty(op, x, y)
        try f32(op, x, y)
        guard heads >= 1 else { throw ComputeError.invalidArgument(op: op, detail: "heads must be ≥ 1, got \(heads)") }
        guard headDim >= 2, headDim % 2 == 0 else {
            throw ComputeError.invalidArgument(op: op, detail: "headDim must be even and ≥ 2, got \(headDim)")
        }
        let (width, overflow) = heads.multipliedReportingOverflow(by: headDim)
        guard !overflow, x.lastDimension == width else {
            throw ComputeError.shapeMismatch(
                op: op, detail: "x \(x.shapeDescription) must be [T, \(heads)·\(headDim)]")
        }
        guard y.shape == x.shape else {
            throw ComputeError.shapeMismatch(op: op, detail: "output \(y.shapeDescription) differs from input \(x.shapeDescription)")
        }
        let rows = x.rowCount
        // Subtraction, not position + rows, so a huge position cannot overflow past the check.
        guard position >= 0, position <= ropeMaxPosition - rows else {
            throw ComputeError.invalidArgument(
                op: op, detail: "positions \(position)..<\(position)+\(rows) must lie in 0..<\(ropeMaxPosition)")
        }
        guard base.isFinite, base > 0 else {
            throw ComputeError.invalidArgument(op: op, detail: "base must be finite and > 0, got \(base)")
        }
        return RopeDims(rows: rows, heads: heads, headDim: headDim, width: width, position: position)
    }
}

/// Argument checks for the ops the Llama-like families beyond Llama need (rotary variants,
/// GeGLU, scaling, soft-capping, sliding-window attention), shared by every backend.
extension ShapeRules {
    public static func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, rotary: RotaryEmbedding,
                            y: Tensor) throws -> RopeDims {
        let op = "rope"
        let dims = try rope(x, heads: heads, headDim: headDim, position: position, base: rotary.base, y: y)
        guard rotary.frequencyScale.isFinite, rotary.frequencyScale > 0 else {
            throw ComputeError.invalidArgument(op: op, detail: "frequency scale must be finite and > 0, got \(rotary.frequencyScale)")
        }
        if let factors = rotary.frequencyFactors {
            guard factors.count == headDim / 2 else {
                throw ComputeError.invalidArgument(
                    op: op, detail: "\(factors.count) frequency factors given, a head of \(headDim) has \(headDim / 2) pairs")
            }
            if let bad = factors.first(where: { !$0.isFinite || $0 <= 0 }) {
                throw ComputeError.invalidArgument(op: op, detail: "frequency factors must be finite and > 0, found \(bad)")
            }
        }
        return dims
    }

    /// Returns the element count.
    public static func geGLU(gate: Tensor, up: Tensor, y: Tensor) throws -> Int {
        try elementwise("geGLU", [gate, up], y: y)
    }

    /// Returns the element count.
    public static func scale(_ x: Tensor, by factor: Float, y: Tensor) throws -> Int {
        let count = try elementwise("scale", [x], y: y)
        guard factor.isFinite else { throw ComputeError.invalidArgument(op: "scale", detail: "factor must be finite, got \(factor)") }
        return count
    }

    /// Returns the element count.
    public static func softcap(_ x: Tensor, cap: Float, y: Tensor) throws -> Int {
        let count = try elementwise("softcap", [x], y: y)
        guard cap.isFinite, cap > 0 else { throw ComputeError.invalidArgument(op: "softcap", detail: "cap must be finite and > 0, got \(cap)") }
        return count
    }

    public static func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                                 scale: Float, keyMask: Tensor?, slidingWindow: Int?, softcap: Float?,
                                 y: Tensor) throws -> AttentionDims {
        let op = "attention"
        let dims = try attention(query: query, key: key, value: value, heads: heads, keyLength: keyLength, causal: causal,
                                 scale: scale, keyMask: keyMask, y: y)
        if let slidingWindow {
            guard causal else { throw ComputeError.invalidArgument(op: op, detail: "a sliding window needs causal attention") }
            guard slidingWindow >= 1, slidingWindow <= Int(UInt32.max) else {
                throw ComputeError.invalidArgument(op: op, detail: "sliding window must be ≥ 1, got \(slidingWindow)")
            }
        }
        if let softcap, !(softcap.isFinite && softcap > 0) {
            throw ComputeError.invalidArgument(op: op, detail: "softcap must be finite and > 0, got \(softcap)")
        }
        return dims
    }
}

import Compute
import VulkanRuntime

extension VulkanBackend {
    /// The most keys whose scores the attention kernel keeps in shared memory at once. 8 KiB of
    /// scores leaves room for several workgroups per GPU core; longer key ranges take several
    /// blocks (online softmax), so this bounds memory, not keyLength.
    static let attentionMaxBlock = 2048

    /// Keys per block on this device: what fits in `maxComputeSharedMemorySize` next to the
    /// kernel's other 3 KiB of shared arrays, in whole multiples of the workgroup size.
    var attentionBlock: Int {
        let otherShared = 3 * 256 * 4
        let fitting = (Int(device.info.maxComputeSharedMemorySize) - otherShared) / 4
        return max(256, min(Self.attentionMaxBlock, fitting / 256 * 256))
    }

    public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                          scale: Float, keyMask: Tensor?, into y: Tensor) throws {
        try attention(query: query, key: key, value: value, heads: heads, keyLength: keyLength, causal: causal,
                      scale: scale, keyMask: keyMask, slidingWindow: nil, softcap: nil, into: y)
    }

    public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                          scale: Float, keyMask: Tensor?, slidingWindow: Int?, softcap: Float?, into y: Tensor) throws {
        let dims = try ShapeRules.attention(query: query, key: key, value: value, heads: heads, keyLength: keyLength,
                                            causal: causal, scale: scale, keyMask: keyMask, slidingWindow: slidingWindow,
                                            softcap: softcap, y: y)
        let op = "attention"
        let queryBuffer = try buffer(query, op: op)
        // Without a mask, the query stands in for the unused binding.
        let maskBuffer = try keyMask.map { try buffer($0, op: op) } ?? queryBuffer
        let bindings: [CommandStream.Binding] = [
            .init(queryBuffer, .read), .init(try buffer(key, op: op), .read), .init(try buffer(value, op: op), .read),
            .init(maskBuffer, .read), .init(try buffer(y, op: op), .readWrite),
        ]
        let pipeline = try pipeline("attention", bindings: 5, pushWords: 10, specialization: [UInt32(attentionBlock)])
        // With a softcap c the kernel multiplies q·k by scale / c, then takes c · tanh of it.
        let scoreScale = softcap.map { scale / $0 } ?? scale
        let push = [UInt32(dims.queries), UInt32(dims.keyLength), UInt32(dims.heads), UInt32(dims.headDim),
                    scoreScale.bitPattern, causal ? 1 : 0, keyMask == nil ? 0 : 1, UInt32(dims.keyHeads),
                    UInt32(slidingWindow ?? 0), (softcap ?? 0).bitPattern]
        try dispatch(pipeline, bindings, push: push, groups: grid(dims.queries * dims.heads))
    }
}

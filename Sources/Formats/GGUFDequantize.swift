/// ggml tensor data → f32, exactly as ggml's reference `dequantize_row_*` computes it
/// (WeightTypes' `BlockDequantizer` for the block types).
enum GGUFDequantize {
    /// `bytes` must be a whole number of blocks of `type` (the header validation guarantees it),
    /// and `type` computable (callers check `isComputable` first).
    static func floats(_ bytes: UnsafeRawBufferPointer, type: GGMLType) -> [Float] {
        switch type {
        case .f32: return FloatWidening.fromF32(bytes)
        case .f16: return FloatWidening.fromF16(bytes)
        case .bf16: return FloatWidening.fromBF16(bytes)
        default:
            guard type.isQuantized, let base = bytes.baseAddress else { return [] }
            let blocks = bytes.count / type.blockBytes
            return [Float](unsafeUninitializedCapacity: blocks * type.blockSize) { out, initialized in
                if let target = out.baseAddress { BlockDequantizer.dequantize(type, base, blocks: blocks, into: target) }
                initialized = blocks * type.blockSize
            }
        }
    }
}

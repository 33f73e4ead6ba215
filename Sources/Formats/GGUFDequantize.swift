/// ggml block formats → f32, exactly as ggml's reference `dequantize_row_*` computes them
/// (each product in f32). Block layouts, little-endian, packed:
/// - Q8_0: f16 d, 32 × i8 q;           x[i] = d · q[i]
/// - Q4_0: f16 d, 16 bytes of nibbles; x[i] = d · (q[i] − 8)
/// - Q4_1: f16 d, f16 m, 16 bytes;     x[i] = d · q[i] + m
/// In Q4_*, byte j holds element j in its low nibble and element j + 16 in its high nibble.
enum GGUFDequantize {
    /// `bytes` must be a whole number of blocks of `type` (the header validation guarantees it).
    static func floats(_ bytes: UnsafeRawBufferPointer, type: GGMLType) -> [Float] {
        switch type {
        case .f32: FloatWidening.fromF32(bytes)
        case .f16: FloatWidening.fromF16(bytes)
        case .bf16: FloatWidening.fromBF16(bytes)
        case .q8_0, .q4_0, .q4_1: blocks(bytes, type: type)
        }
    }

    private static func blocks(_ bytes: UnsafeRawBufferPointer, type: GGMLType) -> [Float] {
        let blockCount = bytes.count / type.blockBytes
        let count = blockCount * 32
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for block in 0..<blockCount {
                let base = block * type.blockBytes
                let d = FloatWidening.halfToFloat(bytes.loadUnaligned(fromByteOffset: base, as: UInt16.self))
                let first = block * 32
                switch type {
                case .q8_0:
                    for i in 0..<32 {
                        out[first + i] = d * Float(Int8(bitPattern: bytes[base + 2 + i]))
                    }
                case .q4_0:
                    for j in 0..<16 {
                        let byte = bytes[base + 2 + j]
                        out[first + j] = d * Float(Int(byte & 0x0F) - 8)
                        out[first + j + 16] = d * Float(Int(byte >> 4) - 8)
                    }
                case .q4_1:
                    let m = FloatWidening.halfToFloat(bytes.loadUnaligned(fromByteOffset: base + 2, as: UInt16.self))
                    for j in 0..<16 {
                        let byte = bytes[base + 4 + j]
                        out[first + j] = d * Float(byte & 0x0F) + m
                        out[first + j + 16] = d * Float(byte >> 4) + m
                    }
                default:
                    break
                }
            }
            initialized = count
        }
    }
}

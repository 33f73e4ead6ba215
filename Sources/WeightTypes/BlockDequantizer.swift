/// ggml's blocks → f32, exactly as ggml's reference `dequantize_row_*` (ggml-quants.c) computes
/// them: the same f32 products in the same order, no fused multiply-adds. Layouts are ggml's
/// packed `block_*` structs (ggml-common.h), little-endian. This is the CPU's portable path,
/// the GGUF reader's `floats(named:)`, and what the kernel tests check the shaders against.
public enum BlockDequantizer {
    /// Writes `blocks` blocks of `type` starting at `source` (blockSize floats each) to `y`.
    /// `type` must be computable and quantized; other types write nothing.
    public static func dequantize(_ type: GGMLType, _ source: UnsafeRawPointer, blocks: Int,
                                  into y: UnsafeMutablePointer<Float>) {
        let (size, bytes) = (type.blockSize, type.blockBytes)
        for block in 0..<blocks {
            let b = Block(source + block * bytes), out = y + block * size
            switch type {
            case .q4_0: q4_0(b, out)
            case .q4_1: q4_1(b, out)
            case .q5_0: q5_0(b, out)
            case .q5_1: q5_1(b, out)
            case .q8_0: q8_0(b, out)
            case .q2_K: q2_K(b, out)
            case .q3_K: q3_K(b, out)
            case .q4_K: q4_K(b, out)
            case .q5_K: q5_K(b, out)
            case .q6_K: q6_K(b, out)
            case .iq4_nl: iq4_nl(b, out)
            case .iq4_xs: iq4_xs(b, out)
            default: return
            }
        }
    }

    /// IQ4_NL / IQ4_XS's non-linear 4-bit levels (ggml-common.h `kvalues_iq4nl`).
    public static let iq4Levels: [Int8] = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113]

    /// Byte access to one block.
    struct Block {
        let p: UnsafeRawPointer
        init(_ p: UnsafeRawPointer) { self.p = p }
        @inline(__always) func u8(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }
        @inline(__always) func i8(_ i: Int) -> Int8 { p.load(fromByteOffset: i, as: Int8.self) }
        @inline(__always) func half(_ i: Int) -> Float {
            Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: i, as: UInt16.self)))
        }
        @inline(__always) func u32(_ i: Int) -> UInt32 { p.loadUnaligned(fromByteOffset: i, as: UInt32.self) }
    }

    // MARK: 32-element blocks. Byte j holds element j (low nibble) and j + 16 (high nibble).

    @inline(__always) static func q4_0(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0)
        for j in 0..<16 {
            let q = b.u8(2 + j)
            y[j] = Float(Int32(q & 0xF) - 8) * d
            y[j + 16] = Float(Int32(q >> 4) - 8) * d
        }
    }

    @inline(__always) static func q4_1(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0), m = b.half(2)
        for j in 0..<16 {
            let q = b.u8(4 + j)
            y[j] = Float(q & 0xF) * d + m
            y[j + 16] = Float(q >> 4) * d + m
        }
    }

    /// d, 4 bytes of fifth bits (bit j → element j), 16 bytes of nibbles; x = d·(q − 16).
    @inline(__always) static func q5_0(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0), qh = b.u32(2)
        for j in 0..<16 {
            let q = UInt32(b.u8(6 + j))
            let x0 = Int32(((q & 0xF) | (((qh >> UInt32(j)) << 4) & 0x10))) - 16
            let x1 = Int32(((q >> 4) | ((qh >> UInt32(j + 12)) & 0x10))) - 16
            y[j] = Float(x0) * d
            y[j + 16] = Float(x1) * d
        }
    }

    @inline(__always) static func q5_1(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0), m = b.half(2), qh = b.u32(4)
        for j in 0..<16 {
            let q = UInt32(b.u8(8 + j))
            let x0 = (q & 0xF) | (((qh >> UInt32(j)) << 4) & 0x10)
            let x1 = (q >> 4) | ((qh >> UInt32(j + 12)) & 0x10)
            y[j] = Float(x0) * d + m
            y[j + 16] = Float(x1) * d + m
        }
    }

    @inline(__always) static func q8_0(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0)
        for j in 0..<32 { y[j] = Float(b.i8(2 + j)) * d }
    }

    @inline(__always) static func iq4_nl(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0)
        for j in 0..<16 {
            let q = b.u8(2 + j)
            y[j] = d * Float(iq4Levels[Int(q & 0xF)])
            y[j + 16] = d * Float(iq4Levels[Int(q >> 4)])
        }
    }

    // MARK: 256-element super-blocks (k-quants)

    /// Q4_K / Q5_K's 6-bit scale and min of sub-block j (ggml's `get_scale_min_k4`) from the
    /// 12 scale bytes at `offset`.
    @inline(__always) static func scaleMin(_ j: Int, _ b: Block, _ offset: Int) -> (Float, Float) {
        let q = { b.u8(offset + $0) }
        if j < 4 { return (Float(q(j) & 63), Float(q(j + 4) & 63)) }
        return (Float((q(j + 4) & 0xF) | ((q(j - 4) >> 6) << 4)), Float((q(j + 4) >> 4) | ((q(j) >> 6) << 4)))
    }

    /// 16 scale bytes (low nibble scale, high nibble min), 64 bytes of 2-bit quants, d, dmin.
    @inline(__always) static func q2_K(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(80), dmin = b.half(82)
        var out = 0, scale = 0
        for half in 0..<2 {
            let q = 16 + half * 32
            for shift in stride(from: 0, to: 8, by: 2) {
                for part in 0..<2 {
                    let sc = b.u8(scale); scale += 1
                    let dl = d * Float(sc & 0xF), ml = dmin * Float(sc >> 4)
                    for l in 0..<16 {
                        y[out] = dl * Float((b.u8(q + part * 16 + l) >> UInt8(shift)) & 3) - ml
                        out += 1
                    }
                }
            }
        }
    }

    /// 32 bytes of high bits, 64 bytes of 2-bit quants, 12 bytes of 6-bit scales, d.
    @inline(__always) static func q3_K(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(108)
        let scales = q3Scales(b)
        var out = 0, scale = 0, mask: UInt8 = 1
        for half in 0..<2 {
            let q = 32 + half * 32
            for shift in stride(from: 0, to: 8, by: 2) {
                for part in 0..<2 {
                    let dl = d * Float(Int32((scales[scale / 4] >> UInt32(8 * (scale % 4))) & 0xFF) - 32); scale += 1
                    for l in 0..<16 {
                        let low = Int32((b.u8(q + part * 16 + l) >> UInt8(shift)) & 3)
                        let high: Int32 = (b.u8(part * 16 + l) & mask) != 0 ? 0 : 4
                        y[out] = dl * Float(low - high)
                        out += 1
                    }
                }
                mask <<= 1
            }
        }
    }

    /// The sixteen 6-bit scales of a Q3_K block, unpacked as ggml does (kmask1/kmask2): scale i
    /// is byte i % 4 of word i / 4.
    @inline(__always) static func q3Scales(_ b: Block) -> SIMD4<UInt32> {
        var aux = SIMD4<UInt32>(b.u32(96), b.u32(100), b.u32(104), 0)
        let (kmask1, kmask2): (UInt32, UInt32) = (0x0303_0303, 0x0f0f_0f0f)
        let tmp = aux[2]
        aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4)
        aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4)
        aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4)
        aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4)
        return aux
    }

    /// d, dmin, 12 scale bytes, 128 bytes of nibbles: four 64-element groups, each the low
    /// nibbles of 32 bytes (scale 2i) then their high nibbles (scale 2i + 1).
    @inline(__always) static func q4_K(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0), dmin = b.half(2)
        for group in 0..<4 {
            let (sc1, m1) = scaleMin(2 * group, b, 4), (sc2, m2) = scaleMin(2 * group + 1, b, 4)
            let d1 = d * sc1, dm1 = dmin * m1, d2 = d * sc2, dm2 = dmin * m2
            let q = 16 + group * 32, out = y + group * 64
            for l in 0..<32 {
                let byte = b.u8(q + l)
                out[l] = d1 * Float(byte & 0xF) - dm1
                out[l + 32] = d2 * Float(byte >> 4) - dm2
            }
        }
    }

    /// As Q4_K plus 32 bytes of fifth bits (bit 2i of byte l for the low nibble of group i,
    /// bit 2i + 1 for its high nibble).
    @inline(__always) static func q5_K(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0), dmin = b.half(2)
        for group in 0..<4 {
            let (sc1, m1) = scaleMin(2 * group, b, 4), (sc2, m2) = scaleMin(2 * group + 1, b, 4)
            let d1 = d * sc1, dm1 = dmin * m1, d2 = d * sc2, dm2 = dmin * m2
            let q = 48 + group * 32, out = y + group * 64
            let u1 = UInt8(1) << UInt8(2 * group), u2 = UInt8(2) << UInt8(2 * group)
            for l in 0..<32 {
                let byte = b.u8(q + l), high = b.u8(16 + l)
                out[l] = d1 * Float((byte & 0xF) + (high & u1 != 0 ? 16 : 0)) - dm1
                out[l + 32] = d2 * Float((byte >> 4) + (high & u2 != 0 ? 16 : 0)) - dm2
            }
        }
    }

    /// 128 bytes of low nibbles, 64 bytes of 2-bit highs, 16 int8 scales, d; x = d·sc·(q − 32).
    @inline(__always) static func q6_K(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(208)
        for half in 0..<2 {
            let ql = half * 64, qh = 128 + half * 32, sc = 192 + half * 8, out = y + half * 128
            for l in 0..<32 {
                let s = l / 16, h = b.u8(qh + l)
                let q1 = Int32((b.u8(ql + l) & 0xF) | ((h & 3) << 4)) - 32
                let q2 = Int32((b.u8(ql + l + 32) & 0xF) | (((h >> 2) & 3) << 4)) - 32
                let q3 = Int32((b.u8(ql + l) >> 4) | (((h >> 4) & 3) << 4)) - 32
                let q4 = Int32((b.u8(ql + l + 32) >> 4) | (((h >> 6) & 3) << 4)) - 32
                out[l] = d * Float(b.i8(sc + s)) * Float(q1)
                out[l + 32] = d * Float(b.i8(sc + s + 2)) * Float(q2)
                out[l + 64] = d * Float(b.i8(sc + s + 4)) * Float(q3)
                out[l + 96] = d * Float(b.i8(sc + s + 6)) * Float(q4)
            }
        }
    }

    /// d, 16 bits of scale high bits, 4 bytes of scale low nibbles, 128 bytes of nibbles in
    /// eight 32-element sub-blocks with 6-bit scales (ls − 32).
    @inline(__always) static func iq4_xs(_ b: Block, _ y: UnsafeMutablePointer<Float>) {
        let d = b.half(0), scalesHigh = UInt32(b.p.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        for sub in 0..<8 {
            let low = (UInt32(b.u8(4 + sub / 2)) >> UInt32(4 * (sub % 2))) & 0xF
            let ls = Int32(low | (((scalesHigh >> UInt32(2 * sub)) & 3) << 4))
            let dl = d * Float(ls - 32)
            let q = 8 + sub * 16, out = y + sub * 32
            for j in 0..<16 {
                let byte = b.u8(q + j)
                out[j] = dl * Float(iq4Levels[Int(byte & 0xF)])
                out[j + 16] = dl * Float(iq4Levels[Int(byte >> 4)])
            }
        }
    }
}

import CKernels
import Compute

/// Reading ggml's Q8_0 / Q4_0 / Q4_1 blocks (layouts in `DType`): a dot product of rows of
/// blocks with x, and dequantizing rows to f32. `native` picks the AVX2/F16C C kernels; the
/// Swift loops are the portable path for CPUs without them.
struct QuantizedBlocks {
    let type: DType
    let native: Bool

    /// Σ w[i]·x[i] over `blocks` blocks starting at `w`.
    func dot(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, blocks: Int) -> Float {
        let bytes = w.assumingMemoryBound(to: UInt8.self)
        if native {
            switch type {
            case .q8_0: return vlm_dot_q8_0(bytes, x, blocks)
            case .q4_0: return vlm_dot_q4_0(bytes, x, blocks)
            case .q4_1: return vlm_dot_q4_1(bytes, x, blocks)
            case .f32, .f16: return 0 // not block types; callers pass only these three
            }
        }
        var total: Float = 0
        var values = SIMD32<Float>()
        for block in 0..<blocks {
            portableDequantize(w + block * type.blockBytes, into: &values)
            total += (values * loadFloats32(x + block * 32)).sum()
        }
        return total
    }

    /// Writes the 32·blocks weights starting at `w` to `destination`.
    func dequantize(_ w: UnsafeRawPointer, to destination: UnsafeMutablePointer<Float>, blocks: Int) {
        let bytes = w.assumingMemoryBound(to: UInt8.self)
        if native {
            switch type {
            case .q8_0: vlm_dequantize_q8_0(bytes, destination, blocks)
            case .q4_0: vlm_dequantize_q4_0(bytes, destination, blocks)
            case .q4_1: vlm_dequantize_q4_1(bytes, destination, blocks)
            case .f32, .f16: break
            }
            return
        }
        var values = SIMD32<Float>()
        for block in 0..<blocks {
            portableDequantize(w + block * type.blockBytes, into: &values)
            UnsafeMutableRawPointer(destination + block * 32).storeBytes(of: values, as: SIMD32<Float>.self)
        }
    }

    /// One block as 32 floats, exact: the products of an f16 scale and a small integer fit in f32
    /// (Q4_1's d·q + m rounds once).
    @inline(__always)
    private func portableDequantize(_ block: UnsafeRawPointer, into values: inout SIMD32<Float>) {
        let d = half(block, 0)
        switch type {
        case .q8_0:
            let q = block.loadUnaligned(fromByteOffset: 2, as: SIMD32<Int8>.self)
            values = SIMD32<Float>(SIMD32<Int32>(truncatingIfNeeded: q)) * d
        case .q4_0:
            values = (nibbles(block, at: 2) - 8) * d
        case .q4_1:
            values = nibbles(block, at: 4) * d + half(block, 2)
        case .f32, .f16:
            values = SIMD32()
        }
    }

    /// The 32 unsigned nibbles of a Q4 block in element order.
    @inline(__always)
    private func nibbles(_ block: UnsafeRawPointer, at offset: Int) -> SIMD32<Float> {
        let packed = block.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
        let q = SIMD32<UInt8>(lowHalf: packed & 0x0F, highHalf: packed &>> 4)
        return SIMD32<Float>(SIMD32<Int32>(truncatingIfNeeded: q))
    }

    @inline(__always)
    private func half(_ block: UnsafeRawPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: block.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }
}

@inline(__always)
private func loadFloats32(_ p: UnsafePointer<Float>) -> SIMD32<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD32<Float>.self)
}

import CKernels
import Compute
import WeightTypes

/// Reading ggml's weight blocks (layouts in WeightTypes' `GGMLType`): a dot product of rows of
/// blocks with x, and dequantizing rows to f32. `native` picks the AVX2/F16C C kernels where
/// there are some (Q8_0, Q4_0, Q4_1); every other type, and CPUs without AVX2, go through
/// WeightTypes' `BlockDequantizer` one block at a time.
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
            default: break
            }
        }
        let size = type.blockSize, stride = type.blockBytes, ggml = type.ggml
        // One block's weights at a time, in a buffer that stays in L1.
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: size) { buffer in
            let values = buffer.baseAddress!
            var total: Float = 0
            for block in 0..<blocks {
                BlockDequantizer.dequantize(ggml, w + block * stride, blocks: 1, into: values)
                total += dotFloats(values, x + block * size, count: size)
            }
            return total
        }
    }

    /// Writes the blockSize·blocks weights starting at `w` to `destination`.
    func dequantize(_ w: UnsafeRawPointer, to destination: UnsafeMutablePointer<Float>, blocks: Int) {
        let bytes = w.assumingMemoryBound(to: UInt8.self)
        if native {
            switch type {
            case .q8_0: vlm_dequantize_q8_0(bytes, destination, blocks); return
            case .q4_0: vlm_dequantize_q4_0(bytes, destination, blocks); return
            case .q4_1: vlm_dequantize_q4_1(bytes, destination, blocks); return
            default: break
            }
        }
        BlockDequantizer.dequantize(type.ggml, w, blocks: blocks, into: destination)
    }
}

/// Σ a[i]·b[i] for a count that is a multiple of 32 (every block size is).
@inline(__always)
private func dotFloats(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var sum = SIMD16<Float>(), sum2 = SIMD16<Float>()
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    for i in stride(from: 0, to: count, by: 32) {
        sum += ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
            * rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
        sum2 += ra.loadUnaligned(fromByteOffset: 4 * i + 64, as: SIMD16<Float>.self)
            * rb.loadUnaligned(fromByteOffset: 4 * i + 64, as: SIMD16<Float>.self)
    }
    return (sum + sum2).sum()
}

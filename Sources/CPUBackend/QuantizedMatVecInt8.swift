import CKernels
import Compute

extension MatrixProduct {
    /// y = x·Wᵀ for one row x with x rounded to int8 blocks once, then integer dot products
    /// against every weight row (the C kernels in quant_int8_avx2.c). Only called when the
    /// backend opted in and has the AVX2 kernels, for Q8_0, Q4_0 and Q4_1 weights.
    func matVecInt8(quantized w: UnsafeRawPointer, type: DType, parallel: Parallel) {
        let blockCount = k / 32, rowBytes = blockCount * type.blockBytes
        let xq = UnsafeMutablePointer<Int8>.allocate(capacity: k)
        // Per block: scale dx, Σ xq, exact Σ x.
        let scales = UnsafeMutablePointer<Float>.allocate(capacity: 3 * blockCount)
        defer {
            xq.deallocate()
            scales.deallocate()
        }
        let (dx, xqSum, xSum) = (scales, scales + blockCount, scales + 2 * blockCount)
        vlm_quantize_x_q8(x, blockCount, xq, dx, xqSum, xSum)
        let shared = UncheckedSendable((w: w.assumingMemoryBound(to: UInt8.self), xq: UnsafePointer(xq),
                                        dx: UnsafePointer(dx), xqSum: UnsafePointer(xqSum), xSum: UnsafePointer(xSum),
                                        product: self))
        parallel.forEach(n, work: n * k) { rows in
            let s = shared.value
            for row in rows {
                let weights = s.w + row * rowBytes
                let sum: Float = switch type {
                case .q8_0: vlm_dot_q8_0_q8(weights, s.xq, s.dx, blockCount)
                case .q4_0: vlm_dot_q4_0_q8(weights, s.xq, s.dx, s.xqSum, blockCount)
                case .q4_1: vlm_dot_q4_1_q8(weights, s.xq, s.dx, s.xSum, blockCount)
                default: 0 // matVec passes only the three above
                }
                s.product.y[row] = sum + (s.product.bias?[row] ?? 0)
            }
        }
    }
}

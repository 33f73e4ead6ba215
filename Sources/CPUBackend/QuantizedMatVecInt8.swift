import CKernels
import Compute

/// x rounded once to int8 blocks for integer dot products with quantized weight rows (the C
/// kernels in quant_int8_avx2.c and quant_kquants_int8_avx2.c), as ggml's CPU backend does:
/// Q8_K super-blocks of 256 for the k-quants and IQ4_XS, blocks of 32 for the rest.
///
/// The integer product is Σ w·x̂ with x̂ = xq·dx, which is the f32 product itself when x was
/// already rounded that way (llama.cpp's rounding, `LlamaModel.Options.llamaCppRounding`): then
/// `exact` is true and the integer path is taken by default. Otherwise it is taken only when the
/// backend opted in to int8 activations (and never for x holding NaN or ±inf).
struct Int8Activations {
    /// Which rounding a weight type's integer kernel takes.
    enum Layout { case blocks32, superBlocks256 }

    let layout: Layout
    let xq: UnsafeMutablePointer<Int8>
    /// Per block: the scale dx; for blocks of 32 also Σ xq and the exact Σ x after it.
    let scales: UnsafeMutablePointer<Float>
    /// Per 16 elements of a super-block: Σ xq (Q8_K only).
    let bsums: UnsafeMutablePointer<Int16>?
    let blockCount: Int
    /// 1: x equals x̂ (to 2⁻²⁰ relative), 0: it does not, −1: x is not finite.
    let representation: Int32

    /// The weight types with an integer kernel, and the rounding each takes.
    static func layout(for type: DType) -> Layout? {
        switch type {
        case .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .iq4_nl: .blocks32
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_xs: .superBlocks256
        default: nil
        }
    }

    init(_ x: UnsafePointer<Float>, k: Int, layout: Layout) {
        self.layout = layout
        let size = layout == .blocks32 ? 32 : 256
        blockCount = k / size
        xq = .allocate(capacity: k)
        switch layout {
        case .blocks32:
            scales = .allocate(capacity: 3 * blockCount)
            bsums = nil
            vlm_quantize_x_q8(x, blockCount, xq, scales, scales + blockCount, scales + 2 * blockCount)
        case .superBlocks256:
            scales = .allocate(capacity: blockCount)
            let sums = UnsafeMutablePointer<Int16>.allocate(capacity: 16 * blockCount)
            bsums = sums
            vlm_quantize_x_q8_K(x, blockCount, xq, scales, sums)
        }
        representation = vlm_q8_represents(x, xq, scales, blockCount, size)
    }

    func deallocate() {
        xq.deallocate()
        scales.deallocate()
        bsums?.deallocate()
    }

    /// Σ w·x̂ over one weight row of `type` (one the layout was made for).
    func dot(_ w: UnsafePointer<UInt8>, type: DType) -> Float {
        let (xq, dx, n) = (UnsafePointer(xq), UnsafePointer(scales), blockCount)
        let sums = bsums.map { UnsafePointer($0) }
        switch type {
        case .q8_0: return vlm_dot_q8_0_q8(w, xq, dx, n)
        case .q4_0: return vlm_dot_q4_0_q8(w, xq, dx, dx + n, n)
        case .q4_1: return vlm_dot_q4_1_q8(w, xq, dx, dx + 2 * n, n)
        case .q5_0: return vlm_dot_q5_0_q8(w, xq, dx, dx + n, n)
        case .q5_1: return vlm_dot_q5_1_q8(w, xq, dx, dx + 2 * n, n)
        case .iq4_nl: return vlm_dot_iq4_nl_q8(w, xq, dx, n)
        case .q2_K: return vlm_dot_q2_K_q8_K(w, xq, dx, sums, n)
        case .q3_K: return vlm_dot_q3_K_q8_K(w, xq, dx, sums, n)
        case .q4_K: return vlm_dot_q4_K_q8_K(w, xq, dx, sums, n)
        case .q5_K: return vlm_dot_q5_K_q8_K(w, xq, dx, sums, n)
        case .q6_K: return vlm_dot_q6_K_q8_K(w, xq, dx, sums, n)
        case .iq4_xs: return vlm_dot_iq4_xs_q8_K(w, xq, dx, sums, n)
        default: preconditionFailure("no int8 kernel for \(type)") // callers check layout(for:)
        }
    }
}

extension MatrixProduct {
    /// y = x·Wᵀ for one row x through integer dot products, when they give this product: x is
    /// rounded once, then every weight row is one integer dot product against it. Returns false
    /// (having written nothing) when the f32 path must run instead: no AVX2, a type without an
    /// integer kernel, or x that the rounding would change while `approximate` is off.
    func matVecInt8(quantized w: UnsafeRawPointer, type: DType, parallel: Parallel, approximate: Bool) -> Bool {
        guard nativeHalf, let layout = Int8Activations.layout(for: type) else { return false }
        let activations = Int8Activations(x, k: k, layout: layout)
        defer { activations.deallocate() }
        guard activations.representation == 1 || (approximate && activations.representation == 0) else { return false }
        let rowBytes = k / type.blockSize * type.blockBytes
        let shared = UncheckedSendable((w: w.assumingMemoryBound(to: UInt8.self), activations: activations, product: self))
        parallel.forEach(n, work: n * k) { rows in
            let s = shared.value
            for row in rows {
                s.product.y[row] = s.activations.dot(s.w + row * rowBytes, type: type) + (s.product.bias?[row] ?? 0)
            }
        }
        return true
    }
}

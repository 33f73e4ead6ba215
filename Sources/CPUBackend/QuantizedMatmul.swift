import Compute

/// y = x·Wᵀ with W [N, K] in ggml blocks (`.outIn` only, checked by ShapeRules).
/// Blocks are read as stored; the whole matrix is never inflated.
extension MatrixProduct {
    /// One row of x (decoding): memory-bound, each output one dot product over its row's blocks,
    /// rows split across cores. Integer dot products where x is already rounded as ggml rounds
    /// it for this weight type, or anywhere with `int8` (see `matVecInt8`); f32 ones otherwise.
    func matVec(quantized w: UnsafeRawPointer, type: DType, parallel: Parallel, int8: Bool) {
        if matVecInt8(quantized: w, type: type, parallel: parallel, approximate: int8) { return }
        let blocks = QuantizedBlocks(type: type, native: nativeHalf)
        let blockCount = k / type.blockSize, rowBytes = blockCount * type.blockBytes
        let shared = UncheckedSendable((w, self))
        parallel.forEach(n, work: n * k) { rows in
            let (w, product) = shared.value
            for row in rows {
                let sum = blocks.dot(w + row * rowBytes, product.x, blocks: blockCount)
                product.y[row] = sum + (product.bias?[row] ?? 0)
            }
        }
    }

    /// Several rows of x (prompts): blocks of W's rows are dequantized into one reusable f32
    /// scratch and go through sgemm, like the f16 path.
    func run(quantized w: UnsafeRawPointer, type: DType, parallel: Parallel) {
        let blocks = QuantizedBlocks(type: type, native: nativeHalf)
        let k = self.k, size = type.blockSize, rowBytes = k / size * type.blockBytes
        gemmOverWidenedBlocks(parallel: parallel) { start, width, scratch, conversion in
            let source = UncheckedSendable(w + start * rowBytes), target = UncheckedSendable(scratch)
            conversion.forEach(width, work: width * k) { rows in
                blocks.dequantize(source.value + rows.lowerBound * rowBytes, to: target.value + rows.lowerBound * k,
                                  blocks: rows.count * k / size)
            }
        }
    }
}

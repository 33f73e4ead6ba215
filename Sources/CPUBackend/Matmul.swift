import CBLAS
import Compute

extension CPUBackend {
    public func matmul(_ x: Tensor, weight: Tensor, layout: WeightLayout, bias: Tensor?, into y: Tensor) throws {
        let op = "matmul"
        let dims = try ShapeRules.matmul(x, weight: weight, layout: layout, bias: bias, y: y)
        let xs = try storage(of: x, op: op), ws = try storage(of: weight, op: op), ys = try storage(of: y, op: op)
        let bs = try bias.map { try storage(of: $0, op: op) }
        // BLAS reads x and W while writing y; an output that overlaps an input gives garbage.
        guard ys !== xs, ys !== ws, ys !== bs else {
            throw ComputeError.invalidArgument(op: op, detail: "output \(y.shapeDescription) shares storage with an input")
        }
        // OpenBLAS takes 32-bit dimensions.
        guard max(dims.m, dims.k, dims.n) <= Int(Int32.max) else {
            throw ComputeError.invalidArgument(op: op, detail: "\(dims.m)×\(dims.k)×\(dims.n) exceeds BLAS's 32-bit dimensions")
        }
        let product = MatrixProduct(m: dims.m, k: dims.k, n: dims.n, layout: layout,
                                    x: xs.floats, bias: bs?.floats, y: ys.floats, nativeHalf: nativeHalf)
        switch weight.dtype {
        case .f32: product.run(weights: ws.floats)
        case .f16 where dims.m == 1: product.matVec(halves: ws.halves, parallel: parallel)
        case .f16: product.run(halves: ws.halves, parallel: parallel)
        default:
            if dims.m == 1 {
                product.matVec(quantized: ws.bytes, type: weight.dtype, parallel: parallel, int8: int8Activations)
            } else {
                product.run(quantized: ws.bytes, type: weight.dtype, parallel: parallel)
            }
        }
    }
}

/// One y = x·W (+ bias) call, its shapes already checked.
struct MatrixProduct {
    let m, k, n: Int
    let layout: WeightLayout
    let x: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let y: UnsafeMutablePointer<Float>
    /// Widen f16 weights with the F16C/AVX2 C kernels.
    let nativeHalf: Bool

    init(m: Int, k: Int, n: Int, layout: WeightLayout, x: UnsafeMutablePointer<Float>,
         bias: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>, nativeHalf: Bool) {
        (self.m, self.k, self.n, self.layout, self.nativeHalf) = (m, k, n, layout, nativeHalf)
        (self.x, self.bias, self.y) = (UnsafePointer(x), bias.map { UnsafePointer($0) }, y)
    }

    /// f32 weights, used in place: the layout only picks BLAS's transpose flag.
    func run(weights w: UnsafeMutablePointer<Float>) {
        let beta = prepareOutput()
        if m == 1 {
            // Row-major W[N,K] times x is "no transpose"; W[K,N] is the transpose of that.
            let (rows, columns) = layout == .outIn ? (n, k) : (k, n)
            cblas_sgemv(CblasRowMajor, layout == .outIn ? CblasNoTrans : CblasTrans,
                        Int32(rows), Int32(columns), 1, w, Int32(columns), x, 1, beta, y, 1)
        } else {
            gemm(w, ldb: layout == .outIn ? k : n, columns: n, into: y, beta: beta)
        }
    }

    /// f16 weights with several rows of x: each block of output columns has its weights widened
    /// into one reusable f32 scratch buffer and goes through sgemm. The whole matrix is never
    /// inflated, and sgemm's speed is kept for prompts and encoders.
    func run(halves w: UnsafePointer<UInt16>, parallel: Parallel) {
        let (k, n, native) = (self.k, self.n, nativeHalf)
        gemmOverWidenedBlocks(parallel: parallel) { start, width, scratch, conversion in
            let target = UncheckedSendable(scratch)
            switch layout {
            case .outIn:
                // Rows start..<start+width of W[N,K] are contiguous.
                let source = UncheckedSendable(w + start * k)
                conversion.forEach(width, work: width * k) { rows in
                    convertHalves(source.value + rows.lowerBound * k, to: target.value + rows.lowerBound * k,
                                  count: rows.count * k, native: native)
                }
            case .inOut:
                // Columns start..<start+width of W[K,N], gathered row by row into [K, width].
                let source = UncheckedSendable(w + start)
                conversion.forEach(k, work: width * k) { rows in
                    for row in rows {
                        convertHalves(source.value + row * n, to: target.value + row * width, count: width, native: native)
                    }
                }
            }
        }
    }

    /// y = x·W for weights sgemm cannot read as stored (f16, quantized blocks): for each block of
    /// output columns, `widen(start, width, scratch, conversion)` writes those columns' weights
    /// as f32 into one reusable scratch ([width, K] for `.outIn`, [K, width] for `.inOut`) and
    /// sgemm consumes it. About 1 MiB of scratch: it stays in L2 while sgemm reads it, and each
    /// block is wide enough for sgemm to run at speed. The whole matrix is never inflated.
    func gemmOverWidenedBlocks(
        parallel: Parallel,
        widen: (_ start: Int, _ width: Int, _ scratch: UnsafeMutablePointer<Float>, _ conversion: Parallel) -> Void
    ) {
        let beta = prepareOutput()
        let block = min(n, max(16, (1 << 18) / k / 16 * 16))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: block * k)
        defer { scratch.deallocate() }
        // Widening costs about what sgemm spends on 32 rows of x. Below that it is most of the
        // work and is split across cores; above, sgemm dominates, and OpenBLAS's workers, still
        // spinning from the previous block, would fight Dispatch's for the cores (measured: f16
        // M=128 ran at 110 GFLOP/s with threaded widening, 155 without).
        let conversion = m < 32 ? parallel : Parallel(threads: 1)
        for start in stride(from: 0, to: n, by: block) {
            let width = min(block, n - start)
            widen(start, width, scratch, conversion)
            gemm(scratch, ldb: layout == .outIn ? k : width, columns: width, into: y + start, beta: beta)
        }
    }

    /// y[:, 0..<columns] (row stride n) = x · B, B being `columns` columns of W in `layout`.
    func gemm(_ b: UnsafePointer<Float>, ldb: Int, columns: Int, into c: UnsafeMutablePointer<Float>,
                      beta: Float) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, layout == .outIn ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(columns), Int32(k), 1, x, Int32(k), b, Int32(ldb), beta, c, Int32(n))
    }

    /// Writes the bias into every row of y so BLAS can add the product onto it (beta = 1), which
    /// saves a second pass over y. Returns the beta to use.
    func prepareOutput() -> Float {
        guard let bias else {
            // BLAS says y is not read when beta is 0, but OpenBLAS has shipped gemv kernels that
            // scale it by 0 anyway (0·NaN = NaN; OpenBLAS #929, #2496), so stale NaNs would leak
            // into the result. Clearing one row costs nothing next to reading the weights.
            if m == 1 { y.update(repeating: 0, count: n) }
            return 0
        }
        for row in 0..<m { (y + row * n).update(from: bias, count: n) }
        return 1
    }
}

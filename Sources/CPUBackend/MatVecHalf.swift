import CKernels

/// y = x·W for one row x and f16 weights (decoding one token). Memory-bound: every weight is
/// read once and widened in registers; x stays in cache.
extension MatrixProduct {
    func matVec(halves w: UnsafePointer<UInt16>, parallel: Parallel) {
        let shared = UncheckedSendable((w, self))
        switch layout {
        case .outIn:
            parallel.forEach(n, work: n * k) { rows in
                let (w, product) = shared.value
                for row in rows { product.outputFromRow(w + row * product.k, row) }
            }
        case .inOut where nativeHalf:
            // Each thread streams its own contiguous block of W's rows (the order memory holds
            // them) into a full-width partial sum; the partials are added at the end. Measured on
            // the 2-core dev machine against column strips: 2-3× faster for GPT-2's shapes.
            let blocks = k >= 64 && n * k > Parallel.minimumWork ? parallel.threads : 1
            let partials = UnsafeMutablePointer<Float>.allocate(capacity: blocks * n)
            defer { partials.deallocate() }
            partials.initialize(repeating: 0, count: blocks * n)
            let sums = UncheckedSendable(partials)
            parallel.forEach(blocks, work: blocks > 1 ? n * k : 0) { range in
                let (w, product) = shared.value
                for block in range {
                    let first = product.k * block / blocks, last = product.k * (block + 1) / blocks
                    vlm_f16_columns(w + first * product.n, product.n, product.x + first, last - first, product.n,
                                    sums.value + block * product.n)
                }
            }
            for column in 0..<n {
                var total = bias?[column] ?? 0
                for block in 0..<blocks { total += partials[block * n + column] }
                y[column] = total
            }
        case .inOut:
            // Strips of columns, each summed in an L1-resident buffer while the loop walks down
            // W: each weight row is read in runs of up to 2 KiB, which the prefetcher and TLB
            // handle far better than one cache line per row (GPT-2's 50257-wide head is 100 KB
            // per row). Strips are narrowed for small N so every core gets some.
            let width = max(16, min(1024, n / (2 * parallel.threads) / 16 * 16))
            let strips = (n + width - 1) / width
            parallel.forEach(strips, work: n * k) { range in
                let (w, product) = shared.value
                let sums = UnsafeMutablePointer<Float>.allocate(capacity: width)
                defer { sums.deallocate() }
                for strip in range {
                    let start = strip * width, end = min(start + width, product.n)
                    let vectorEnd = start + (end - start) / 16 * 16
                    if vectorEnd > start { product.strip(w + start, column: start, width: vectorEnd - start, sums: sums) }
                    // Fewer than 16 columns left: only at the right edge of W.
                    for column in vectorEnd..<end { product.edgeColumn(w + column, column: column) }
                }
            }
        }
    }

    /// y[row] from row `row` of W[N, K].
    @inline(__always)
    private func outputFromRow(_ w: UnsafePointer<UInt16>, _ row: Int) {
        if nativeHalf {
            y[row] = vlm_dot_f16(w, x, k) + (bias?[row] ?? 0)
            return
        }
        var check = HalfRangeCheck()
        var sum = dot(w, widen, &check)
        if check.sawInfinityOrNaN { sum = dot(w, widenExactly, &check) }
        y[row] = sum + (bias?[row] ?? 0)
    }

    /// Σ w[i]·x[i] with four independent accumulators, so the adds overlap instead of waiting
    /// on each other.
    @inline(__always)
    private func dot(_ w: UnsafePointer<UInt16>, _ widen: (SIMD16<UInt16>) -> SIMD16<Float>,
                     _ check: inout HalfRangeCheck) -> Float {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= k {
            let r0 = loadHalves(w + i), r1 = loadHalves(w + i + 16)
            let r2 = loadHalves(w + i + 32), r3 = loadHalves(w + i + 48)
            check.include(r0)
            check.include(r1)
            check.include(r2)
            check.include(r3)
            a0 += widen(r0) * loadFloats(x + i)
            a1 += widen(r1) * loadFloats(x + i + 16)
            a2 += widen(r2) * loadFloats(x + i + 32)
            a3 += widen(r3) * loadFloats(x + i + 48)
            i += 64
        }
        while i + 16 <= k {
            let r = loadHalves(w + i)
            check.include(r)
            a0 += widen(r) * loadFloats(x + i)
            i += 16
        }
        var sum = ((a0 + a1) + (a2 + a3)).sum()
        while i < k {
            sum += Float(Float16(bitPattern: w[i])) * x[i]
            i += 1
        }
        return sum
    }

    /// y[column..<column + width] = Σₖ x[k]·W[k, those columns], W being [K, N], `w` pointing
    /// at W[0, column] and `width` a multiple of 16.
    private func strip(_ w: UnsafePointer<UInt16>, column: Int, width: Int, sums: UnsafeMutablePointer<Float>) {
        if nativeHalf {
            sums.update(repeating: 0, count: width)
            vlm_f16_columns(w, n, x, k, width, sums)
        } else {
            var check = HalfRangeCheck()
            stripSums(w, width: width, sums: sums, widen, &check)
            if check.sawInfinityOrNaN { stripSums(w, width: width, sums: sums, widenExactly, &check) }
        }
        var c = 0
        while c < width {
            let total = loadFloats(sums + c)
            store(bias.map { total + loadFloats($0 + column + c) } ?? total, y + column + c)
            c += 16
        }
    }

    @inline(__always)
    private func stripSums(_ w: UnsafePointer<UInt16>, width: Int, sums: UnsafeMutablePointer<Float>,
                           _ widen: (SIMD16<UInt16>) -> SIMD16<Float>, _ check: inout HalfRangeCheck) {
        sums.update(repeating: 0, count: width)
        var row = 0
        // Four weight rows per pass over the buffer, so each load and store of a partial sum
        // carries four products.
        while row + 4 <= k {
            let x0 = SIMD16<Float>(repeating: x[row]), x1 = SIMD16<Float>(repeating: x[row + 1])
            let x2 = SIMD16<Float>(repeating: x[row + 2]), x3 = SIMD16<Float>(repeating: x[row + 3])
            let p0 = w + row * n, p1 = p0 + n, p2 = p1 + n, p3 = p2 + n
            var c = 0
            while c < width {
                let r0 = loadHalves(p0 + c), r1 = loadHalves(p1 + c), r2 = loadHalves(p2 + c), r3 = loadHalves(p3 + c)
                check.include(r0)
                check.include(r1)
                check.include(r2)
                check.include(r3)
                let products = (x0 * widen(r0) + x1 * widen(r1)) + (x2 * widen(r2) + x3 * widen(r3))
                store(loadFloats(sums + c) + products, sums + c)
                c += 16
            }
            row += 4
        }
        while row < k {
            let xk = SIMD16<Float>(repeating: x[row])
            let p = w + row * n
            var c = 0
            while c < width {
                let r = loadHalves(p + c)
                check.include(r)
                store(loadFloats(sums + c) + xk * widen(r), sums + c)
                c += 16
            }
            row += 1
        }
    }

    private func edgeColumn(_ w: UnsafePointer<UInt16>, column: Int) {
        var sum: Float = 0
        for row in 0..<k { sum += x[row] * Float(Float16(bitPattern: w[row * n])) }
        y[column] = sum + (bias?[column] ?? 0)
    }
}

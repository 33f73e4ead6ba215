import CBLAS
import Compute
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CPUBackend {
    /// Per head: scores = scale · Q_h · K_gᵀ by sgemm, masked softmax of each score row, then
    /// Y_h = P · V_g by sgemm (g the K/V head of query head h). Q_h, K_g, V_g and Y_h are column
    /// slices of the row-major tensors, passed to BLAS as strided views, never copied.
    /// Heads run in parallel; each writes only its own columns of y.
    public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                          scale: Float, keyMask: Tensor?, into y: Tensor) throws {
        try attention(query: query, key: key, value: value, heads: heads, keyLength: keyLength, causal: causal,
                      scale: scale, keyMask: keyMask, slidingWindow: nil, softcap: nil, into: y)
    }

    public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                          scale: Float, keyMask: Tensor?, slidingWindow: Int?, softcap: Float?, into y: Tensor) throws {
        let dims = try ShapeRules.attention(query: query, key: key, value: value, heads: heads, keyLength: keyLength,
                                            causal: causal, scale: scale, keyMask: keyMask, slidingWindow: slidingWindow,
                                            softcap: softcap, y: y)
        let op = "attention"
        let plan = AttentionPlan(
            dims: dims, causal: causal, scale: softcap.map { scale / $0 } ?? scale,
            slidingWindow: slidingWindow, softcap: softcap,
            query: try storage(of: query, op: op).floats, key: try storage(of: key, op: op).floats,
            value: try storage(of: value, op: op).floats, mask: try keyMask.map { try storage(of: $0, op: op).floats },
            output: try storage(of: y, op: op).floats)
        guard [dims.queries, dims.keyLength, dims.width].allSatisfy({ $0 <= Int(Int32.max) }) else {
            throw ComputeError.invalidArgument(op: op, detail: "dimensions beyond BLAS's 32-bit sizes")
        }
        let box = UncheckedSendable(plan)
        // T × (keyLength × width) can exceed Int for absurd shapes; threads pay off long before.
        let (work, overflow) = dims.queries.multipliedReportingOverflow(by: dims.keyLength * dims.width)
        parallel.forEach(heads, work: overflow ? Int.max : work) { range in
            let plan = box.value
            // One score block per range of heads, reused by every head and query block in it.
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: plan.blockRows * dims.keyLength)
            defer { scores.deallocate() }
            for head in range {
                for first in stride(from: 0, to: dims.queries, by: plan.blockRows) {
                    plan.run(head: head, queries: first..<min(first + plan.blockRows, dims.queries), scores: scores)
                }
            }
        }
    }
}

/// One attention call's pointers and sizes, shared read-only by the worker threads.
private struct AttentionPlan {
    let dims: ShapeRules.AttentionDims
    let causal: Bool
    /// The factor of q·k; with a softcap c it is scale / c, and c · tanh of the product follows.
    let scale: Float
    let slidingWindow: Int?
    let softcap: Float?
    let query, key, value: UnsafeMutablePointer<Float>
    let mask: UnsafeMutablePointer<Float>?
    let output: UnsafeMutablePointer<Float>

    /// Query rows per score block: bounds the scratch at ~16 MB whatever T × keyLength is.
    var blockRows: Int { max(1, min(dims.queries, (1 << 22) / dims.keyLength)) }

    func run(head: Int, queries rows: Range<Int>, scores: UnsafeMutablePointer<Float>) {
        let (s, d, w, kw) = (dims.keyLength, dims.headDim, Int32(dims.width), Int32(dims.keyWidth))
        let column = head * d, keyColumn = dims.keyHead(of: head) * d, count = rows.count
        let q = query + rows.lowerBound * dims.width + column, y = output + rows.lowerBound * dims.width + column
        // Some OpenBLAS versions scale C by beta even when beta is 0 (the one-row path), which
        // turns stale NaNs into NaN results; clear C first.
        scores.update(repeating: 0, count: count * s)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(count), Int32(s), Int32(d),
                    scale, q, w, key + keyColumn, kw, 0, scores, Int32(s))
        for (index, row) in rows.enumerated() {
            // Query t is position keyLength − T + t of the sequence and sees keys up to it.
            let visible = causal ? s - dims.queries + row + 1 : s
            let scores = scores + index * s
            if let softcap {
                for j in 0..<visible { scores[j] = tanhf(scores[j]) * softcap }
            }
            // Keys more than the window behind the query weigh nothing (-inf: weight 0).
            if let slidingWindow, visible > slidingWindow {
                scores.update(repeating: -.infinity, count: visible - slidingWindow)
            }
            maskedSoftmaxRow(scores, visible: visible, count: s, mask: mask)
        }
        for index in 0..<count { (y + index * dims.width).update(repeating: 0, count: d) }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(count), Int32(d), Int32(s),
                    1, scores, Int32(s), value + keyColumn, kw, 0, y, w)
    }
}

/// Softmax over the first `visible` entries of a score row, in place. Keys whose mask value is
/// 0 and keys past `visible` get weight exactly 0; a row with no key left becomes all zeros
/// (its query's output is then 0, rather than the NaN of 0/0).
private func maskedSoftmaxRow(_ row: UnsafeMutablePointer<Float>, visible: Int, count: Int,
                              mask: UnsafePointer<Float>?) {
    if let mask {
        for j in 0..<visible where mask[j] == 0 { row[j] = -.infinity }
    }
    (row + visible).update(repeating: 0, count: count - visible)
    let vectorEnd = visible & ~15

    var maxima = SIMD16<Float>(repeating: -.infinity)
    var i = 0
    while i < vectorEnd {
        maxima = pointwiseMax(maxima, loadFloats(row + i))
        i += 16
    }
    var maximum = maxima.max()
    for j in vectorEnd..<visible { maximum = max(maximum, row[j]) }
    guard maximum > -.infinity else {
        row.update(repeating: 0, count: visible)
        return
    }

    // Every exponent is ≤ 0 after subtracting the maximum, so scores of ±1e3 cannot overflow.
    let m = SIMD16<Float>(repeating: maximum)
    var sums = SIMD16<Float>()
    i = 0
    while i < vectorEnd {
        let x = loadFloats(row + i)
        var e = exp(x - m)
        // The vector exp floors at ~1e-38; masked keys must weigh exactly nothing.
        e.replace(with: 0, where: x .== -.infinity)
        store(e, row + i)
        sums += e
        i += 16
    }
    var sum = sums.sum()
    for j in vectorEnd..<visible {
        let e = row[j] == -.infinity ? 0 : expf(row[j] - maximum)
        row[j] = e
        sum += e
    }

    let inverse = 1 / sum
    i = 0
    while i < vectorEnd {
        store(loadFloats(row + i) * inverse, row + i)
        i += 16
    }
    for j in vectorEnd..<visible { row[j] *= inverse }
}

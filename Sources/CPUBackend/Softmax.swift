import Compute
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CPUBackend {
    public func softmax(_ x: Tensor, scale: Float, causal: Bool, into y: Tensor) throws {
        let (rows, columns, queries) = try ShapeRules.softmax(x, causal: causal, y: y)
        let source = UncheckedSendable(try storage(of: x, op: "softmax").floats)
        let target = UncheckedSendable(try storage(of: y, op: "softmax").floats)
        parallel.forEach(rows, work: rows * columns) { range in
            for row in range {
                // Query t of its block sees keys 0...(S - T + t); the rest of the row is masked.
                let visible = causal ? columns - queries + row % queries + 1 : columns
                let input = source.value + row * columns, output = target.value + row * columns
                softmaxRow(input, output, count: visible, scale: scale)
                (output + visible).update(repeating: 0, count: columns - visible)
            }
        }
    }
}

/// Subtracting the row maximum first keeps every exponent ≤ 0, so rows of ±1e4 neither
/// overflow nor lose the largest entries. Safe in place (x == y): each pass reads an element
/// before overwriting it.
private func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, scale: Float) {
    let vectorEnd = count & ~15
    let s = SIMD16<Float>(repeating: scale)

    var maxima = SIMD16<Float>(repeating: -.infinity)
    var i = 0
    while i < vectorEnd {
        maxima = larger(maxima, loadFloats(x + i) * s)
        i += 16
    }
    var maximum = maxima.max()
    for j in vectorEnd..<count { maximum = max(maximum, x[j] * scale) }

    let m = SIMD16<Float>(repeating: maximum)
    var sums = SIMD16<Float>()
    i = 0
    while i < vectorEnd {
        let e = exp(loadFloats(x + i) * s - m)
        store(e, y + i)
        sums += e
        i += 16
    }
    var sum = sums.sum()
    for j in vectorEnd..<count {
        let e = expf(x[j] * scale - maximum)
        y[j] = e
        sum += e
    }

    let inverse = 1 / sum
    i = 0
    while i < vectorEnd {
        store(loadFloats(y + i) * inverse, y + i)
        i += 16
    }
    for j in vectorEnd..<count { y[j] *= inverse }
}

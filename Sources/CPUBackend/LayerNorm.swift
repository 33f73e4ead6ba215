import Compute

extension CPUBackend {
    public func layerNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float, into y: Tensor) throws {
        let (rows, columns) = try ShapeRules.layerNorm(x, gamma: gamma, beta: beta, eps: eps, y: y)
        let op = "layerNorm"
        let pointers = UncheckedSendable((
            x: try storage(of: x, op: op).floats, gamma: try storage(of: gamma, op: op).floats,
            beta: try storage(of: beta, op: op).floats, y: try storage(of: y, op: op).floats))
        parallel.forEach(rows, work: rows * columns) { range in
            let p = pointers.value
            for row in range {
                layerNormRow(p.x + row * columns, p.y + row * columns, count: columns,
                             gamma: p.gamma, beta: p.beta, eps: eps)
            }
        }
    }
}

/// Mean, then the variance of the centred values, in f32. Rows like 1000 ± 0.1 are the hard
/// case: the f32 mean itself is off by up to half an ulp of 1000 (3e-5), a visible fraction of
/// the spread. So the second pass also sums the deviations from that first mean, and their
/// average corrects both the mean and the variance (the "corrected two-pass" algorithm).
/// Safe in place: the last pass reads each element before writing it.
private func layerNormRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                          gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float) {
    let vectorEnd = count & ~15
    let n = Float(count)

    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
    var i = 0
    while i + 32 <= vectorEnd {
        s0 += loadFloats(x + i)
        s1 += loadFloats(x + i + 16)
        i += 32
    }
    if i < vectorEnd { s0 += loadFloats(x + i) }
    var sum = (s0 + s1).sum()
    for j in vectorEnd..<count { sum += x[j] }
    let roughMean = sum / n

    let rough = SIMD16<Float>(repeating: roughMean)
    var deviations = SIMD16<Float>(), squares = SIMD16<Float>()
    i = 0
    while i < vectorEnd {
        let d = loadFloats(x + i) - rough
        deviations += d
        squares += d * d
        i += 16
    }
    var deviation = deviations.sum(), square = squares.sum()
    for j in vectorEnd..<count {
        let d = x[j] - roughMean
        deviation += d
        square += d * d
    }
    let correction = deviation / n
    let variance = max(square / n - correction * correction, 0)
    let inverseDeviation = 1 / (variance + eps).squareRoot()

    let c = SIMD16<Float>(repeating: correction), r = SIMD16<Float>(repeating: inverseDeviation)
    i = 0
    while i < vectorEnd {
        let normalized = ((loadFloats(x + i) - rough) - c) * r
        store(normalized * loadFloats(gamma + i) + loadFloats(beta + i), y + i)
        i += 16
    }
    for j in vectorEnd..<count {
        y[j] = ((x[j] - roughMean) - correction) * inverseDeviation * gamma[j] + beta[j]
    }
}

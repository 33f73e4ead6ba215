import Compute

extension CPUBackend {
    public func gelu(_ x: Tensor, approximation: GELUApproximation, into y: Tensor) throws {
        let count = try ShapeRules.elementwise("gelu", [x], y: y)
        let source = UncheckedSendable(try storage(of: x, op: "gelu").floats)
        let target = UncheckedSendable(try storage(of: y, op: "gelu").floats)
        let blocks = (count + 15) / 16
        parallel.forEach(blocks, work: count) { range in
            let start = range.lowerBound * 16, end = min(range.upperBound * 16, count)
            switch approximation {
            case .tanh: map(source.value, target.value, start..<end, geluTanh)
            case .erf: map(source.value, target.value, start..<end, geluErf)
            }
        }
    }
}

/// 0.5·x·(1 + tanh u) written as x·sigmoid(2u) = x / (1 + e^(−2u)): one exp, no cancellation
/// near 0, and the right limits (x and −0) when e^(−2u) saturates.
@inline(__always)
private func geluTanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let u = x * (x * x * 0.044_715 + 1) * 0.797_884_56 // √(2/π)
    return x / (exp(u * -2) + 1)
}

/// 0.5·x·(1 + erf(x/√2)) = 0.5·x·erfc(−x/√2); for x < 0 erfc is small and computed directly,
/// for x ≥ 0 it is 2 − erfc(x/√2).
@inline(__always)
private func geluErf(_ x: SIMD16<Float>) -> SIMD16<Float> {
    let tail = erfcOfMagnitude(x * 0.707_106_78)
    let complement = (SIMD16<Float>(repeating: 2) - tail).replacing(with: tail, where: x .< 0)
    return x * complement * 0.5
}

/// Applies `f` to x[range] → y[range]; a partial last block is padded through a buffer so
/// every element takes the same vector path.
@inline(__always)
private func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>,
                 _ f: (SIMD16<Float>) -> SIMD16<Float>) {
    var i = range.lowerBound
    while i + 16 <= range.upperBound {
        store(f(loadFloats(x + i)), y + i)
        i += 16
    }
    guard i < range.upperBound else { return }
    var block = SIMD16<Float>()
    for j in i..<range.upperBound { block[j - i] = x[j] }
    let result = f(block)
    for j in i..<range.upperBound { y[j] = result[j - i] }
}

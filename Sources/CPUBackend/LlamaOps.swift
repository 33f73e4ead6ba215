import Compute
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CPUBackend {
    public func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float, into y: Tensor) throws {
        let (rows, columns) = try ShapeRules.rmsNorm(x, weight: weight, eps: eps, y: y)
        let op = "rmsNorm"
        let pointers = UncheckedSendable((
            x: try storage(of: x, op: op).floats, weight: try storage(of: weight, op: op).floats,
            y: try storage(of: y, op: op).floats))
        parallel.forEach(rows, work: rows * columns) { range in
            let p = pointers.value
            for row in range {
                rmsNormRow(p.x + row * columns, p.y + row * columns, count: columns, weight: p.weight, eps: eps)
            }
        }
    }

    public func swiGLU(gate: Tensor, up: Tensor, into y: Tensor) throws {
        let count = try ShapeRules.swiGLU(gate: gate, up: up, y: y)
        let op = "swiGLU"
        let pointers = UncheckedSendable((
            gate: try storage(of: gate, op: op).floats, up: try storage(of: up, op: op).floats,
            y: try storage(of: y, op: op).floats))
        let blocks = (count + 15) / 16
        parallel.forEach(blocks, work: count) { range in
            let p = pointers.value
            let start = range.lowerBound * 16, end = min(range.upperBound * 16, count)
            var i = start
            while i + 16 <= end {
                store(siluTimes(loadFloats(p.gate + i), loadFloats(p.up + i)), p.y + i)
                i += 16
            }
            guard i < end else { return }
            var g = SIMD16<Float>(), u = SIMD16<Float>()
            for j in i..<end { g[j - i] = p.gate[j]; u[j - i] = p.up[j] }
            let result = siluTimes(g, u)
            for j in i..<end { p.y[j] = result[j - i] }
        }
    }

    /// The cos/sin of every (row, pair) angle are computed in Double on the host (T·headDim/2
    /// of them, shared by all heads), so the rotation is as exact as f32 data allows at any
    /// position: an f32 angle p·θ near p = 2048 is off by up to ~1e-4 radians.
    public func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, base: Float, into y: Tensor) throws {
        try rope(x, heads: heads, headDim: headDim, position: position, rotary: RotaryEmbedding(base: base), into: y)
    }
}

/// silu(g)·u = g / (1 + e^(−g)) · u. The vector exp clamps its argument, so g = −100 gives
/// g / ~1.7e38 ≈ −0 and g = +100 gives g: finite for every finite g.
@inline(__always)
private func siluTimes(_ g: SIMD16<Float>, _ u: SIMD16<Float>) -> SIMD16<Float> {
    g / (exp(-g) + 1) * u
}

/// Sum of squares in f32 (no cancellation: every term is ≥ 0), then one scaling pass.
/// Safe in place: the last pass reads each element before writing it.
private func rmsNormRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int,
                        weight: UnsafePointer<Float>, eps: Float) {
    let vectorEnd = count & ~15
    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
    var i = 0
    while i + 32 <= vectorEnd {
        let a = loadFloats(x + i), b = loadFloats(x + i + 16)
        s0 += a * a
        s1 += b * b
        i += 32
    }
    if i < vectorEnd { let a = loadFloats(x + i); s0 += a * a }
    var sum = (s0 + s1).sum()
    for j in vectorEnd..<count { sum += x[j] * x[j] }
    let inverse = 1 / (sum / Float(count) + eps).squareRoot()

    let r = SIMD16<Float>(repeating: inverse)
    i = 0
    while i < vectorEnd {
        store(loadFloats(x + i) * r * loadFloats(weight + i), y + i)
        i += 16
    }
    for j in vectorEnd..<count { y[j] = x[j] * inverse * weight[j] }
}

import Compute
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension CPUBackend {
    /// Angles are formed in Double on the host (see `rope(_:heads:headDim:position:base:into:)`).
    public func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, rotary: RotaryEmbedding, into y: Tensor) throws {
        let dims = try ShapeRules.rope(x, heads: heads, headDim: headDim, position: position, rotary: rotary, y: y)
        let op = "rope"
        let pointers = UncheckedSendable((x: try storage(of: x, op: op).floats, y: try storage(of: y, op: op).floats))
        let half = headDim / 2
        let frequencies = rotary.frequencies(headDim: headDim)
        // Element offsets of pair i's two members within a head.
        let (firstStride, secondOffset) = rotary.pairing == .adjacent ? (2, 1) : (1, half)
        parallel.forEach(dims.rows, work: dims.rows * dims.width) { range in
            let p = pointers.value
            var cosines = [Float](repeating: 0, count: half), sines = [Float](repeating: 0, count: half)
            for row in range {
                let at = Double(position + row)
                for i in 0..<half {
                    let angle = at * frequencies[i]
                    cosines[i] = Float(cos(angle))
                    sines[i] = Float(sin(angle))
                }
                let source = p.x + row * dims.width, target = p.y + row * dims.width
                for head in 0..<heads {
                    let offset = head * headDim
                    for i in 0..<half {
                        let first = offset + i * firstStride, second = first + secondOffset
                        // Both elements are read before either is written: safe in place.
                        let a = source[first], b = source[second]
                        target[first] = a * cosines[i] - b * sines[i]
                        target[second] = a * sines[i] + b * cosines[i]
                    }
                }
            }
        }
    }

    public func geGLU(gate: Tensor, up: Tensor, into y: Tensor) throws {
        let count = try ShapeRules.geGLU(gate: gate, up: up, y: y)
        let op = "geGLU"
        let pointers = UncheckedSendable((
            gate: try storage(of: gate, op: op).floats, up: try storage(of: up, op: op).floats,
            y: try storage(of: y, op: op).floats))
        parallel.forEach(count, work: count * 8) { range in
            let p = pointers.value
            for i in range { p.y[i] = geluTanh(p.gate[i]) * p.up[i] }
        }
    }

    public func scale(_ x: Tensor, by factor: Float, into y: Tensor) throws {
        let count = try ShapeRules.scale(x, by: factor, y: y)
        let pointers = UncheckedSendable((x: try storage(of: x, op: "scale").floats, y: try storage(of: y, op: "scale").floats))
        parallel.forEach(count, work: count) { range in
            let p = pointers.value
            for i in range { p.y[i] = p.x[i] * factor }
        }
    }

    /// As ggml computes it: scale by 1/cap, tanh, scale by cap.
    public func softcap(_ x: Tensor, cap: Float, into y: Tensor) throws {
        let count = try ShapeRules.softcap(x, cap: cap, y: y)
        let pointers = UncheckedSendable((x: try storage(of: x, op: "softcap").floats, y: try storage(of: y, op: "softcap").floats))
        let inverse = 1 / cap
        parallel.forEach(count, work: count * 8) { range in
            let p = pointers.value
            for i in range { p.y[i] = tanhf(p.x[i] * inverse) * cap }
        }
    }
}

/// ggml's `ggml_gelu_f32`: 0.5·x·(1 + tanh(√(2/π)·x·(1 + 0.044715·x²))).
@inline(__always)
func geluTanh(_ x: Float) -> Float {
    let sqrtTwoOverPi: Float = 0.79788456080286535587989211986876
    return 0.5 * x * (1 + tanhf(sqrtTwoOverPi * x * (1 + 0.044715 * x * x)))
}

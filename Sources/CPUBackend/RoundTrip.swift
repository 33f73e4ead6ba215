import Compute

extension CPUBackend {
    public func roundTrip(_ x: Tensor, through dtype: DType, into y: Tensor) throws {
        let dims = try ShapeRules.roundTrip(x, through: dtype, y: y)
        let op = "roundTrip"
        let pointers = UncheckedSendable((x: try storage(of: x, op: op).floats, y: try storage(of: y, op: op).floats))
        let count = dims.rows * dims.columns
        switch dtype {
        case .q8_0:
            parallel.forEach(count / 32, work: count) { blocks in
                for block in blocks { roundThroughQ8(pointers.value.x + block * 32, pointers.value.y + block * 32) }
            }
        default: // .f16, the only other type ShapeRules lets through
            parallel.forEach(count, work: count) { range in
                for i in range { pointers.value.y[i] = Float(Float16(pointers.value.x[i])) }
            }
        }
    }
}

/// One block of 32 as ggml's AVX2 `quantize_row_q8_0` stores it, then read back: the scale is
/// computed in f32 and stored as f16, the quants use the f32 inverse 127/max and round half to
/// even (the SSE conversion), so the values are exactly what llama.cpp multiplies.
private func roundThroughQ8(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    var largest: Float = 0
    for j in 0..<32 { largest = max(largest, abs(x[j])) }
    let d = Float(Float16(largest / 127))
    let inverse: Float = largest > 0 ? 127 / largest : 0
    for j in 0..<32 { y[j] = d * (x[j] * inverse).rounded(.toNearestOrEven) }
}

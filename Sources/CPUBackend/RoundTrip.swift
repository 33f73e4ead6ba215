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
        case .q8_K:
            parallel.forEach(count / 256, work: count) { blocks in
                for block in blocks { roundThroughQ8K(pointers.value.x + block * 256, pointers.value.y + block * 256) }
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

/// One block of 256 as ggml's `quantize_row_q8_K_ref` (the one its x86 CPU backend uses) stores
/// it, then read back: the scale is an f32 (not f16), taken from the element of largest
/// magnitude with its sign, iscale = −127/max, q = nearest(iscale·x) capped at 127 (so the
/// largest element may round to −127 or be capped), y = q · (1/iscale).
private func roundThroughQ8K(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    var largest: Float = 0, signed: Float = 0
    for j in 0..<256 where abs(x[j]) > largest {
        largest = abs(x[j])
        signed = x[j]
    }
    // A NaN element stays NaN (ggml would store an arbitrary integer for it).
    guard largest > 0 else {
        for j in 0..<256 { y[j] = x[j].isNaN ? .nan : 0 }
        return
    }
    let iscale = -127 / signed, d = 1 / iscale
    for j in 0..<256 {
        let scaled = iscale * x[j]
        y[j] = scaled.isFinite ? Float(min(127, nearestInt(scaled))) * d : .nan
    }
}

/// ggml's `nearest_int`: round half to even through the 1.5·2²³ trick, valid for |v| ≤ 2²².
@inline(__always)
private func nearestInt(_ v: Float) -> Int32 {
    let shifted = v + 12_582_912
    return Int32(bitPattern: shifted.bitPattern & 0x007f_ffff) - 0x0040_0000
}

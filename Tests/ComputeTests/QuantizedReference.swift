import Compute
import WeightTypes

// ggml's Q8_0 / Q4_0 / Q4_1 block formats (layouts in `DType`), made and read in float64 so the
// kernels can be checked against the exact weights they were given.

/// Quantizes `values` (row-major, rows of `k` elements, k a multiple of 32) the way ggml's
/// reference quantizers do, returning the stored bytes.
func quantize(_ values: [Float], k: Int, as type: DType) -> [UInt8] {
    precondition(type.isQuantized && k % 32 == 0 && values.count % k == 0, "test bug: bad quantize call")
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count / 32 * type.blockBytes)
    for start in stride(from: 0, to: values.count, by: 32) {
        let block = values[start..<(start + 32)].map(Double.init)
        switch type {
        case .q8_0:
            let amax = block.map(abs).max() ?? 0
            let d = amax / 127, inverse = d == 0 ? 0 : 1 / d
            appendHalf(d, to: &bytes)
            for v in block { bytes.append(UInt8(bitPattern: Int8(max(-128, min(127, (v * inverse).rounded()))))) }
        case .q4_0:
            // The value of largest magnitude, with its sign, maps to −8.
            let extreme = block.max { abs($0) < abs($1) } ?? 0
            let d = extreme / -8, inverse = d == 0 ? 0 : 1 / d
            appendHalf(d, to: &bytes)
            let q = block.map { UInt8(max(0, min(15, Int(($0 * inverse + 8.5).rounded(.down))))) }
            for j in 0..<16 { bytes.append(q[j] | q[j + 16] << 4) }
        case .q4_1:
            let low = block.min() ?? 0, high = block.max() ?? 0
            let d = (high - low) / 15, inverse = d == 0 ? 0 : 1 / d
            appendHalf(d, to: &bytes)
            appendHalf(low, to: &bytes)
            let q = block.map { UInt8(max(0, min(15, Int((($0 - low) * inverse + 0.5).rounded(.down))))) }
            for j in 0..<16 { bytes.append(q[j] | q[j + 16] << 4) }
        default:
            preconditionFailure("test bug: no test quantizer for \(type)")
        }
    }
    return bytes
}

/// The weights `bytes` hold, in float64, in storage order. Q8_0/Q4_0/Q4_1 are read here, by
/// the test's own code; every other type by WeightTypes' `BlockDequantizer`, which
/// `DequantizeFixtureTests` holds bit-for-bit to llama.cpp's and gguf-py's dequantization.
func dequantize(_ bytes: [UInt8], as type: DType) -> [Double] {
    guard [.q8_0, .q4_0, .q4_1].contains(type) else {
        let blocks = bytes.count / type.blockBytes
        var values = [Float](repeating: .nan, count: blocks * type.blockSize)
        bytes.withUnsafeBytes { BlockDequantizer.dequantize(type.ggml, $0.baseAddress!, blocks: blocks, into: &values) }
        return values.map(Double.init)
    }
    var values: [Double] = []
    for start in stride(from: 0, to: bytes.count, by: type.blockBytes) {
        let d = half(bytes, start)
        switch type {
        case .q8_0:
            for j in 0..<32 { values.append(d * Double(Int8(bitPattern: bytes[start + 2 + j]))) }
        case .q4_0, .q4_1:
            let offset = type == .q4_0 ? 2 : 4, m = type == .q4_1 ? half(bytes, start + 2) : 0
            let packed = bytes[(start + offset)..<(start + offset + 16)]
            let q = packed.map { Int($0 & 15) } + packed.map { Int($0 >> 4) }
            for v in q { values.append(type == .q4_0 ? d * Double(v - 8) : d * Double(v) + m) }
        default:
            preconditionFailure("unreachable")
        }
    }
    return values
}

/// y[M,N] = x[M,K] · Wᵀ (+ bias), W given as [N, K] in float64.
func matmulReference(x: [Float], outIn w: [Double], bias: [Float]?, m: Int, k: Int, n: Int) -> [Double] {
    var y = [Double](repeating: 0, count: m * n)
    let wideX = x.map(Double.init)
    for i in 0..<m {
        for j in 0..<n {
            var sum = bias.map { Double($0[j]) } ?? 0
            for p in 0..<k { sum += wideX[i * k + p] * w[j * k + p] }
            y[i * n + j] = sum
        }
    }
    return y
}

private func appendHalf(_ value: Double, to bytes: inout [UInt8]) {
    let bits = Float16(Float(value)).bitPattern
    bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8)]
}

private func half(_ bytes: [UInt8], _ offset: Int) -> Double {
    Double(Float16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8))
}

extension GGMLType {
    /// Stored bytes of `blocks` random blocks of this type with small, finite f16 super-scales,
    /// as a quantized checkpoint holds: every quant and sub-block scale random, d (and dmin / m)
    /// set to `scale` (and −`scale`·2). For kernel tests, benchmarks and random-weight models:
    /// what matters is that every bit of the layout is exercised and no NaN or infinity appears.
    public func randomBlocks<G: RandomNumberGenerator>(_ blocks: Int, scale: Float? = nil,
                                                       using generator: inout G) -> [UInt8] {
        let bytes = blocks * blockBytes
        var result = [UInt8](repeating: 0, count: bytes)
        for index in stride(from: 0, to: bytes, by: 8) {
            let word = generator.next()
            for lane in 0..<min(8, bytes - index) { result[index + lane] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(lane))) }
        }
        // Super-blocks multiply a 6-bit sub-scale by the quant: a smaller d keeps values near 1.
        let d = scale ?? (blockSize == 256 ? 0.002 : 0.01)
        let fields = traits.halfFields
        for block in 0..<blocks {
            for (index, offset) in fields.enumerated() {
                let bits = Float16(index == 0 ? d : -2 * d).bitPattern
                result[block * blockBytes + offset] = UInt8(bits & 0xFF)
                result[block * blockBytes + offset + 1] = UInt8(bits >> 8)
            }
        }
        return result
    }
}

import Compute

/// Stored bytes of an [n, k] matrix in a quantized block type: random integers under small,
/// finite f16 scales (and minimums), as a quantized checkpoint holds. Timing does not care what
/// the weights mean, only that no NaN or infinity takes a slow path.
func randomBlocks(rows n: Int, k: Int, type: DType, generator: inout SplitMix64) -> [UInt8] {
    let blocks = n * (k / type.blockSize)
    var bytes = [UInt8](repeating: 0, count: blocks * type.blockBytes)
    for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: generator.next()) }
    let scale = Float16(0.01).bitPattern, minimum = Float16(-0.05).bitPattern
    for block in 0..<blocks {
        let start = block * type.blockBytes
        bytes[start] = UInt8(scale & 0xFF)
        bytes[start + 1] = UInt8(scale >> 8)
        if type == .q4_1 {
            bytes[start + 2] = UInt8(minimum & 0xFF)
            bytes[start + 3] = UInt8(minimum >> 8)
        }
    }
    return bytes
}

import Compute

/// Stored bytes of an [n, k] matrix in a quantized block type (WeightTypes' `randomBlocks`):
/// timing does not care what the weights mean, only that no NaN or infinity takes a slow path.
func randomBlocks(rows n: Int, k: Int, type: DType, generator: inout SplitMix64) -> [UInt8] {
    type.ggml.randomBlocks(n * (k / type.blockSize), using: &generator)
}

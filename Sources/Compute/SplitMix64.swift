/// A small, fast, seedable random number generator (SplitMix64): reproducible data for
/// benchmarks and tests, and seeded sampling. Not for anything that needs secrecy.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1), from the top 24 bits.
    public mutating func symmetricFloat() -> Float {
        Float(next() >> 40) * 0x1p-23 - 1
    }

    /// `count` values uniform in [offset - scale, offset + scale).
    public mutating func floats(_ count: Int, scale: Float = 1, offset: Float = 0) -> [Float] {
        (0..<count).map { _ in symmetricFloat() * scale + offset }
    }
}

/// f32 ↔ IEEE half conversions used when tensors are stored as f16.
public enum Half {
    /// Rounds each value to the nearest f16 (ties to even) and returns the bit patterns.
    public static func bits(_ values: [Float]) -> [UInt16] {
        values.map { Float16($0).bitPattern }
    }

    public static func floats(_ bits: UnsafeBufferPointer<UInt16>) -> [Float] {
        bits.map { Float(Float16(bitPattern: $0)) }
    }
}

/// The ggml tensor types this reader can size, hand out and dequantize. Raw values are ggml's
/// `enum ggml_type` numbers as stored in a GGUF tensor info.
public enum GGMLType: UInt32, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q8_0 = 8, bf16 = 30

    /// Elements per block: the first dimension must be a multiple of it.
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q8_0: 32
        }
    }

    /// Bytes per block (ggml's `block_q*` structs, packed, little-endian):
    /// Q8_0 = f16 d + 32 × i8; Q4_0 = f16 d + 16 B of nibbles; Q4_1 = f16 d + f16 m + 16 B.
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q8_0: 34
        case .q4_0: 18
        case .q4_1: 20
        }
    }

    public var description: String { Self.name(of: rawValue) ?? "type \(rawValue)" }

    /// ggml's name for a type number, including the many this reader does not support, so an
    /// error can say "Q4_K" rather than "12". Nil for numbers ggml never assigned (or retired).
    public static func name(of rawValue: UInt32) -> String? {
        switch rawValue {
        case 0: "F32"
        case 1: "F16"
        case 2: "Q4_0"
        case 3: "Q4_1"
        case 6: "Q5_0"
        case 7: "Q5_1"
        case 8: "Q8_0"
        case 9: "Q8_1"
        case 10: "Q2_K"
        case 11: "Q3_K"
        case 12: "Q4_K"
        case 13: "Q5_K"
        case 14: "Q6_K"
        case 15: "Q8_K"
        case 16: "IQ2_XXS"
        case 17: "IQ2_XS"
        case 18: "IQ3_XXS"
        case 19: "IQ1_S"
        case 20: "IQ4_NL"
        case 21: "IQ3_S"
        case 22: "IQ2_S"
        case 23: "IQ4_XS"
        case 24: "I8"
        case 25: "I16"
        case 26: "I32"
        case 27: "I64"
        case 28: "F64"
        case 29: "IQ1_M"
        case 30: "BF16"
        case 34: "TQ1_0"
        case 35: "TQ2_0"
        case 39: "MXFP4"
        default: nil
        }
    }
}

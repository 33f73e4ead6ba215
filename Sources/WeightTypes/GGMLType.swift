/// Every tensor type ggml defines, numbered as in `enum ggml_type` (the number a GGUF tensor
/// info stores), with its block layout: the one table of weight-type traits in VulkanLM.
///
/// A reader can size, place and describe a tensor of any of these types; which ones the
/// kernels compute with is `isComputable` (the dequantizers in `BlockDequantizer` and the
/// shaders' `quant.glsl` cover exactly those).
public enum GGMLType: UInt32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case f32 = 0, f16 = 1, q4_0 = 2, q4_1 = 3, q5_0 = 6, q5_1 = 7, q8_0 = 8, q8_1 = 9
    case q2_K = 10, q3_K = 11, q4_K = 12, q5_K = 13, q6_K = 14, q8_K = 15
    case iq2_xxs = 16, iq2_xs = 17, iq3_xxs = 18, iq1_s = 19, iq4_nl = 20, iq3_s = 21, iq2_s = 22, iq4_xs = 23
    case i8 = 24, i16 = 25, i32 = 26, i64 = 27, f64 = 28, iq1_m = 29, bf16 = 30
    case tq1_0 = 34, tq2_0 = 35, mxfp4 = 39, nvfp4 = 40, q1_0 = 41, q2_0 = 42

    public struct Traits: Sendable {
        /// ggml's type name, upper-cased as llama.cpp prints it ("Q4_K").
        public let name: String
        /// Elements per block along the first (contiguous) dimension; 1 for plain types.
        public let blockSize: Int
        /// Bytes per block (ggml's packed `block_*` struct; one element for plain types).
        public let blockBytes: Int
        /// The type llama.cpp's CPU backend rounds activations to before a dot product with
        /// this weight type (its `vec_dot_type`); nil where it multiplies in float.
        public let activationType: GGMLType?
        /// Byte offsets of the block's f16 super-scales (d, and dmin or m where there is one);
        /// every other byte is quants or sub-block scales, valid whatever its value.
        public let halfFields: [Int]

        init(name: String, blockSize: Int, blockBytes: Int, activationType: GGMLType?, halfFields: [Int] = []) {
            (self.name, self.blockSize, self.blockBytes) = (name, blockSize, blockBytes)
            (self.activationType, self.halfFields) = (activationType, halfFields)
        }
    }

    public var traits: Traits { Self.table[Int(rawValue)]! }

    /// Indexed by raw value; built once.
    private static let table: [Traits?] = {
        var table = [Traits?](repeating: nil, count: 43)
        for type in allCases { table[Int(type.rawValue)] = type.makeTraits() }
        return table
    }()

    // ggml.c `type_traits` and ggml-cpu.c `type_traits_cpu[].vec_dot_type`, in one place.
    private func makeTraits() -> Traits {
        switch self {
        case .f32: Traits(name: "F32", blockSize: 1, blockBytes: 4, activationType: nil)
        case .f16: Traits(name: "F16", blockSize: 1, blockBytes: 2, activationType: nil)
        case .bf16: Traits(name: "BF16", blockSize: 1, blockBytes: 2, activationType: nil)
        case .f64: Traits(name: "F64", blockSize: 1, blockBytes: 8, activationType: nil)
        case .i8: Traits(name: "I8", blockSize: 1, blockBytes: 1, activationType: nil)
        case .i16: Traits(name: "I16", blockSize: 1, blockBytes: 2, activationType: nil)
        case .i32: Traits(name: "I32", blockSize: 1, blockBytes: 4, activationType: nil)
        case .i64: Traits(name: "I64", blockSize: 1, blockBytes: 8, activationType: nil)
        case .q4_0: Traits(name: "Q4_0", blockSize: 32, blockBytes: 18, activationType: .q8_0, halfFields: [0])
        case .q4_1: Traits(name: "Q4_1", blockSize: 32, blockBytes: 20, activationType: .q8_1, halfFields: [0, 2])
        case .q5_0: Traits(name: "Q5_0", blockSize: 32, blockBytes: 22, activationType: .q8_0, halfFields: [0])
        case .q5_1: Traits(name: "Q5_1", blockSize: 32, blockBytes: 24, activationType: .q8_1, halfFields: [0, 2])
        case .q8_0: Traits(name: "Q8_0", blockSize: 32, blockBytes: 34, activationType: .q8_0, halfFields: [0])
        case .q8_1: Traits(name: "Q8_1", blockSize: 32, blockBytes: 36, activationType: .q8_1)
        case .q2_K: Traits(name: "Q2_K", blockSize: 256, blockBytes: 84, activationType: .q8_K, halfFields: [80, 82])
        case .q3_K: Traits(name: "Q3_K", blockSize: 256, blockBytes: 110, activationType: .q8_K, halfFields: [108])
        case .q4_K: Traits(name: "Q4_K", blockSize: 256, blockBytes: 144, activationType: .q8_K, halfFields: [0, 2])
        case .q5_K: Traits(name: "Q5_K", blockSize: 256, blockBytes: 176, activationType: .q8_K, halfFields: [0, 2])
        case .q6_K: Traits(name: "Q6_K", blockSize: 256, blockBytes: 210, activationType: .q8_K, halfFields: [208])
        case .q8_K: Traits(name: "Q8_K", blockSize: 256, blockBytes: 292, activationType: nil)
        case .iq2_xxs: Traits(name: "IQ2_XXS", blockSize: 256, blockBytes: 66, activationType: .q8_K)
        case .iq2_xs: Traits(name: "IQ2_XS", blockSize: 256, blockBytes: 74, activationType: .q8_K)
        case .iq2_s: Traits(name: "IQ2_S", blockSize: 256, blockBytes: 82, activationType: .q8_K)
        case .iq3_xxs: Traits(name: "IQ3_XXS", blockSize: 256, blockBytes: 98, activationType: .q8_K)
        case .iq3_s: Traits(name: "IQ3_S", blockSize: 256, blockBytes: 110, activationType: .q8_K)
        case .iq1_s: Traits(name: "IQ1_S", blockSize: 256, blockBytes: 50, activationType: .q8_K)
        case .iq1_m: Traits(name: "IQ1_M", blockSize: 256, blockBytes: 56, activationType: .q8_K)
        case .iq4_nl: Traits(name: "IQ4_NL", blockSize: 32, blockBytes: 18, activationType: .q8_0, halfFields: [0])
        case .iq4_xs: Traits(name: "IQ4_XS", blockSize: 256, blockBytes: 136, activationType: .q8_K, halfFields: [0])
        case .tq1_0: Traits(name: "TQ1_0", blockSize: 256, blockBytes: 54, activationType: .q8_K)
        case .tq2_0: Traits(name: "TQ2_0", blockSize: 256, blockBytes: 66, activationType: .q8_K)
        case .mxfp4: Traits(name: "MXFP4", blockSize: 32, blockBytes: 17, activationType: .q8_0)
        case .nvfp4: Traits(name: "NVFP4", blockSize: 64, blockBytes: 36, activationType: .q8_0)
        case .q1_0: Traits(name: "Q1_0", blockSize: 128, blockBytes: 18, activationType: .q8_0)
        case .q2_0: Traits(name: "Q2_0", blockSize: 64, blockBytes: 18, activationType: .q8_0)
        }
    }

    /// The types VulkanLM's kernels read as stored (BF16 is widened to f32 when loaded).
    public static let computable: [GGMLType] = [
        .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
        .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_nl, .iq4_xs,
    ]

    public var isComputable: Bool { Self.computable.contains(self) }
    public var name: String { traits.name }
    public var blockSize: Int { traits.blockSize }
    public var blockBytes: Int { traits.blockBytes }
    public var isQuantized: Bool { traits.blockSize > 1 }
    public var description: String { traits.name }

    /// ggml's name for a type number, nil for numbers ggml never assigned (or retired).
    public static func name(of rawValue: UInt32) -> String? { GGMLType(rawValue: rawValue)?.name }

    /// "F32, F16, …" for error messages that list what the kernels support.
    public static var computableList: String { computable.map(\.name).joined(separator: ", ") }
}

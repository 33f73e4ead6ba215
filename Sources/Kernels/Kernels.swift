/// SPIR-V of the compute shaders in `Shaders/`, compiled by glslang when the package builds.
public enum Kernels {
    /// Names of the embedded shaders (file names without `.comp`).
    public static var names: [String] { EmbeddedShaders.hex.keys.sorted() }

    /// The SPIR-V words of a shader, or nil if no shader has that name.
    public static func spirv(_ name: String) -> [UInt32]? {
        guard let hex = EmbeddedShaders.hex[name] else { return nil }
        return hex.withUTF8Buffer { text in
            var words = [UInt32]()
            words.reserveCapacity(text.count / 8)
            var index = 0
            while index + 8 <= text.count {
                // SPIR-V is stored little-endian, byte by byte.
                var word: UInt32 = 0
                for byte in 0..<4 {
                    let high = nibble(text[index + 2 * byte]), low = nibble(text[index + 2 * byte + 1])
                    word |= UInt32(high << 4 | low) << (8 * UInt32(byte))
                }
                words.append(word)
                index += 8
            }
            return words
        }
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "a") ? c - UInt8(ascii: "a") + 10 : c - UInt8(ascii: "0")
    }
}

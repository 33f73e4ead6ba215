/// GPT-2's reversible map between bytes and printable Unicode characters: vocab entries spell
/// bytes with these characters so that no token contains whitespace or control characters.
/// Printable Latin-1 bytes map to themselves; the other 68 bytes map to U+0100, U+0101, … in order.
enum ByteLevelAlphabet {
    static let scalarForByte: [Unicode.Scalar] = {
        var scalars: [Unicode.Scalar] = []
        var next: UInt32 = 256
        for byte in 0...255 {
            if (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) {
                scalars.append(Unicode.Scalar(UInt8(byte)))
            } else {
                // U+0100...U+0143: always valid scalars.
                scalars.append(Unicode.Scalar(next) ?? "?")
                next += 1
            }
        }
        return scalars
    }()

    static let byteForScalar: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (byte, scalar) in scalarForByte.enumerated() {
            map[scalar] = UInt8(byte)
        }
        return map
    }()

    /// A vocab token spelled with the alphabet → its bytes. Characters outside the alphabet
    /// (never produced by GPT-2 files) contribute their own UTF-8.
    static func bytes(ofToken token: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            if let byte = byteForScalar[scalar] {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }
}

extension ByteLevelAlphabet {
    /// Text → its bytes spelled with the alphabet, as a vocab token would be (`" the"` → `"Ġthe"`).
    static func spelling(_ text: Substring.UnicodeScalarView) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in String(text).utf8 { scalars.append(scalarForByte[Int(byte)]) }
        return String(scalars)
    }
}

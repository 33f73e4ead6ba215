/// Hugging Face's BertNormalizer, applied one scalar at a time in its order: clean text, space out
/// CJK ideographs, strip accents, lower-case. Character classes come from tables generated from
/// Hugging Face itself (see `BertUnicodeTables`), so they follow its Unicode data, not Swift's.
///
/// Approximation: stripping accents is NFD per scalar then dropping nonspacing marks; NFD's
/// canonical reordering of marks across scalars is not done, and only matters for the order
/// of combining marks that are not nonspacing (rare), since nonspacing ones are removed.
struct BertNormalizer: Sendable {
    var cleanText = true
    var handleChineseChars = true
    var stripAccents = true
    var lowercase = true

    private static let dropped = UnicodeRangeTable(BertUnicodeTables.droppedByCleanText)
    private static let marks = UnicodeRangeTable(BertUnicodeTables.removedByAccentStripping)
    private static let strippedForms: [UInt32: [Unicode.Scalar]] = {
        var forms: [UInt32: [Unicode.Scalar]] = [:]
        for entry in BertUnicodeTables.accentStrippedForms.split(whereSeparator: { $0 == ";" || $0 == "\n" }) {
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let key = UInt32(parts[0], radix: 16) else { continue }
            forms[key] = parts[1].split(separator: ",").compactMap { UInt32($0, radix: 16).flatMap(Unicode.Scalar.init) }
        }
        return forms
    }()

    func normalize(_ text: String) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            var scalar = scalar
            if cleanText {
                if Self.dropped.contains(scalar) { continue }
                if Self.isWhitespace(scalar) { scalar = " " }
            }
            if handleChineseChars && Self.isChineseCharacter(scalar) {
                output.append(" ")
                output.append(scalar)  // ideographs have no accents and no case
                output.append(" ")
                continue
            }
            if stripAccents {
                for stripped in Self.stripAccents(scalar) { appendCased(stripped, to: &output) }
            } else {
                appendCased(scalar, to: &output)
            }
        }
        return output
    }

    private func appendCased(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        if !lowercase {
            output.append(scalar)
        } else if scalar.isASCII {
            output.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
        } else {
            // Full lower-case mapping of the single scalar (İ → i̇), like Rust's char::to_lowercase.
            output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }

    /// NFD of one scalar with its nonspacing marks (Mn) removed.
    private static func stripAccents(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        if scalar.isASCII { return [scalar] }
        if let hangul = hangulDecomposition(scalar) { return hangul }
        if marks.contains(scalar) { return [] }
        return strippedForms[scalar.value] ?? [scalar]
    }

    /// Hangul syllables decompose arithmetically into leading consonant, vowel, optional trailing
    /// consonant (Unicode §3.12), so they are not in the tables.
    private static func hangulDecomposition(_ scalar: Unicode.Scalar) -> [Unicode.Scalar]? {
        guard (0xAC00...0xD7A3).contains(scalar.value) else { return nil }
        let index = scalar.value - 0xAC00
        let jamo = [0x1100 + index / 588, 0x1161 + (index % 588) / 28, 0x11A7 + index % 28]
            .filter { $0 != 0x11A7 }
        return jamo.compactMap(Unicode.Scalar.init)
    }

    /// The White_Space property, as Rust's `char::is_whitespace` (tab, newline and carriage return
    /// included, although they are controls).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar.properties.isWhitespace
    }

    /// The CJK Unified Ideograph blocks Hugging Face (and Google's BERT) space out.
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}

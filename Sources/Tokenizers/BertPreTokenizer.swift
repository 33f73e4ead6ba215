/// Hugging Face's BertPreTokenizer: split on whitespace (dropped) and around every punctuation
/// character (kept as a word of its own). Punctuation is ASCII punctuation plus Unicode P*,
/// per the generated table.
enum BertPreTokenizer {
    private static let punctuation = UnicodeRangeTable(BertUnicodeTables.punctuation)

    static func split(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start = 0
        for (index, scalar) in scalars.enumerated() {
            let isSpace = BertNormalizer.isWhitespace(scalar)
            let isPunctuation = !isSpace && punctuation.contains(scalar)
            guard isSpace || isPunctuation else { continue }
            if start < index { words.append(scalars[start..<index]) }
            if isPunctuation { words.append(scalars[index...index]) }
            start = index + 1
        }
        if start < scalars.count { words.append(scalars[start...]) }
        return words
    }
}

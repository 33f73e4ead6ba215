/// GPT-2's pre-tokenization regex, written out by hand over Unicode scalars:
///
///     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
///
/// Alternatives are tried in order and the first that matches wins (regex alternation, not
/// longest match). `\p{L}`/`\p{N}` are the Unicode general categories L* and N*, `\s` is the
/// White_Space property, as in the regex engines behind Hugging Face's `tokenizers`.
///
/// `splitDigits` is llama.cpp's "smollm" (also "starcoder", "refact", "command-r", "codeshell",
/// "exaone", "minerva") pre-tokenizer: the text is first cut around every single `\p{N}` scalar and
/// the GPT-2 regex then runs inside each part, so a digit is always a piece of its own, a space
/// never joins the digit after it, and a whitespace run before a digit is not shortened by
/// `\s+(?!\S)` (the part ends there).
enum GPT2PreTokenizer {
    /// The classes the pre-tokenizer regexes test: `\p{L}`, `\p{N}`, `\s`, anything else.
    enum Kind { case letter, number, whitespace, other }

    static func kind(of scalar: Unicode.Scalar) -> Kind {
        // ASCII fast path: most text is ASCII and property lookups are comparatively slow.
        if scalar.isASCII {
            switch scalar.value {
            case 0x41...0x5A, 0x61...0x7A: return .letter
            case 0x30...0x39: return .number
            case 0x09...0x0D, 0x20: return .whitespace
            default: return .other
            }
        }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }

    /// The pieces of `text`, in order; concatenated they give `text` back.
    static func split(_ text: String, splitDigits: Bool = false) -> [Substring.UnicodeScalarView] {
        let view = text.unicodeScalars
        let scalars = Array(view)
        let kinds = scalars.map(kind(of:))
        var indices = Array(view.indices)
        indices.append(view.endIndex)

        var pieces: [Substring.UnicodeScalarView] = []
        var start = 0
        while start < scalars.count {
            let end = splitDigits && kinds[start] == .number
                ? start + 1
                : matchEnd(scalars, kinds, from: start, splitDigits: splitDigits)
            pieces.append(view[indices[start]..<indices[end]])
            start = end
        }
        return pieces
    }

    /// End (exclusive) of the match starting at `start`; always past `start`.
    private static func matchEnd(_ s: [Unicode.Scalar], _ kinds: [Kind], from start: Int, splitDigits: Bool) -> Int {
        let count = s.count
        func run(of kind: Kind, from i: Int) -> Int {
            var j = i
            while j < count && kinds[j] == kind { j += 1 }
            return j
        }
        func runOfOther(from i: Int) -> Int {
            var j = i
            while j < count && kinds[j] == .other { j += 1 }
            return j
        }

        // 's 't 're 've 'm 'll 'd
        if s[start] == "'" && start + 1 < count {
            switch s[start + 1] {
            case "s", "t", "m", "d":
                return start + 2
            case "r", "v", "l":
                let third: Unicode.Scalar = s[start + 1] == "r" || s[start + 1] == "v" ? "e" : "l"
                if start + 2 < count && s[start + 2] == third { return start + 3 }
            default:
                break
            }
        }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional ASCII space, then a run.
        // With `splitDigits` a number ends the part, so a space before a digit stands alone.
        let body = s[start] == " " && start + 1 < count && kinds[start + 1] != .whitespace
            && !(splitDigits && kinds[start + 1] == .number) ? start + 1 : start
        switch kinds[body] {
        case .letter: return run(of: .letter, from: body)
        case .number: return run(of: .number, from: body)
        case .other: return runOfOther(from: body)
        case .whitespace: break
        }
        // `\s+(?!\S)`: the whitespace run, giving back its last character when a non-space follows
        // (so that character can lead the next word); `\s+` when the run is a single character.
        let end = run(of: .whitespace, from: start)
        let partEnds = end == count || (splitDigits && kinds[end] == .number)
        if !partEnds && end - start > 1 { return end - 1 }
        return end
    }
}

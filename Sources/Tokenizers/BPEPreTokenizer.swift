/// How byte-level BPE text is cut into pieces before merging, as llama.cpp does it for a GGUF's
/// `tokenizer.ggml.pre` (`llm_tokenizer_bpe` in llama-vocab.cpp, the splitters in unicode.cpp).
/// Each case is one llama.cpp regex family; the names mapping to it are llama.cpp's own.
enum BPEPreTokenizer: Sendable, Equatable {
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    case gpt2
    /// `\p{N}` first (every digit a piece), then GPT-2's regex in between (SmolLM, StarCoder).
    case digitsThenGPT2
    /// Llama 3: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`.
    case llama3
    /// Qwen 2: Llama 3's regex with `\p{N}` (single digits) for `\p{N}{1,3}`.
    case qwen2
    /// llama.cpp's fallback (`default`, or no `tokenizer.ggml.pre`): four regexes in turn,
    /// `[\p{P}\$\+<=>\^~\|]+`, GPT-2's, `\p{N}+`, `[0-9][0-9][0-9]`.
    case `default`

    /// llama.cpp's `tokenizer.ggml.pre` names for each family (`llama_vocab::impl::load`).
    /// Names llama.cpp maps to other regexes, or that set other options (`add_sep`, no BOS),
    /// are not listed: they are refused rather than tokenized differently.
    static let names: [String: BPEPreTokenizer] = {
        var names: [String: BPEPreTokenizer] = ["default": .default]
        for name in ["gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de", "a.x-4.0",
                     "mellum", "modern-bert", "exaone4", "mpt", "olmo", "jais", "trillion", "granite-docling"] {
            names[name] = .gpt2
        }
        for name in ["smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva-7b", "mellum2"] {
            names[name] = .digitsThenGPT2
        }
        for name in ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2",
                     "jina-v5-nano", "dbrx", "smaug-bpe"] {
            names[name] = .llama3
        }
        for name in ["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "stablelm2", "megrez", "hunyuan", "solar-open"] {
            names[name] = .qwen2
        }
        return names
    }()

    /// llama.cpp's `ignore_merges` and `add_bos` defaults, set by name for the Llama 3 family
    /// (not for `dbrx` / `smaug-bpe`, which share its regex only).
    static let llama3Names: Set<String> = ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral",
                                           "midm-2.0", "lfm2", "jina-v5-nano"]

    /// The pieces of `text`, in order; concatenated they give `text` back.
    func split(_ text: String) -> [Substring.UnicodeScalarView] {
        switch self {
        case .gpt2: return GPT2PreTokenizer.split(text)
        case .digitsThenGPT2: return GPT2PreTokenizer.split(text, splitDigits: true)
        case .llama3, .qwen2, .default: break
        }
        let view = text.unicodeScalars
        let scalars = Array(view)
        let kinds = scalars.map(GPT2PreTokenizer.kind(of:))
        let lengths = switch self {
        case .llama3: Self.llama3Lengths(scalars, kinds, digitGroup: 3)
        case .qwen2: Self.llama3Lengths(scalars, kinds, digitGroup: 1)
        default: Self.defaultLengths(scalars, kinds)
        }
        var pieces: [Substring.UnicodeScalarView] = []
        pieces.reserveCapacity(lengths.count)
        var start = view.startIndex
        for length in lengths {
            let end = view.index(start, offsetBy: length)
            pieces.append(view[start..<end])
            start = end
        }
        return pieces
    }

    /// llama.cpp's `unicode_regex_split_custom_llama3` (digitGroup 3) and `_qwen2` (1), ported
    /// branch for branch: the order of the tests is the regex's alternation order.
    static func llama3Lengths(_ s: [Unicode.Scalar], _ kinds: [GPT2PreTokenizer.Kind], digitGroup: Int) -> [Int] {
        let count = s.count
        var lengths: [Int] = []
        var pieceStart = 0
        func cut(_ end: Int) {
            if end > pieceStart { lengths.append(end - pieceStart) }
            pieceStart = end
        }
        func kind(_ i: Int) -> GPT2PreTokenizer.Kind? { i < count ? kinds[i] : nil }
        func isLineBreak(_ i: Int) -> Bool { i < count && (s[i] == "\r" || s[i] == "\n") }
        func lower(_ i: Int) -> Unicode.Scalar? {
            // Only ASCII letters lowercase to s, t, r, e, v, m, l or d.
            guard i < count else { return nil }
            let value = s[i].value
            return (0x41...0x5A).contains(value) ? Unicode.Scalar(value + 0x20) : s[i]
        }

        var pos = 0
        while pos < count {
            let scalar = s[pos], current = kinds[pos]

            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if scalar == "'" && pos + 1 < count {
                let next = lower(pos + 1)
                if next == "s" || next == "t" || next == "m" || next == "d" {
                    cut(pos + 2); pos += 2; continue
                }
                if pos + 2 < count {
                    let third = lower(pos + 2)
                    if (next == "r" && third == "e") || (next == "v" && third == "e") || (next == "l" && third == "l") {
                        cut(pos + 3); pos += 3; continue
                    }
                }
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(scalar == "\r" || scalar == "\n" || current == .number) {
                if current == .letter || kind(pos + 1) == .letter {
                    pos += 1
                    while kind(pos) == .letter { pos += 1 }
                    cut(pos); continue
                }
            }
            // \p{N}{1,3} (llama3) or \p{N} (qwen2)
            if current == .number {
                var groupStart = pos
                while kind(pos) == .number {
                    pos += 1
                    if pos - groupStart >= digitGroup { cut(pos); groupStart = pos }
                }
                cut(pos); continue
            }
            // <space>?[^\s\p{L}\p{N}]+[\r\n]*
            let afterSpace = scalar == " " ? kind(pos + 1) : current
            if afterSpace == .other || (scalar == " " && afterSpace == nil) {
                if scalar == " " { pos += 1 }
                while kind(pos) == .other { pos += 1 }
                while isLineBreak(pos) { pos += 1 }
                cut(pos); continue
            }
            // \s*[\r\n]+, \s+(?!\S), \s+
            var whitespace = 0
            var lastLineBreakEnd = 0
            while kind(pos + whitespace) == .whitespace {
                if isLineBreak(pos + whitespace) { lastLineBreakEnd = pos + whitespace + 1 }
                whitespace += 1
            }
            if lastLineBreakEnd > 0 {
                pos = lastLineBreakEnd; cut(pos); continue
            }
            if whitespace > 1 && pos + whitespace < count {
                pos += whitespace - 1; cut(pos); continue
            }
            if whitespace > 0 {
                pos += whitespace; cut(pos); continue
            }
            pos += 1
            cut(pos)
        }
        return lengths
    }

    /// llama.cpp's default pre-tokenizer: each regex cuts the pieces the previous ones left,
    /// the text between two matches being a piece of its own.
    static func defaultLengths(_ s: [Unicode.Scalar], _ kinds: [GPT2PreTokenizer.Kind]) -> [Int] {
        var segments = [0..<s.count]
        // [\p{P}\$\+<=>\^~\|]+ (llama.cpp runs it on text where every non-ASCII scalar stands for
        // its category, so only ASCII punctuation and non-ASCII P* that is not a space match).
        segments = segments.flatMap { runs(in: $0) { isPunctuationOrListedSymbol(s[$0], kind: kinds[$0]) } }
        // GPT-2's regex within each piece.
        segments = segments.flatMap { range -> [Range<Int>] in
            var text = String.UnicodeScalarView()
            text.append(contentsOf: s[range])
            var start = range.lowerBound
            return GPT2PreTokenizer.split(String(text)).map { piece in
                let length = piece.count
                defer { start += length }
                return start..<(start + length)
            }
        }
        // \p{N}+
        segments = segments.flatMap { runs(in: $0) { kinds[$0] == .number } }
        // [0-9][0-9][0-9]: leftmost groups of three ASCII digits.
        segments = segments.flatMap { range -> [Range<Int>] in
            var pieces: [Range<Int>] = []
            var gapStart = range.lowerBound, i = range.lowerBound
            func isDigit(_ i: Int) -> Bool { ("0"..."9").contains(s[i]) }
            while i + 3 <= range.upperBound {
                if isDigit(i) && isDigit(i + 1) && isDigit(i + 2) {
                    if gapStart < i { pieces.append(gapStart..<i) }
                    pieces.append(i..<(i + 3))
                    i += 3
                    gapStart = i
                } else {
                    i += 1
                }
            }
            if gapStart < range.upperBound { pieces.append(gapStart..<range.upperBound) }
            return pieces
        }
        return segments.map(\.count)
    }

    /// `range` cut into maximal runs of scalars that match and that do not.
    private static func runs(in range: Range<Int>, where matches: (Int) -> Bool) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = range.lowerBound
        while start < range.upperBound {
            let matching = matches(start)
            var end = start + 1
            while end < range.upperBound && matches(end) == matching { end += 1 }
            pieces.append(start..<end)
            start = end
        }
        return pieces
    }

    /// `[\p{P}\$\+<=>\^~\|]` as llama.cpp evaluates it: ASCII ``!"#%&'()*,-./:;?@[\]_{}`` and
    /// `$+<=>^~|` (not the backtick), or a non-ASCII punctuation scalar that is not whitespace.
    private static func isPunctuationOrListedSymbol(_ scalar: Unicode.Scalar, kind: GPT2PreTokenizer.Kind) -> Bool {
        if scalar.isASCII {
            return "!\"#%&'()*,-./:;?@[\\]_{}$+<=>^~|".unicodeScalars.contains(scalar)
        }
        guard kind != .whitespace else { return false }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}

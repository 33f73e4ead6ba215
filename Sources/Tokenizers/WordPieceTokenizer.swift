import FoundationEssentials

/// BERT's WordPiece, matching Hugging Face `BertTokenizerFast`: added tokens (`[CLS]`, `[MASK]`, …)
/// are cut out of the raw text, the rest is normalized (`BertNormalizer`), split on whitespace
/// and punctuation, and each word is cut greedily into the longest vocabulary pieces
/// (`##` marks a piece that continues a word). `encode` wraps the ids in `[CLS]` … `[SEP]`.
///
/// The `truncation` and `padding` sections of a `tokenizer.json` are not applied implicitly:
/// pass `maxLength` to `encode` / `encodeBatch` instead.
public struct WordPieceTokenizer: Tokenizer {
    private let vocabulary: [String: Int]
    private let tokens: [String?]
    private let addedTokens: AddedTokens
    private let normalizer: BertNormalizer
    private let continuingSubwordPrefix: String
    private let maxInputCharsPerWord: Int
    /// The longest vocabulary entry, in scalars: no candidate piece longer than this can match,
    /// which keeps a word's cost linear even when `max_input_chars_per_word` is huge.
    private let longestToken: Int
    public let unknownTokenID: Int
    public let classifierTokenID: Int
    public let separatorTokenID: Int
    public let paddingTokenID: Int
    /// The longest input the model accepts (`model_max_length`, 512 when not stated).
    public let modelMaxLength: Int

    /// Loads `vocab.txt` (one token per line, the id being the line number) and optionally
    /// `tokenizer_config.json` (`do_lower_case`, `strip_accents`, `tokenize_chinese_chars`,
    /// `model_max_length`, special token names).
    public init(vocabTXT: String, config configPath: String? = nil) throws(TokenizerError) {
        var config = TokenizerConfig()
        if let configPath {
            config = try TokenizerFileReader.decodeJSON(TokenizerConfig.self, from: configPath)
        }
        var vocabulary: [String: Int] = [:]
        let lines = TokenizerFileReader.lines(try TokenizerFileReader.readText(vocabTXT))
        // A final newline does not start another token.
        let tokenLines = lines.last == "" ? lines.dropLast() : lines[...]
        var tokens: [String?] = []
        for (id, line) in tokenLines.enumerated() {
            // Like Hugging Face: trailing whitespace is trimmed and a repeated token keeps its last id.
            let token = String(line.reversed().drop(while: \.isWhitespace).reversed())
            vocabulary[token] = id
            tokens.append(token)
        }
        guard !vocabulary.isEmpty else {
            throw .invalidFile(path: vocabTXT, reason: "the vocabulary is empty")
        }
        let names = config.specialTokenNames
        let specials = names.all.compactMap { name in vocabulary[name].map { (name, $0, true) } }
        try self.init(
            vocabulary: vocabulary, tokens: tokens, addedTokens: AddedTokens(specials),
            normalizer: BertNormalizer(
                cleanText: true, handleChineseChars: config.tokenizeChineseChars ?? true,
                stripAccents: config.stripAccents ?? (config.doLowerCase ?? true),
                lowercase: config.doLowerCase ?? true),
            prefix: "##", maxInputCharsPerWord: 100,
            names: names, modelMaxLength: config.modelMaxLength, path: vocabTXT)
    }

    /// Loads a Hugging Face `tokenizer.json` with a WordPiece model and a BertNormalizer.
    public init(tokenizerJSON path: String) throws(TokenizerError) {
        let file = try TokenizerFileReader.decodeJSON(TokenizerJSON.self, from: path)
        guard file.model.type == "WordPiece" else {
            throw .unsupported(path: path, reason: "model.type is \(file.model.type ?? "missing"), not WordPiece")
        }
        var normalizer = BertNormalizer(cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false)
        if let settings = file.normalizer, settings != .null {
            guard settings["type"]?.string == "BertNormalizer" else {
                throw .unsupported(path: path, reason: "normalizer \(settings["type"]?.string ?? "?"): only BertNormalizer is implemented")
            }
            let lowercase = settings["lowercase"]?.bool ?? true
            normalizer = BertNormalizer(
                cleanText: settings["clean_text"]?.bool ?? true,
                handleChineseChars: settings["handle_chinese_chars"]?.bool ?? true,
                stripAccents: settings["strip_accents"]?.bool ?? lowercase,
                lowercase: lowercase)
        }
        if let type = file.preTokenizer?["type"]?.string, type != "BertPreTokenizer" {
            throw .unsupported(path: path, reason: "pre_tokenizer \(type): only BertPreTokenizer is implemented")
        }
        let vocabulary = try file.vocabulary(path: path)
        var tokens = [String?](repeating: nil, count: (vocabulary.values.max() ?? -1) + 1)
        for (token, id) in vocabulary { tokens[id] = token }
        var names = SpecialTokenNames()
        names.unknown = file.model.unkToken ?? names.unknown
        if let processor = file.postProcessor {
            // BertProcessing: "cls": ["[CLS]", 101]; TemplateProcessing: special_tokens keyed by name.
            if let cls = processor["cls"]?.array?.first?.string { names.classifier = cls }
            if let sep = processor["sep"]?.array?.first?.string { names.separator = sep }
            if let template = processor["single"]?.array {
                let specials = template.compactMap { $0["SpecialToken"]?["id"]?.string }
                if specials.count == 2 { (names.classifier, names.separator) = (specials[0], specials[1]) }
            }
        }
        try self.init(
            vocabulary: vocabulary, tokens: tokens, addedTokens: AddedTokens(file.addedTokenList),
            normalizer: normalizer, prefix: file.model.continuingSubwordPrefix ?? "##",
            maxInputCharsPerWord: file.model.maxInputCharsPerWord ?? 100,
            names: names, modelMaxLength: nil, path: path)
    }

    private init(vocabulary: [String: Int], tokens: [String?], addedTokens: AddedTokens,
                 normalizer: BertNormalizer, prefix: String, maxInputCharsPerWord: Int,
                 names: SpecialTokenNames, modelMaxLength: Int?, path: String) throws(TokenizerError) {
        func id(_ name: String) throws(TokenizerError) -> Int {
            guard let id = addedTokens.id(of: name) ?? vocabulary[name] else {
                throw .invalidFile(path: path, reason: "the vocabulary has no \(name) token")
            }
            return id
        }
        self.vocabulary = vocabulary
        self.tokens = tokens
        self.addedTokens = addedTokens
        self.normalizer = normalizer
        continuingSubwordPrefix = prefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        longestToken = vocabulary.keys.lazy.map(\.unicodeScalars.count).max() ?? 0
        unknownTokenID = try id(names.unknown)
        classifierTokenID = try id(names.classifier)
        separatorTokenID = try id(names.separator)
        paddingTokenID = (try? id(names.padding)) ?? 0
        self.modelMaxLength = modelMaxLength ?? 512
    }

    public var vocabularySize: Int {
        max(tokens.count, (addedTokens.tokens.map(\.id).max() ?? -1) + 1)
    }

    public func id(of token: String) -> Int? {
        addedTokens.id(of: token) ?? vocabulary[token]
    }

    /// `[CLS]`, the ids of `text`, `[SEP]`.
    public func encode(_ text: String) -> [Int] {
        [classifierTokenID] + encodeWithoutSpecialTokens(text) + [separatorTokenID]
    }

    /// `[CLS]` … `[SEP]` with the text's ids cut so the whole is at most `maxLength` ids
    /// (`[CLS]` and `[SEP]` are always kept; `maxLength` below 2 is treated as 2).
    public func encode(_ text: String, maxLength: Int) -> [Int] {
        let body = encodeWithoutSpecialTokens(text).prefix(max(maxLength - 2, 0))
        return [classifierTokenID] + body + [separatorTokenID]
    }

    /// Encodes every text (truncated to `maxLength` when given) and pads them with `[PAD]` to the
    /// longest; the attention mask is 1 on real tokens and 0 on padding.
    public func encodeBatch(_ texts: [String], maxLength: Int? = nil) -> (ids: [[Int]], attentionMask: [[Int]]) {
        let encoded = texts.map { text in maxLength.map { encode(text, maxLength: $0) } ?? encode(text) }
        let longest = encoded.map(\.count).max() ?? 0
        let ids = encoded.map { $0 + Array(repeating: paddingTokenID, count: longest - $0.count) }
        let mask = encoded.map { Array(repeating: 1, count: $0.count) + Array(repeating: 0, count: longest - $0.count) }
        return (ids, mask)
    }

    public func encodeWithoutSpecialTokens(_ text: String) -> [Int] {
        var ids: [Int] = []
        for piece in addedTokens.split(text) {
            switch piece {
            case .token(let id):
                ids.append(id)
            case .text(let text):
                for word in BertPreTokenizer.split(normalizer.normalize(text)) {
                    ids.append(contentsOf: wordPieces(word))
                }
            }
        }
        return ids
    }

    /// Greedy longest-match-first; a word with a part no piece matches is `[UNK]` as a whole.
    private func wordPieces(_ word: ArraySlice<Unicode.Scalar>) -> [Int] {
        if word.count > maxInputCharsPerWord { return [unknownTokenID] }
        var ids: [Int] = []
        var start = word.startIndex
        while start < word.endIndex {
            var end = word.index(start, offsetBy: longestToken, limitedBy: word.endIndex) ?? word.endIndex
            var match: Int?
            while start < end {
                var candidate = start == word.startIndex ? "" : continuingSubwordPrefix
                candidate.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary[candidate] {
                    match = id
                    break
                }
                end -= 1
            }
            guard let match else { return [unknownTokenID] }
            ids.append(match)
            start = end
        }
        return ids
    }

    public func decode(_ ids: [Int]) -> String {
        decode(ids, skipSpecialTokens: true)
    }

    /// Tokens joined by spaces, `##` pieces glued to the previous one, and Hugging Face's
    /// `cleanup` (no space before `.`, `?`, `!`, `,`, and English contractions rejoined).
    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        var text = ""
        var first = true
        for id in ids {
            if let added = addedTokens.token(withID: id), added.isSpecial, skipSpecialTokens { continue }
            guard id >= 0, id < tokens.count, let token = tokens[id] ?? addedTokens.token(withID: id).map({ String(decoding: $0.content, as: UTF8.self) }) else { continue }
            if first {
                text += token
            } else if token.hasPrefix(continuingSubwordPrefix) {
                text += token.dropFirst(continuingSubwordPrefix.count)
            } else {
                text += " " + token
            }
            first = false
        }
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
                           (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re")] {
            text = text.replacing(from, with: to)
        }
        return text
    }
}

/// Names of BERT's special tokens.
struct SpecialTokenNames {
    var unknown = "[UNK]"
    var classifier = "[CLS]"
    var separator = "[SEP]"
    var padding = "[PAD]"
    var mask = "[MASK]"
    var all: [String] { [padding, unknown, classifier, separator, mask] }
}

/// The fields of `tokenizer_config.json` WordPiece uses.
struct TokenizerConfig: Decodable {
    var doLowerCase: Bool?
    var stripAccents: Bool?
    var tokenizeChineseChars: Bool?
    var modelMaxLength: Int?
    var unkToken: String?
    var clsToken: String?
    var sepToken: String?
    var padToken: String?
    var maskToken: String?

    init() {}

    enum CodingKeys: String, CodingKey {
        case doLowerCase = "do_lower_case", stripAccents = "strip_accents"
        case tokenizeChineseChars = "tokenize_chinese_chars", modelMaxLength = "model_max_length"
        case unkToken = "unk_token", clsToken = "cls_token", sepToken = "sep_token"
        case padToken = "pad_token", maskToken = "mask_token"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        doLowerCase = try container.decodeIfPresent(Bool.self, forKey: .doLowerCase)
        stripAccents = try container.decodeIfPresent(Bool.self, forKey: .stripAccents)
        tokenizeChineseChars = try container.decodeIfPresent(Bool.self, forKey: .tokenizeChineseChars)
        // Often written as a huge float (1e30) meaning "no limit".
        if let length = try container.decodeIfPresent(Double.self, forKey: .modelMaxLength) {
            modelMaxLength = length < Double(Int32.max) ? Int(length) : Int(Int32.max)
        }
        // Special tokens are either a string or {"content": "..."} (AddedToken).
        func name(_ key: CodingKeys) -> String? {
            if let value = try? container.decodeIfPresent(String.self, forKey: key) { return value }
            return (try? container.decodeIfPresent(JSONValue.self, forKey: key))??["content"]?.string
        }
        unkToken = name(.unkToken)
        clsToken = name(.clsToken)
        sepToken = name(.sepToken)
        padToken = name(.padToken)
        maskToken = name(.maskToken)
    }

    var specialTokenNames: SpecialTokenNames {
        var names = SpecialTokenNames()
        names.unknown = unkToken ?? names.unknown
        names.classifier = clsToken ?? names.classifier
        names.separator = sepToken ?? names.separator
        names.padding = padToken ?? names.padding
        names.mask = maskToken ?? names.mask
        return names
    }
}

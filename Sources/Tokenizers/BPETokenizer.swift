import FoundationEssentials

/// GPT-2's byte-level BPE, matching Hugging Face `tokenizers` id for id: added tokens such as
/// `<|endoftext|>` are cut out of the text first, the rest is split by GPT-2's regex, each piece's
/// UTF-8 bytes are spelled with the byte-level alphabet and merged by rank.
public struct BPETokenizer: Tokenizer {
    /// How added tokens are found in the text.
    enum AddedTokenMatching: Sendable {
        /// Hugging Face: leftmost match, the longest at a position.
        case leftmostLongest
        /// llama.cpp: the longest token first, every occurrence, then the next token.
        case longestFirst
    }

    private let model: BPEModel
    private let addedTokens: AddedTokens
    private var addedTokenMatching = AddedTokenMatching.leftmostLongest
    /// How text is cut before merging: GPT-2's regex for Hugging Face files; for GGUF files the
    /// one `tokenizer.ggml.pre` names.
    private var preTokenizer = BPEPreTokenizer.gpt2
    /// llama.cpp's `ignore_merges` (Llama 3): a piece that is itself a token is not merged.
    private var ignoresMerges = false

    /// The beginning-of-sequence id the file names, if any.
    public private(set) var bosTokenID: Int?
    /// The end-of-sequence id the file names, if any.
    public private(set) var eosTokenID: Int?
    /// Whether `encode` prepends `bosTokenID` (GGUF `tokenizer.ggml.add_bos_token`).
    public private(set) var addsBOS = false
    /// Whether `encode` appends `eosTokenID` (GGUF `tokenizer.ggml.add_eos_token`).
    public private(set) var addsEOS = false

    /// Loads `vocab.json` and `merges.txt` (the original GPT-2 files); `<|endoftext|>` is the
    /// special token when the vocabulary has it.
    public init(vocabJSON: String, merges mergesTXT: String) throws(TokenizerError) {
        let vocabulary = try TokenizerFileReader.decodeJSON([String: Int].self, from: vocabJSON)
        try VocabularyIDs.check(vocabulary, path: vocabJSON, field: "token")
        let merges = try Self.readMerges(mergesTXT)
        model = try BPEModel(vocabulary: vocabulary, merges: merges, path: mergesTXT)
        let special = "<|endoftext|>"
        addedTokens = AddedTokens(vocabulary[special].map { [(special, $0, true)] } ?? [])
    }

    /// Loads a Hugging Face `tokenizer.json` whose model is BPE with a ByteLevel pre-tokenizer.
    public init(tokenizerJSON path: String) throws(TokenizerError) {
        let file = try TokenizerFileReader.decodeJSON(TokenizerJSON.self, from: path)
        guard file.model.type == nil || file.model.type == "BPE" else {
            throw .unsupported(path: path, reason: "model.type is \(file.model.type ?? "?"), not BPE")
        }
        if let type = file.preTokenizer?["type"]?.string, type != "ByteLevel" {
            throw .unsupported(path: path, reason: "pre_tokenizer \(type): only ByteLevel (GPT-2) is implemented")
        }
        if let normalizer = file.normalizer, normalizer != .null {
            throw .unsupported(path: path, reason: "normalizers are not implemented for BPE")
        }
        if file.preTokenizer?["add_prefix_space"]?.bool == true {
            throw .unsupported(path: path, reason: "ByteLevel add_prefix_space=true is not implemented")
        }
        let vocabulary = try file.vocabulary(path: path)
        guard let merges = file.model.merges else {
            throw .invalidFile(path: path, reason: "model.merges is missing")
        }
        model = try BPEModel(vocabulary: vocabulary, extraTokens: file.addedTokenList.count,
                             merges: merges.map { ($0.left, $0.right) }, path: path, field: "model.vocab")
        addedTokens = AddedTokens(file.addedTokenList)
    }

    /// merges.txt: an optional `#version` header, then one `left right` pair per line, best first.
    private static func readMerges(_ path: String) throws(TokenizerError) -> [(String, String)] {
        var merges: [(String, String)] = []
        for (number, line) in TokenizerFileReader.lines(try TokenizerFileReader.readText(path)).enumerated() {
            if (number == 0 && line.hasPrefix("#version")) || line.isEmpty { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw .invalidFile(path: path, reason: "line \(number + 1) is not \"left right\": \(line.prefix(80))")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        return merges
    }

    public var vocabularySize: Int {
        max(model.tokens.count, (addedTokens.tokens.map(\.id).max() ?? -1) + 1)
    }

    /// The most bytes any one token stands for: a text of n bytes is at least n / this tokens.
    public var longestTokenBytes: Int {
        max(model.longestTokenBytes, addedTokens.tokens.map(\.content.count).max() ?? 0)
    }

    /// The id of a token spelled in the byte-level alphabet (`"Ġthe"`) or of an added token.
    public func id(of token: String) -> Int? {
        addedTokens.id(of: token) ?? model.vocabulary[token]
    }

    /// Internal memberwise initializer, for loaders in this module (GGUF).
    init(model: BPEModel, addedTokens: AddedTokens, addedTokenMatching: AddedTokenMatching,
         preTokenizer: BPEPreTokenizer, ignoresMerges: Bool,
         bosTokenID: Int?, eosTokenID: Int?, addsBOS: Bool, addsEOS: Bool) {
        self.model = model
        self.addedTokens = addedTokens
        self.addedTokenMatching = addedTokenMatching
        self.preTokenizer = preTokenizer
        self.ignoresMerges = ignoresMerges
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
        self.addsBOS = addsBOS
        self.addsEOS = addsEOS
    }

    public func encode(_ text: String) -> [Int] {
        encode(text, addSpecial: true, parseSpecial: true)
    }

    /// `addSpecial`: prepend `bosTokenID` when `addsBOS`, append `eosTokenID` when `addsEOS`
    /// (llama.cpp's `add_special`).
    /// `parseSpecial`: recognise special (control) tokens written in the text; when false only
    /// tokens not marked special are (llama.cpp's `--no-parse-special`; for Hugging Face files,
    /// `split_special_tokens=True`).
    public func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int] {
        var ids: [Int] = []
        if addSpecial, addsBOS, let bosTokenID { ids.append(bosTokenID) }
        let pieces = switch addedTokenMatching {
        case .leftmostLongest: addedTokens.split(text, includeSpecial: parseSpecial)
        case .longestFirst: addedTokens.splitLongestFirst(text, includeSpecial: parseSpecial)
        }
        for piece in pieces {
            switch piece {
            case .token(let id):
                ids.append(id)
            case .text(let text):
                for word in preTokenizer.split(text) {
                    if ignoresMerges, let id = model.vocabulary[ByteLevelAlphabet.spelling(word)] {
                        ids.append(id)
                    } else {
                        ids.append(contentsOf: model.encode(word))
                    }
                }
            }
        }
        if addSpecial, addsEOS, let eosTokenID { ids.append(eosTokenID) }
        return ids
    }

    /// Encodes raw bytes that may not be valid UTF-8: each invalid sequence becomes U+FFFD first,
    /// one per maximal invalid subpart — the same text as Python's
    /// `bytes.decode("utf-8", errors="replace")` — and that text is encoded.
    public func encode(bytes: [UInt8]) -> [Int] {
        encode(String(decoding: bytes, as: UTF8.self))
    }

    public func decode(_ ids: [Int]) -> String {
        decode(ids, skipSpecialTokens: false)
    }

    /// Ids → bytes → UTF-8; invalid byte sequences (a character cut between ids) become U+FFFD.
    /// `skipSpecialTokens` drops added tokens marked special, as Hugging Face's `decode` does by
    /// default; it is off here so that `decode(encode(text)) == text`.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if skipSpecialTokens, addedTokens.token(withID: id)?.isSpecial == true { continue }
            bytes.append(contentsOf: self.bytes(of: id))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes a single id stands for; empty for ids outside the vocabulary.
    public func bytes(of id: Int) -> [UInt8] {
        if let added = addedTokens.token(withID: id) { return added.content }
        guard id >= 0, id < model.tokens.count, let token = model.tokens[id] else { return [] }
        return ByteLevelAlphabet.bytes(ofToken: token)
    }
}

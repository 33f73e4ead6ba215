import Formats

/// SentencePiece as llama.cpp runs it from GGUF metadata (`tokenizer.ggml.model = "llama"`:
/// Gemma, Mistral, Llama 2, TinyLlama), id for id with `llama-tokenize`:
///
/// 1. Control, unknown and user-defined tokens are cut out of the text first, longest first
///    (llama.cpp's `tokenizer_st_partition`); control and unknown ones only with parse-special on.
/// 2. Each remaining piece gets a leading space when `add_space_prefix` is set and it follows a
///    special token or starts the text; every space becomes `▁` (U+2581).
/// 3. The piece is split into characters and adjacent symbols are merged, the pair whose merged
///    text is the highest-scoring token first (leftmost on ties), until no pair is a token
///    (`llm_tokenizer_spm_session`).
/// 4. A symbol that is no token is spelled as byte tokens `<0xNN>` (byte fallback).
///
/// BOS/EOS are added as `tokenizer.ggml.add_bos_token` / `add_eos_token` say (llama.cpp's
/// defaults for SentencePiece: BOS yes, EOS no).
public struct SentencePieceTokenizer: LanguageModelTokenizer {
    /// Each id's text as stored (empty tokens renamed `[EMPTY_<id>]`, as llama.cpp does).
    private let pieces: [[UInt8]]
    private let scores: [Float]
    private let attributes: [GGUFTokenAttributes]
    /// Text → id; a text stored twice maps to its last id (llama.cpp's `token_to_id`). Keyed by
    /// bytes: Swift `String` equality is canonical equivalence, which would merge tokens that
    /// differ only in Unicode normalization.
    private let vocabulary: [[UInt8]: Int]
    /// The token of each byte for byte fallback: `<0xNN>`, else the byte itself as a token.
    private let byteTokenIDs: [Int?]
    private let addedTokens: AddedTokens
    /// Tokens after which llama.cpp strips the whitespace that follows in the text (its
    /// `LLAMA_TOKEN_ATTR_RSTRIP`, which it sets by model name for Phi-3 only).
    private let rightStrippingIDs: Set<Int>
    /// The longest token in bytes: a longer pair can never merge, so it is not looked up.
    private let longestPiece: Int

    public let bosTokenID: Int?
    public let eosTokenID: Int?
    public let unknownTokenID: Int?
    public let addsBOS: Bool
    public let addsEOS: Bool
    /// `tokenizer.ggml.add_space_prefix` (llama.cpp's default for SentencePiece: true; Gemma 3's
    /// file says false).
    public let addsSpacePrefix: Bool

    /// The tokenizer of a GGUF file whose `tokenizer.ggml.model` is `"llama"`.
    public init(gguf: GGUFFile) throws(TokenizerError) {
        try self.init(GGUFTokenizerMetadata(path: gguf.path, metadata: gguf.metadata))
    }

    init(_ file: GGUFTokenizerMetadata) throws(TokenizerError) {
        guard file.model == "llama" else {
            throw .unsupported(path: file.path, reason: "tokenizer.ggml.model is \"\(file.model)\", not \"llama\" (SentencePiece)")
        }
        pieces = file.tokens.map { Array($0.utf8) }
        scores = try file.scores()
        attributes = file.attributes
        var vocabulary: [[UInt8]: Int] = [:]
        vocabulary.reserveCapacity(pieces.count)
        for (id, piece) in pieces.enumerated() { vocabulary[piece] = id }
        self.vocabulary = vocabulary
        longestPiece = pieces.map(\.count).max() ?? 0
        byteTokenIDs = (0...255).map { (byte: Int) -> Int? in
            let hex = Array("0123456789ABCDEF".utf8)
            let name: [UInt8] = Array("<0x".utf8) + [hex[byte >> 4], hex[byte & 15]] + Array(">".utf8)
            return vocabulary[name] ?? vocabulary[[UInt8(byte)]]
        }
        addedTokens = file.addedTokens()
        rightStrippingIDs = try Self.rightStrippingIDs(file, vocabulary: vocabulary)

        // llama.cpp's defaults for "llama" files: BOS 1, EOS 2, UNK 0; BOS added, EOS not.
        let special = try file.specialTokens(defaultBOSID: 1, defaultEOSID: 2, addsBOSByDefault: true)
        (bosTokenID, eosTokenID, addsBOS, addsEOS) = special
        unknownTokenID = try file.tokenID("tokenizer.ggml.unknown_token_id") ?? (pieces.isEmpty ? nil : 0)
        addsSpacePrefix = try file.bool("tokenizer.ggml.add_space_prefix") ?? true
    }

    public var vocabularySize: Int { pieces.count }

    /// UTF-8 bytes of the longest piece: "▁" is three bytes for one space, so this overstates
    /// what a token covers, which only makes the prompt bound looser.
    public var longestTokenBytes: Int { pieces.map(\.count).max() ?? 0 }

    public func id(of token: String) -> Int? {
        vocabulary[Array(token.utf8)]
    }

    public func encode(_ text: String) -> [Int] {
        encode(text, addSpecial: true, parseSpecial: true)
    }

    public func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int] {
        var ids: [Int] = []
        if addSpecial, addsBOS, let bosTokenID { ids.append(bosTokenID) }
        // The first piece counts as following a special token: it gets the space prefix too.
        var followsSpecial = true
        if !text.isEmpty {
            for piece in addedTokens.splitLongestFirst(text, includeSpecial: parseSpecial, rightStripping: rightStrippingIDs) {
                switch piece {
                case .token(let id):
                    ids.append(id)
                    followsSpecial = true
                case .text(let text):
                    guard !text.isEmpty else { continue }
                    let spaced = addsSpacePrefix && followsSpecial ? " " + text : text
                    appendIDs(of: Self.escapingSpaces(spaced), to: &ids)
                    followsSpecial = false
                }
            }
        }
        if addSpecial, addsEOS, let eosTokenID { ids.append(eosTokenID) }
        return ids
    }

    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for (index, id) in ids.enumerated() {
            var piece = self.bytes(of: id)[...]
            // llama.cpp's detokenize drops the space that add_space_prefix put before the first
            // token's text (only the first token's, and only one space).
            if index == 0, addsSpacePrefix, piece.first == UInt8(ascii: " ") { piece = piece.dropFirst() }
            bytes.append(contentsOf: piece)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// llama.cpp's `token_to_piece` with special tokens rendered: control, unknown and
    /// user-defined tokens as their text, normal ones with `▁` as a space, byte tokens as their
    /// byte; unused and undefined tokens as nothing.
    public func bytes(of id: Int) -> [UInt8] {
        guard id >= 0, id < pieces.count else { return [] }
        let piece = pieces[id], attributes = attributes[id]
        if attributes.isMatchedInText { return piece }
        if attributes.contains(.normal) { return Self.unescapingSpaces(piece) }
        if attributes.contains(.byte) { return [Self.byteValue(ofByteToken: piece)] }
        return []
    }

    /// llama.cpp's per-model token attributes (end of `llama_vocab::impl::load`): for a model
    /// whose `general.name` contains "phi-3" or "phi3", every control, user-defined and unknown
    /// token and `</s>` strip the whitespace after them, except `<unk>`, `<s>`, `<|endoftext|>`.
    private static func rightStrippingIDs(_ file: GGUFTokenizerMetadata, vocabulary: [[UInt8]: Int]) throws(TokenizerError) -> Set<Int> {
        let name = (try file.string("general.name") ?? "").lowercased()
        guard name.contains("phi-3") || name.contains("phi3") else { return [] }
        var ids = Set(file.attributes.indices.filter { file.attributes[$0].isMatchedInText })
        if let id = vocabulary[Array("</s>".utf8)] { ids.insert(id) }
        for token in ["<unk>", "<s>", "<|endoftext|>"] {
            if let id = vocabulary[Array(token.utf8)] { ids.remove(id) }
        }
        return ids
    }

    // MARK: - Merging

    private struct Symbol {
        /// Byte range in the piece being tokenized; `length` 0 once merged into its left neighbour.
        var start: Int
        var length: Int
        var previous: Int
        var next: Int
    }

    private struct Bigram {
        let left: Int
        let right: Int
        let score: Float
        let size: Int

        /// Pops first: the higher score, then the leftmost (llama.cpp's `llm_bigram_spm::comparator`).
        func outranks(_ other: Bigram) -> Bool {
            score > other.score || (score == other.score && left < other.left)
        }
    }

    /// A binary max-heap of bigrams by `outranks`.
    private struct BigramQueue {
        private var heap: [Bigram] = []

        mutating func push(_ bigram: Bigram) {
            heap.append(bigram)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child].outranks(heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        mutating func pop() -> Bigram? {
            guard let top = heap.first else { return nil }
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var best = parent
                    if left < heap.count, heap[left].outranks(heap[best]) { best = left }
                    if right < heap.count, heap[right].outranks(heap[best]) { best = right }
                    if best == parent { break }
                    heap.swapAt(parent, best)
                    parent = best
                }
            }
            return top
        }
    }

    /// `llm_tokenizer_spm_session::tokenize` on one piece (spaces already `▁`).
    private func appendIDs(of text: [UInt8], to ids: inout [Int]) {
        var symbols: [Symbol] = []
        var offset = 0
        while offset < text.count {
            let length = min(Self.utf8Length(lead: text[offset]), text.count - offset)
            symbols.append(Symbol(start: offset, length: length, previous: symbols.count - 1,
                                  next: offset + length == text.count ? -1 : symbols.count + 1))
            offset += length
        }
        guard !symbols.isEmpty else { return }

        var queue = BigramQueue()
        func tryAddBigram(_ left: Int, _ right: Int) {
            guard left >= 0, right >= 0 else { return }
            let start = symbols[left].start
            let size = symbols[left].length + symbols[right].length
            guard size <= longestPiece, let id = vocabulary[Array(text[start..<(start + size)])] else { return }
            queue.push(Bigram(left: left, right: right, score: scores[id], size: size))
        }
        for index in symbols.indices.dropFirst() { tryAddBigram(index - 1, index) }

        while let bigram = queue.pop() {
            let left = symbols[bigram.left], right = symbols[bigram.right]
            // Stale: one side was merged away or grew since the pair was queued.
            if left.length == 0 || right.length == 0 || left.length + right.length != bigram.size { continue }
            symbols[bigram.left].length += right.length
            symbols[bigram.right].length = 0
            symbols[bigram.left].next = right.next
            if right.next >= 0 { symbols[right.next].previous = bigram.left }
            tryAddBigram(symbols[bigram.left].previous, bigram.left)
            tryAddBigram(bigram.left, symbols[bigram.left].next)
        }

        var index = 0
        while index != -1 {
            let symbol = symbols[index]
            let bytes = text[symbol.start..<(symbol.start + symbol.length)]
            // Every merged symbol is a token; a single character may not be: spell its bytes.
            if let id = vocabulary[Array(bytes)] {
                ids.append(id)
            } else {
                for byte in bytes {
                    // llama.cpp aborts when a byte has no token; the unknown token stands in here.
                    if let id = byteTokenIDs[Int(byte)] ?? unknownTokenID { ids.append(id) }
                }
            }
            index = symbol.next
        }
    }

    // MARK: - Bytes

    private static let spaceMarker: [UInt8] = Array("\u{2581}".utf8)

    /// llama.cpp's `llama_escape_whitespace`: every ASCII space becomes `▁`.
    static func escapingSpaces(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") { bytes += spaceMarker } else { bytes.append(byte) }
        }
        return bytes
    }

    /// `▁` back to a space.
    static func unescapingSpaces(_ piece: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(piece.count)
        var index = 0
        while index < piece.count {
            if index + 3 <= piece.count, piece[index] == 0xE2, piece[index + 1] == 0x96, piece[index + 2] == 0x81 {
                bytes.append(UInt8(ascii: " "))
                index += 3
            } else {
                bytes.append(piece[index])
                index += 1
            }
        }
        return bytes
    }

    /// `<0xNN>` → NN, read as llama.cpp does (`strtol` of the two characters after `<0x`).
    static func byteValue(ofByteToken piece: [UInt8]) -> UInt8 {
        var value = 0
        for character in piece.dropFirst(3).prefix(2) {
            guard let digit = Int(String(UnicodeScalar(character)), radix: 16) else { break }
            value = value * 16 + digit
        }
        return UInt8(value)
    }

    /// llama.cpp's `unicode_len_utf8`: the sequence length a lead byte announces (1 for
    /// continuation and invalid bytes).
    static func utf8Length(lead: UInt8) -> Int {
        switch lead >> 4 {
        case 0xC, 0xD: 2
        case 0xE: 3
        case 0xF: 4
        default: 1
        }
    }
}

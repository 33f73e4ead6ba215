import Formats

extension BPETokenizer {
    /// GGUF `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`).
    enum GGUFTokenType: Int {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// llama.cpp pre-tokenizer names (`tokenizer.ggml.pre`) whose regexes are GPT-2's alone.
    static let ggufGPT2PreTokenizers: Set<String> = ["gpt2", "mpt", "olmo", "jais"]
    /// Names whose regexes are `\p{N}` then GPT-2's: single digits are split off first.
    static let ggufDigitSplittingPreTokenizers: Set<String> = [
        "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone", "minerva",
    ]

    /// The tokenizer stored in a GGUF file's metadata, matching llama.cpp's `llama-tokenize` id for
    /// id. Only `tokenizer.ggml.model = "gpt2"` (byte-level BPE) with a GPT-2-style pre-tokenizer
    /// (see `ggufGPT2PreTokenizers`, `ggufDigitSplittingPreTokenizers`) is implemented.
    ///
    /// Tokens typed control (3) or unknown (2) are matched in the text when `parseSpecial` is on
    /// (the default, as in llama.cpp); user-defined ones (4) always are. Matching follows llama.cpp:
    /// longest token first, not Hugging Face's leftmost match.
    public init(gguf: GGUFFile) throws(TokenizerError) {
        let path = gguf.path
        let metadata = gguf.metadata

        func string(_ key: String) throws(TokenizerError) -> String? {
            guard let value = metadata[key] else { return nil }
            guard let string = value.string else {
                throw .invalidFile(path: path, reason: "\(key) must be a string, found \(value.type)")
            }
            return string
        }
        func strings(_ key: String) throws(TokenizerError) -> [String] {
            guard let value = metadata[key] else { throw .invalidFile(path: path, reason: "\(key) is missing") }
            guard case .array(.string, let values) = value else {
                throw .invalidFile(path: path, reason: "\(key) must be an array of strings")
            }
            return values.map { $0.string ?? "" }
        }
        func int(_ key: String) throws(TokenizerError) -> Int? {
            guard let value = metadata[key] else { return nil }
            guard let int = value.int else {
                throw .invalidFile(path: path, reason: "\(key) must be an integer, found \(value.type)")
            }
            return int
        }

        guard let model = try string("tokenizer.ggml.model") else {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.model is missing")
        }
        guard model == "gpt2" else {
            throw .unsupported(path: path, reason: "tokenizer.ggml.model is \"\(model)\"; only \"gpt2\" (byte-level BPE) is implemented")
        }
        let pre = try string("tokenizer.ggml.pre") ?? "default"
        let splitsDigits: Bool
        if Self.ggufGPT2PreTokenizers.contains(pre) {
            splitsDigits = false
        } else if Self.ggufDigitSplittingPreTokenizers.contains(pre) {
            splitsDigits = true
        } else {
            throw .unsupported(path: path, reason: "tokenizer.ggml.pre is \"\(pre)\"; implemented: "
                + (Self.ggufGPT2PreTokenizers.union(Self.ggufDigitSplittingPreTokenizers)).sorted().joined(separator: ", "))
        }

        let tokens = try strings("tokenizer.ggml.tokens")
        var merges: [(String, String)] = []
        let mergeLines = try strings("tokenizer.ggml.merges")
        merges.reserveCapacity(mergeLines.count)
        for (index, line) in mergeLines.enumerated() {
            // llama.cpp splits at the first space after the first character.
            let scalars = Array(line.unicodeScalars)
            guard scalars.count >= 3, let space = scalars.dropFirst().firstIndex(of: " ") else {
                throw .invalidFile(path: path, reason: "tokenizer.ggml.merges[\(index)] is not \"left right\": \(line.prefix(80))")
            }
            var left = String.UnicodeScalarView(), right = String.UnicodeScalarView()
            left.append(contentsOf: scalars[..<space])
            right.append(contentsOf: scalars[(space + 1)...])
            merges.append((String(left), String(right)))
        }

        var types = [Int](repeating: GGUFTokenType.normal.rawValue, count: tokens.count)
        if let value = metadata["tokenizer.ggml.token_type"] {
            guard let values = value.array, values.count == tokens.count else {
                throw .invalidFile(path: path, reason: "tokenizer.ggml.token_type must be an integer array of \(tokens.count) entries, one per token")
            }
            for (id, value) in values.enumerated() {
                guard let type = value.int else {
                    throw .invalidFile(path: path, reason: "tokenizer.ggml.token_type[\(id)] is not an integer")
                }
                types[id] = type
            }
        }
        var added: [(content: String, id: Int, isSpecial: Bool)] = []
        for (id, type) in types.enumerated() {
            switch GGUFTokenType(rawValue: type) {
            case .control, .unknown: added.append((tokens[id], id, true))
            case .userDefined: added.append((tokens[id], id, false))
            default: break
            }
        }

        func tokenID(_ key: String) throws(TokenizerError) -> Int? {
            guard let id = try int(key) else { return nil }
            guard id >= 0, id < tokens.count else {
                throw .invalidFile(path: path, reason: "\(key) = \(id) is outside the vocabulary of \(tokens.count) tokens")
            }
            return id
        }
        let bos = try tokenID("tokenizer.ggml.bos_token_id")
        let eos = try tokenID("tokenizer.ggml.eos_token_id")
        var addsBOS = false
        if let value = metadata["tokenizer.ggml.add_bos_token"] {
            guard let flag = value.bool else {
                throw .invalidFile(path: path, reason: "tokenizer.ggml.add_bos_token must be a bool, found \(value.type)")
            }
            addsBOS = flag
        }
        if addsBOS && bos == nil {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.add_bos_token is true but tokenizer.ggml.bos_token_id is missing")
        }

        self.init(model: try BPEModel(tokens: tokens, merges: merges, path: path),
                  addedTokens: AddedTokens(added), addedTokenMatching: .longestFirst,
                  splitsDigits: splitsDigits, bosTokenID: bos, eosTokenID: eos, addsBOS: addsBOS)
    }
}

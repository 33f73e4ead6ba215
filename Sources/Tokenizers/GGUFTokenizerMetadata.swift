import Formats

/// GGUF `tokenizer.ggml.token_type` values (llama.cpp's `llama_token_type`).
enum GGUFTokenType: Int {
    case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
}

/// The `tokenizer.ggml.*` keys of a GGUF file, read and checked once for every tokenizer kind.
/// Each error names the file and the key.
struct GGUFTokenizerMetadata {
    let path: String
    let metadata: [String: GGUFValue]
    /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE), "llama" (SentencePiece), ...
    let model: String
    /// `tokenizer.ggml.tokens`, the text of each id (an empty one renamed `[EMPTY_<id>]`).
    let tokens: [String]
    /// `tokenizer.ggml.token_type`, one per token; all `normal` when the key is absent.
    let types: [Int]
    /// The types with llama.cpp's overrides by token text applied (`GGUFTokenAttributes.resolve`).
    let attributes: [GGUFTokenAttributes]

    init(path: String, metadata: [String: GGUFValue]) throws(TokenizerError) {
        self.path = path
        self.metadata = metadata
        guard let value = metadata["tokenizer.ggml.model"] else {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.model is missing")
        }
        guard let model = value.string else {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.model must be a string, found \(value.type)")
        }
        self.model = model
        guard let tokenValue = metadata["tokenizer.ggml.tokens"] else {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.tokens is missing")
        }
        guard case .array(.string, let tokenValues) = tokenValue else {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.tokens must be an array of strings")
        }
        // llama.cpp renames empty tokens, so no two are the same empty text.
        tokens = tokenValues.enumerated().map { id, value in
            let token = value.string ?? ""
            return token.isEmpty ? "[EMPTY_\(id)]" : token
        }

        var types = [Int](repeating: GGUFTokenType.normal.rawValue, count: tokens.count)
        if let value = metadata["tokenizer.ggml.token_type"] {
            guard let values = value.array, values.count >= tokens.count else {
                throw .invalidFile(path: path, reason: "tokenizer.ggml.token_type must be an integer array of \(tokens.count) entries, one per token")
            }
            for id in types.indices {
                guard let type = values[id].int else {
                    throw .invalidFile(path: path, reason: "tokenizer.ggml.token_type[\(id)] is not an integer")
                }
                types[id] = type
            }
        }
        self.types = types
        attributes = GGUFTokenAttributes.resolve(tokens: tokens, types: types, keys: Set(metadata.keys))
    }

    func string(_ key: String) throws(TokenizerError) -> String? {
        guard let value = metadata[key] else { return nil }
        guard let string = value.string else {
            throw .invalidFile(path: path, reason: "\(key) must be a string, found \(value.type)")
        }
        return string
    }

    func bool(_ key: String) throws(TokenizerError) -> Bool? {
        guard let value = metadata[key] else { return nil }
        guard let flag = value.bool else {
            throw .invalidFile(path: path, reason: "\(key) must be a bool, found \(value.type)")
        }
        return flag
    }

    /// A token id key; nil when absent. An id outside the vocabulary is an error (llama.cpp
    /// warns and keeps its default; a file that names a token it lacks is broken).
    func tokenID(_ key: String) throws(TokenizerError) -> Int? {
        guard let value = metadata[key] else { return nil }
        guard let id = value.int else {
            throw .invalidFile(path: path, reason: "\(key) must be an integer, found \(value.type)")
        }
        guard id >= 0, id < tokens.count else {
            throw .invalidFile(path: path, reason: "\(key) = \(id) is outside the vocabulary of \(tokens.count) tokens")
        }
        return id
    }

    /// `tokenizer.ggml.scores` as floats (llama.cpp also takes i32); zeros when absent.
    func scores() throws(TokenizerError) -> [Float] {
        guard let value = metadata["tokenizer.ggml.scores"] else {
            return [Float](repeating: 0, count: tokens.count)
        }
        guard case .array(let elementType, let values) = value, elementType == .float32 || elementType == .int32,
              values.count >= tokens.count else {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.scores must be an f32 or i32 array of at least \(tokens.count) entries, one per token")
        }
        return values.prefix(tokens.count).map { value in
            if case .float32(let score) = value { return score }
            return Float(value.int ?? 0)
        }
    }

    /// The tokens cut out of the text before tokenization, as llama.cpp's special-token cache
    /// holds them: control and unknown tokens (special: matched only with parse-special on) and
    /// user-defined ones (always matched), after llama.cpp's overrides (a user-defined `</s>`
    /// is made control, for one).
    func addedTokens() -> AddedTokens {
        var added: [(content: String, id: Int, isSpecial: Bool)] = []
        for (id, attributes) in attributes.enumerated() where attributes.isMatchedInText {
            added.append((tokens[id], id, attributes.isSpecial))
        }
        return AddedTokens(added)
    }

    /// BOS/EOS ids and flags: the file's `bos_token_id`, `eos_token_id`, `add_bos_token`,
    /// `add_eos_token` where present, else the tokenizer kind's llama.cpp defaults (a default id
    /// outside the vocabulary is none, as in llama.cpp). A flag set without its id is an error.
    func specialTokens(defaultBOSID: Int? = nil, defaultEOSID: Int? = nil, addsBOSByDefault: Bool,
                       addsEOSByDefault: Bool = false) throws(TokenizerError)
        -> (bos: Int?, eos: Int?, addsBOS: Bool, addsEOS: Bool) {
        func inVocabulary(_ id: Int?) -> Int? { id.flatMap { $0 < tokens.count ? $0 : nil } }
        let bos = try tokenID("tokenizer.ggml.bos_token_id") ?? inVocabulary(defaultBOSID)
        let eos = try tokenID("tokenizer.ggml.eos_token_id") ?? inVocabulary(defaultEOSID)
        let addsBOS = try bool("tokenizer.ggml.add_bos_token") ?? addsBOSByDefault
        let addsEOS = try bool("tokenizer.ggml.add_eos_token") ?? addsEOSByDefault
        if addsBOS && bos == nil {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.add_bos_token is true but tokenizer.ggml.bos_token_id is missing")
        }
        if addsEOS && eos == nil {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.add_eos_token is true but tokenizer.ggml.eos_token_id is missing")
        }
        return (bos, eos, addsBOS, addsEOS)
    }
}

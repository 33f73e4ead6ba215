/// What llama.cpp knows about each token (`llama_token_attr`): the GGUF token type, then the
/// overrides `llama_vocab::impl::load` applies by token text. Those overrides change tokenization:
/// a token made control is matched in text only with parse-special on.
struct GGUFTokenAttributes: OptionSet {
    let rawValue: UInt8
    static let normal = Self(rawValue: 1 << 0)
    static let unknown = Self(rawValue: 1 << 1)
    static let control = Self(rawValue: 1 << 2)
    static let userDefined = Self(rawValue: 1 << 3)
    static let unused = Self(rawValue: 1 << 4)
    static let byte = Self(rawValue: 1 << 5)

    /// Cut out of the text before tokenization (llama.cpp's special-token cache).
    var isMatchedInText: Bool { !isDisjoint(with: [.control, .userDefined, .unknown]) }
    /// Matched only with parse-special on.
    var isSpecial: Bool { !isDisjoint(with: [.control, .unknown]) }

    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// From a `tokenizer.ggml.token_type` value; unknown values are "undefined" (no attribute).
    init(type: Int) {
        switch GGUFTokenType(rawValue: type) {
        case .normal: self = .normal
        case .unknown: self = .unknown
        case .control: self = .control
        case .userDefined: self = .userDefined
        case .unused: self = .unused
        case .byte: self = .byte
        case .undefined, nil: self = []
        }
    }

    /// Texts llama.cpp makes end-of-generation tokens, forcing them to control if they are not.
    static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
        "<｜end▁of▁sentence｜>", "[e~[",
    ]

    /// Fill-in-the-middle texts llama.cpp forces to control when the file names no id for that
    /// role (key → texts). llama.cpp takes the first match of its hash-map walk; all are taken here.
    static let fillInTheMiddleTexts: [(keys: [String], texts: [String])] = [
        (["tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.prefix_token_id"],
         ["<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"]),
        (["tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.suffix_token_id"],
         ["<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"]),
        (["tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.middle_token_id"],
         ["<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"]),
        (["tokenizer.ggml.fim_pad_token_id"], ["<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"]),
        (["tokenizer.ggml.fim_rep_token_id"], ["<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"]),
        (["tokenizer.ggml.fim_sep_token_id"], ["<|file_sep|>"]),
    ]

    /// Each token's attributes after llama.cpp's overrides by text, in its order.
    static func resolve(tokens: [String], types: [Int], keys: Set<String>) -> [GGUFTokenAttributes] {
        var attributes = types.map(GGUFTokenAttributes.init(type:))
        var idsByText: [String: [Int]] = [:]
        let watched = endOfGenerationTexts.union(fillInTheMiddleTexts.flatMap(\.texts))
            .union(["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"])
        for (id, token) in tokens.enumerated() where watched.contains(token) { idsByText[token, default: []].append(id) }
        // token_to_id keeps the last id of a repeated text.
        func id(_ text: String) -> Int? { idsByText[text]?.last }

        for (keyNames, texts) in fillInTheMiddleTexts where keyNames.allSatisfy({ !keys.contains($0) }) {
            for text in texts { if let id = id(text) { attributes[id].insert(.control) } }
        }
        var endOfGeneration = Set<String>()
        for text in endOfGenerationTexts { if let id = id(text) { attributes[id].insert(.control); endOfGeneration.insert(text) } }
        // gpt-oss: these are always rendered, never control.
        for text in ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"] {
            if let id = id(text) { attributes[id] = .userDefined }
        }
        // o200k_harmony / solar-open: "<|end|>" is no end of generation there.
        let hasCall = endOfGeneration.contains("<|call|>") || endOfGeneration.contains("<|calls|>")
        if endOfGeneration.contains("<|end|>"),
           (endOfGeneration.contains("<|return|>") && hasCall) || (hasCall && endOfGeneration.contains("<|flush|>")),
           let end = id("<|end|>") {
            attributes[end] = .userDefined
        }
        return attributes
    }
}

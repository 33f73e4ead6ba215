import Formats

extension BPETokenizer {
    /// The tokenizer stored in a GGUF file's metadata, matching llama.cpp's `llama-tokenize` id for
    /// id: `tokenizer.ggml.model = "gpt2"` (byte-level BPE) with one of the pre-tokenizers
    /// `BPEPreTokenizer.names` lists (`tokenizer.ggml.pre`; absent means llama.cpp's "default").
    /// An unknown pre-tokenizer is refused, as llama.cpp refuses it.
    ///
    /// Tokens typed control (3) or unknown (2) are matched in the text when `parseSpecial` is on
    /// (the default, as in llama.cpp); user-defined ones (4) always are. Matching follows llama.cpp:
    /// longest token first, not Hugging Face's leftmost match.
    public init(gguf: GGUFFile) throws(TokenizerError) {
        try self.init(GGUFTokenizerMetadata(path: gguf.path, metadata: gguf.metadata))
    }

    init(_ file: GGUFTokenizerMetadata) throws(TokenizerError) {
        let path = file.path
        guard file.model == "gpt2" else {
            throw .unsupported(path: path, reason: "tokenizer.ggml.model is \"\(file.model)\", not \"gpt2\" (byte-level BPE)")
        }
        let pre = try file.string("tokenizer.ggml.pre") ?? "default"
        guard let preTokenizer = BPEPreTokenizer.names[pre] else {
            throw .unsupported(path: path, reason: "tokenizer.ggml.pre is \"\(pre)\"; implemented: "
                + BPEPreTokenizer.names.keys.sorted().joined(separator: ", "))
        }
        let isLlama3 = BPEPreTokenizer.llama3Names.contains(pre)

        guard let mergeValue = file.metadata["tokenizer.ggml.merges"] else {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.merges is missing")
        }
        guard case .array(.string, let mergeLines) = mergeValue else {
            throw .invalidFile(path: path, reason: "tokenizer.ggml.merges must be an array of strings")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(mergeLines.count)
        for (index, value) in mergeLines.enumerated() {
            let line = value.string ?? ""
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

        // llama.cpp adds BOS by default only for the Llama 3 names; the file's flag wins.
        let special = try file.specialTokens(addsBOSByDefault: isLlama3)
        self.init(model: try BPEModel(tokens: file.tokens, merges: merges, path: path),
                  addedTokens: file.addedTokens(), addedTokenMatching: .longestFirst,
                  preTokenizer: preTokenizer, ignoresMerges: isLlama3,
                  bosTokenID: special.bos, eosTokenID: special.eos, addsBOS: special.addsBOS, addsEOS: special.addsEOS)
    }
}

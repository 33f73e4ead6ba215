/// How checkpoint tensor names vary between saves of the same architecture, and which stored
/// tensors are buffers rather than weights.
public enum TensorNames {
    /// Prefixes a base model's tensors carry depending on the head class that saved them:
    /// none for the bare model (and sentence-transformers), `bert.` for BertFor*,
    /// `transformer.` for GPT2LMHeadModel.
    public static let defaultPrefixes = ["", "bert.", "transformer."]

    /// Stored tensors that are not weights: a loader skips them and shape checks ignore them.
    /// Patterns match the trailing dot-separated components of a name, so any prefix is allowed;
    /// `#` matches one layer number.
    /// - `h.#.attn.bias`: GPT-2's causal mask, saved as a [1, 1, n_positions, n_positions] buffer.
    ///   (`h.#.attn.c_attn.bias` is the real attention bias and does not match.)
    /// - `h.#.attn.masked_bias`: GPT-2's masking constant (-1e4), saved by older transformers.
    /// - `embeddings.position_ids`: BERT's I64 [1, max_positions] arange, a convenience buffer.
    public static let nonWeightBufferPatterns = [
        "h.#.attn.bias",
        "h.#.attn.masked_bias",
        "embeddings.position_ids",
    ]

    public static func isNonWeightBuffer(_ name: String) -> Bool {
        let components = name.split(separator: ".", omittingEmptySubsequences: false)
        return nonWeightBufferPatterns.contains { pattern in
            let patternComponents = pattern.split(separator: ".", omittingEmptySubsequences: false)
            guard components.count >= patternComponents.count else { return false }
            return zip(components.suffix(patternComponents.count), patternComponents).allSatisfy { actual, expected in
                expected == "#" ? (!actual.isEmpty && actual.allSatisfy(\.isASCII) && actual.allSatisfy(\.isNumber))
                                : actual == expected
            }
        }
    }

    /// The pre-2019 (TensorFlow-era) spelling of a norm parameter: `LayerNorm.weight` was
    /// `LayerNorm.gamma`, `LayerNorm.bias` was `LayerNorm.beta`. Only applied to norm modules,
    /// so a Linear's `weight` never resolves to something unrelated.
    public static func legacyNormAlias(for name: String) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let module = name[..<dot], parameter = name[name.index(after: dot)...]
        let moduleName = module.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard moduleName.contains("norm") else { return nil }
        switch parameter {
        case "weight": return module + ".gamma"
        case "bias": return module + ".beta"
        default: return nil
        }
    }

    /// Names to try, in order: each prefix with the name as given, then each prefix with the
    /// legacy alias. The first that exists wins.
    public static func candidates(for name: String, prefixes: [String] = defaultPrefixes) -> [String] {
        let spellings = [name] + (legacyNormAlias(for: name).map { [$0] } ?? [])
        var seen = Set<String>()
        return spellings.flatMap { spelling in prefixes.map { $0 + spelling } }.filter { seen.insert($0).inserted }
    }
}

/// A Llama-family decoder's hyperparameters, read from GGUF metadata (`llama.*` keys, as
/// llama.cpp's `llm_load_hparams` reads them, with the same defaults for optional keys).
public struct LlamaConfig: Sendable, Equatable {
    public var layers: Int
    /// Positions the model was trained on (`llama.context_length`).
    public var contextLength: Int
    public var embeddingLength: Int
    public var feedForwardLength: Int
    public var heads: Int
    /// K/V heads; fewer than `heads` is grouped-query attention.
    public var keyValueHeads: Int
    public var ropeBase: Float
    public var rmsEpsilon: Float
    public var vocabularySize: Int

    public var headDimension: Int { embeddingLength / heads }

    public init(layers: Int, contextLength: Int, embeddingLength: Int, feedForwardLength: Int, heads: Int,
                keyValueHeads: Int, ropeBase: Float, rmsEpsilon: Float, vocabularySize: Int) {
        self.layers = layers
        self.contextLength = contextLength
        self.embeddingLength = embeddingLength
        self.feedForwardLength = feedForwardLength
        self.heads = heads
        self.keyValueHeads = keyValueHeads
        self.ropeBase = ropeBase
        self.rmsEpsilon = rmsEpsilon
        self.vocabularySize = vocabularySize
    }

    /// Reads and checks the configuration of a GGUF file whose `general.architecture` is
    /// "llama"; every error names the file and the key.
    public init(gguf: GGUFFile) throws(FormatError) {
        let file = gguf.path
        guard let architecture = gguf.metadata["general.architecture"]?.string else {
            throw .badMetadata(file: file, key: "general.architecture", detail: "missing, or not a string")
        }
        guard architecture == "llama" else {
            throw .badMetadata(file: file, key: "general.architecture", detail: "'\(architecture)' is not supported (supported: llama)")
        }

        func integer(_ key: String, default fallback: Int? = nil) throws(FormatError) -> Int {
            guard let value = gguf.metadata["llama." + key] else {
                if let fallback { return fallback }
                throw .badMetadata(file: file, key: "llama." + key, detail: "missing")
            }
            guard let int = value.int, int >= 1, int <= 1 << 30 else {
                throw .badMetadata(file: file, key: "llama." + key, detail: "must be an integer in 1...2³⁰, found \(value)")
            }
            return int
        }
        func real(_ key: String, default fallback: Float) throws(FormatError) -> Float {
            guard let value = gguf.metadata["llama." + key] else { return fallback }
            guard let double = value.float, double.isFinite, double > 0 else {
                throw .badMetadata(file: file, key: "llama." + key, detail: "must be a positive number, found \(value)")
            }
            return Float(double)
        }

        layers = try integer("block_count")
        contextLength = try integer("context_length")
        embeddingLength = try integer("embedding_length")
        feedForwardLength = try integer("feed_forward_length")
        heads = try integer("attention.head_count")
        keyValueHeads = try integer("attention.head_count_kv", default: heads)
        ropeBase = try real("rope.freq_base", default: 10_000)
        rmsEpsilon = try real("attention.layer_norm_rms_epsilon", default: 1e-5)
        let tokens = (gguf.metadata["tokenizer.ggml.tokens"]?.array?.count).flatMap { $0 > 0 ? $0 : nil }
        let tableRows = (try? gguf.tensor(named: "token_embd.weight"))?.shape.first
        vocabularySize = try integer("vocab_size", default: tokens ?? tableRows ?? 0)

        guard embeddingLength % heads == 0, headDimension % 2 == 0 else {
            throw .badMetadata(file: file, key: "llama.attention.head_count",
                               detail: "\(heads) heads must split embedding_length \(embeddingLength) into even head sizes")
        }
        guard heads % keyValueHeads == 0 else {
            throw .badMetadata(file: file, key: "llama.attention.head_count_kv",
                               detail: "\(keyValueHeads) K/V heads must divide the \(heads) query heads")
        }
        let ropeDimension = try integer("rope.dimension_count", default: headDimension)
        guard ropeDimension == headDimension else {
            throw .badMetadata(file: file, key: "llama.rope.dimension_count",
                               detail: "rotary embedding over \(ropeDimension) of \(headDimension) head dimensions is not implemented")
        }
        if let scaling = gguf.metadata["llama.rope.scaling.type"]?.string, scaling != "none" {
            throw .badMetadata(file: file, key: "llama.rope.scaling.type", detail: "RoPE scaling \"\(scaling)\" is not implemented")
        }
    }
}

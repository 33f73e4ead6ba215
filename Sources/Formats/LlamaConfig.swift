/// A Llama-like decoder's hyperparameters and the blocks it is built from, read from GGUF
/// metadata (`<arch>.*` keys, as llama.cpp's `llm_load_hparams` reads them, with the same
/// defaults for optional keys). `general.architecture` picks the family in
/// `DecoderArchitectures`, which sets what differs from Llama.
public struct LlamaConfig: Sendable, Equatable {
    /// Which elements of a head rotary embedding pairs (llama.cpp's rope type of the family).
    public enum RopePairing: String, Sendable {
        /// (2i, 2i+1): llama.cpp's "normal" rope (LLaMA files, Q/K rows permuted by the converter).
        case adjacent
        /// (i, i + headDim/2): llama.cpp's NEOX rope (Qwen, Gemma, Phi-3).
        case halves
    }

    public enum FeedForward: String, Sendable {
        /// silu(gate)·up (Llama, Qwen, Phi-3).
        case swiGLU
        /// gelu_tanh(gate)·up (Gemma).
        case geGLU
    }

    /// `general.architecture`.
    public var architecture: String
    public var layers: Int
    /// Positions the model was trained on (`<arch>.context_length`).
    public var contextLength: Int
    public var embeddingLength: Int
    public var feedForwardLength: Int
    public var heads: Int
    /// K/V heads; fewer than `heads` is grouped-query attention.
    public var keyValueHeads: Int
    /// Per-head size of Q, K and V (`attention.key_length`, default embedding_length / heads).
    public var headDimension: Int
    public var ropeBase: Float
    public var rmsEpsilon: Float
    public var vocabularySize: Int

    // Blocks and constants the families differ in; the defaults are Llama's.
    public var ropePairing: RopePairing = .adjacent
    /// Linear RoPE scaling: 1 / `rope.scaling.factor` (1 when absent).
    public var ropeFrequencyScale: Float = 1
    /// `rope.scaling.original_context_length` (default: the trained context): above it, Phi-3's
    /// long frequency factors apply instead of the short ones.
    public var ropeOriginalContext: Int = 0
    /// Multiplies the embedding rows (Gemma: √embedding_length).
    public var embeddingScale: Float? = nil
    /// Per-head RMSNorm of Q and K before RoPE (`attn_q_norm` / `attn_k_norm`: Qwen 3, Gemma 3).
    public var queryKeyNorm = false
    /// RMSNorm after attention and after the feed-forward, before each residual add
    /// (`post_attention_norm` / `post_ffw_norm`: Gemma 2/3).
    public var postNorms = false
    public var feedForward: FeedForward = .swiGLU
    /// Q is multiplied by this after RoPE and attention uses scale 1 (Gemma, Phi-3: llama.cpp
    /// scales Q itself); nil: attention scales scores by 1/√headDimension.
    public var queryScale: Float? = nil
    /// Attention scores s become c·tanh(s/c) (Gemma 2).
    public var attentionSoftcap: Float? = nil
    /// Logits z become c·tanh(z/c) (Gemma 2).
    public var finalLogitSoftcap: Float? = nil
    /// Keys a sliding-window layer sees: the query's position and the window − 1 before it.
    public var slidingWindow: Int? = nil
    /// Per layer: whether it uses the sliding window (empty: none does).
    public var slidingLayers: [Bool] = []
    /// RoPE θ base of the sliding-window layers (`rope.freq_base_swa`); nil: `ropeBase`.
    public var slidingRopeBase: Float? = nil
    /// RoPE frequency scale of the sliding-window layers; nil: `ropeFrequencyScale`.
    public var slidingRopeFrequencyScale: Float? = nil
    /// `ffn_up` holds the gate's rows then the up projection's (2·feed_forward_length rows; Phi-3).
    public var fusedGateUp = false
    /// The head is the token embedding even when the file has `output.weight` (Gemma 2).
    public var alwaysTiedOutput = false

    public init(layers: Int, contextLength: Int, embeddingLength: Int, feedForwardLength: Int, heads: Int,
                keyValueHeads: Int, ropeBase: Float, rmsEpsilon: Float, vocabularySize: Int,
                architecture: String = "llama", headDimension: Int? = nil) {
        self.architecture = architecture
        self.layers = layers
        self.contextLength = contextLength
        self.embeddingLength = embeddingLength
        self.feedForwardLength = feedForwardLength
        self.heads = heads
        self.keyValueHeads = keyValueHeads
        self.headDimension = headDimension ?? embeddingLength / heads
        self.ropeBase = ropeBase
        self.rmsEpsilon = rmsEpsilon
        self.vocabularySize = vocabularySize
        ropeOriginalContext = contextLength
    }

    /// Whether layer `layer` attends through the sliding window.
    public func isSliding(_ layer: Int) -> Bool {
        slidingWindow != nil && layer < slidingLayers.count && slidingLayers[layer]
    }

    /// Reads and checks the configuration of a GGUF file whose `general.architecture` is one of
    /// `DecoderArchitectures`; every error names the file and the key.
    public init(gguf: GGUFFile) throws(FormatError) {
        let file = gguf.path
        guard let architecture = gguf.metadata["general.architecture"]?.string else {
            throw .badMetadata(file: file, key: "general.architecture", detail: "missing, or not a string")
        }
        guard let family = DecoderArchitectures.named(architecture) else {
            throw .badMetadata(file: file, key: "general.architecture", detail:
                "\"\(architecture)\" is not a supported decoder (supported: \(DecoderArchitectures.names.joined(separator: ", ")))")
        }
        let h = GGUFHyperparameters(gguf: gguf, architecture: architecture)

        let embedding = try h.integer("embedding_length"), heads = try h.integer("attention.head_count")
        let tokens = (gguf.metadata["tokenizer.ggml.tokens"]?.array?.count).flatMap { $0 > 0 ? $0 : nil }
        let tableRows = (try? gguf.tensor(named: "token_embd.weight"))?.shape.first
        self.init(layers: try h.integer("block_count"), contextLength: try h.integer("context_length"),
                  embeddingLength: embedding, feedForwardLength: try h.integer("feed_forward_length"), heads: heads,
                  keyValueHeads: try h.integer("attention.head_count_kv", default: heads),
                  ropeBase: try h.real("rope.freq_base", default: 10_000),
                  rmsEpsilon: try h.real("attention.layer_norm_rms_epsilon", default: 1e-5),
                  vocabularySize: try h.integer("vocab_size", default: tokens ?? tableRows ?? 0),
                  architecture: architecture,
                  headDimension: try h.integer("attention.key_length", default: max(1, embedding / heads)))

        guard headDimension % 2 == 0, h.has("attention.key_length") || embeddingLength % heads == 0 else {
            throw h.error("attention.head_count",
                          "\(heads) heads must split embedding_length \(embeddingLength) into even head sizes")
        }
        let valueLength = try h.integer("attention.value_length", default: headDimension)
        guard valueLength == headDimension else {
            throw h.error("attention.value_length", "value heads of \(valueLength) differing from key heads of \(headDimension) are not implemented")
        }
        guard heads % keyValueHeads == 0 else {
            throw h.error("attention.head_count_kv", "\(keyValueHeads) K/V heads must divide the \(heads) query heads")
        }
        let ropeDimension = try h.integer("rope.dimension_count", default: headDimension)
        guard ropeDimension == headDimension else {
            throw h.error("rope.dimension_count",
                          "rotary embedding over \(ropeDimension) of \(headDimension) head dimensions is not implemented")
        }
        // llama.cpp: scaling type "linear" unless given; the factor (or the older
        // rope.scale_linear) f gives frequency scale 1/f, 0 meaning none.
        let scaling = try h.string("rope.scaling.type") ?? "linear"
        guard ["linear", "none"].contains(scaling) || (scaling == "longrope" && architecture == "phi3") else {
            throw h.error("rope.scaling.type", "RoPE scaling \"\(scaling)\" is not implemented (linear and none are)")
        }
        let factor = try h.realOrZero("rope.scaling.factor", default: try h.realOrZero("rope.scale_linear", default: 0))
        ropeFrequencyScale = factor == 0 || scaling == "none" ? 1 : 1 / factor
        if let attentionFactor = try h.optionalReal("rope.scaling.attn_factor"), attentionFactor != 1 {
            throw h.error("rope.scaling.attn_factor", "an attention factor of \(attentionFactor) is not implemented")
        }
        ropeOriginalContext = try h.integer("rope.scaling.original_context_length", default: contextLength)

        try family.configure(&self, hyperparameters: h)

        if let window = slidingWindow {
            guard window <= contextLength else {
                throw h.error("attention.sliding_window",
                              "a sliding window of \(window) positions exceeds the context_length of \(contextLength)")
            }
        }
    }
}

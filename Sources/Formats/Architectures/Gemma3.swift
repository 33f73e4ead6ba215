/// `gemma3`: embedding × √d, GeGLU, pre- and post-norms, per-head Q/K RMSNorm, sliding-window
/// layers (5 of every 6 by default) with their own RoPE base (`rope.freq_base_swa`, default
/// 10000, unscaled), optional final logit soft-capping, output tied to the embedding
/// (llama.cpp's `llama_model_gemma3`).
public enum Gemma3Architecture: DecoderArchitecture {
    public static let name = "gemma3"
    public static func configure(_ config: inout LlamaConfig, hyperparameters h: GGUFHyperparameters) throws(FormatError) {
        config.ropePairing = .halves
        config.embeddingScale = Float(config.embeddingLength).squareRoot()
        config.feedForward = .geGLU
        config.postNorms = true
        config.queryKeyNorm = true
        config.alwaysTiedOutput = true
        // 27B (62 layers) scales queries by the model width per head rather than the head size.
        let queryWidth = config.layers == 62 ? config.embeddingLength / config.heads : config.headDimension
        config.queryScale = 1 / Float(queryWidth).squareRoot()
        let finalCap = try h.realOrZero("final_logit_softcapping", default: 0)
        config.finalLogitSoftcap = finalCap > 0 ? finalCap : nil
        // llama.cpp reads the window as unsigned, 0 meaning no sliding window.
        if let window = try h.optionalCount("attention.sliding_window"), window > 0 {
            config.slidingWindow = window
            config.slidingLayers = try h.slidingLayers(layers: config.layers, period: 6)
            config.slidingRopeBase = try h.real("rope.freq_base_swa", default: 10_000)
            config.slidingRopeFrequencyScale = 1
        }
    }
}

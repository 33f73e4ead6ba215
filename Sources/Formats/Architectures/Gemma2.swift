/// `gemma2`: embedding × √d, GeGLU, pre- and post-norms, attention and final logit soft-capping,
/// sliding-window layers alternating with global ones (llama.cpp's `llama_model_gemma2`).
public enum Gemma2Architecture: DecoderArchitecture {
    public static let name = "gemma2"
    public static func configure(_ config: inout LlamaConfig, hyperparameters h: GGUFHyperparameters) throws(FormatError) {
        config.ropePairing = .halves
        config.embeddingScale = Float(config.embeddingLength).squareRoot()
        config.feedForward = .geGLU
        config.postNorms = true
        config.alwaysTiedOutput = true
        // 27B (46 layers) scales queries by the model width per head rather than the head size.
        let queryWidth = config.layers == 46 ? config.embeddingLength / config.heads : config.headDimension
        config.queryScale = 1 / Float(queryWidth).squareRoot()
        let attentionCap = try h.realOrZero("attn_logit_softcapping", default: 50)
        config.attentionSoftcap = attentionCap > 0 ? attentionCap : nil
        let finalCap = try h.realOrZero("final_logit_softcapping", default: 30)
        config.finalLogitSoftcap = finalCap > 0 ? finalCap : nil
        config.slidingWindow = try h.integer("attention.sliding_window", default: 4096)
        config.slidingLayers = try h.slidingLayers(layers: config.layers, period: 2)
        config.slidingRopeBase = try h.real("rope.freq_base_swa", default: config.ropeBase)
    }
}

/// `phi3`: Phi-3 / Phi-3.5 / Phi-4-mini. NEOX RoPE, Q scaled by 1/√headDim before attention,
/// fused QKV (`attn_qkv`, which the shared weights split wherever a file has it) and a fused
/// gate/up projection (`ffn_up` of 2·feed_forward_length rows, gate first); Phi-3's long/short
/// RoPE factors (`rope_factors_long` / `rope_factors_short`) are picked by the shared code.
/// llama.cpp turns Phi's sliding window off, and so do we.
public enum Phi3Architecture: DecoderArchitecture {
    public static let name = "phi3"
    public static func configure(_ config: inout LlamaConfig, hyperparameters: GGUFHyperparameters) throws(FormatError) {
        config.ropePairing = .halves
        config.queryScale = 1 / Float(config.headDimension).squareRoot()
        config.fusedGateUp = true
    }
}

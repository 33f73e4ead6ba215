/// `qwen3`: Qwen 3 (dense). NEOX RoPE and a per-head RMSNorm of Q and K before it
/// (`attn_q_norm`, `attn_k_norm`); head size from `attention.key_length`.
public enum Qwen3Architecture: DecoderArchitecture {
    public static let name = "qwen3"
    public static func configure(_ config: inout LlamaConfig, hyperparameters: GGUFHyperparameters) throws(FormatError) {
        config.ropePairing = .halves
        config.queryKeyNorm = true
    }
}

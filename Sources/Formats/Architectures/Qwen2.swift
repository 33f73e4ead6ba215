/// `qwen2`: Qwen 2 / 2.5. Llama with NEOX RoPE and Q/K/V biases (`attn_q.bias`…, which the
/// shared weights load wherever a file has them).
public enum Qwen2Architecture: DecoderArchitecture {
    public static let name = "qwen2"
    public static func configure(_ config: inout LlamaConfig, hyperparameters: GGUFHyperparameters) throws(FormatError) {
        config.ropePairing = .halves
    }
}

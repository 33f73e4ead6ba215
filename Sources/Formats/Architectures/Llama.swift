/// `llama`: Llama 2/3.x, Mistral, SmolLM2, TinyLlama. The shared decoder as it is: adjacent-pair
/// RoPE (the converter permuted Q/K), SwiGLU; `rope_freqs.weight` (Llama 3.x) and linear
/// scaling are read by the shared code.
public enum LlamaArchitecture: DecoderArchitecture {
    public static let name = "llama"
    public static func configure(_ config: inout LlamaConfig, hyperparameters: GGUFHyperparameters) throws(FormatError) {}
}

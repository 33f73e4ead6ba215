/// A Llama-like decoder family: how its `<arch>.*` metadata maps onto the shared decoder blocks
/// of `LlamaConfig`. `LlamaConfig(gguf:)` first reads the keys every family shares (llama.cpp's
/// `llm_load_hparams`), then hands the config to the family named by `general.architecture`.
///
/// Adding a family: one file in Architectures/ with a type conforming to this, and one line in
/// `DecoderArchitectures.all`.
public protocol DecoderArchitecture: Sendable {
    /// The `general.architecture` value, as llama.cpp spells it.
    static var name: String { get }
    /// Sets the blocks and constants of this family, reading its own keys from `hyperparameters`.
    static func configure(_ config: inout LlamaConfig, hyperparameters: GGUFHyperparameters) throws(FormatError)
}

/// The registry: `general.architecture` → family.
public enum DecoderArchitectures {
    public static let all: [any DecoderArchitecture.Type] = [
        LlamaArchitecture.self,
        Qwen2Architecture.self,
        Qwen3Architecture.self,
        Gemma2Architecture.self,
        Gemma3Architecture.self,
        Phi3Architecture.self,
    ]

    public static var names: [String] { all.map { $0.name }.sorted() }

    public static func named(_ name: String) -> (any DecoderArchitecture.Type)? {
        all.first { $0.name == name }
    }
}

/// A `config.json` decoded into the typed config its `model_type` names.
public enum ModelConfig: Sendable, Equatable {
    case gpt2(GPT2Config)
    case bert(BERTConfig)

    public var modelType: String {
        switch self {
        case .gpt2: "gpt2"
        case .bert: "bert"
        }
    }

    /// The width of the token states (what a pooling layer sees).
    public var hiddenSize: Int {
        switch self {
        case .gpt2(let config): config.nEmbd
        case .bert(let config): config.hiddenSize
        }
    }

    private struct ModelTypeOnly: Decodable {
        let modelType: String
        enum CodingKeys: String, CodingKey { case modelType = "model_type" }
    }

    public static func load(from path: String) throws(FormatError) -> ModelConfig {
        let modelType = try JSONFile.decode(ModelTypeOnly.self, from: path).modelType
        switch modelType {
        case "gpt2": return .gpt2(try GPT2Config.load(from: path))
        case "bert": return .bert(try BERTConfig.load(from: path))
        default: throw .unsupportedModelType(file: path, modelType: modelType)
        }
    }
}

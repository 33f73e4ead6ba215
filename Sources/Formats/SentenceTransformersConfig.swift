/// How a sentence-transformers folder turns token states into one embedding:
/// `modules.json` lists the pipeline, `1_Pooling/config.json` says how tokens are pooled,
/// and a `Normalize` module means L2-normalising the result.
public struct SentenceTransformersConfig: Sendable, Equatable {
    public struct Module: Sendable, Equatable, Decodable {
        public let idx: Int
        public let name: String
        public let path: String
        public let type: String
    }

    public let modules: [Module]
    public let pooling: PoolingConfig
    public let normalize: Bool

    static let poolingModuleType = "sentence_transformers.models.Pooling"
    static let normalizeModuleType = "sentence_transformers.models.Normalize"

    /// Reads `modules.json` and the pooling config it points to.
    /// `hiddenSize`: the encoder's width, which the pooling's `word_embedding_dimension` must match.
    static func load(folder: String, modulesPath: String, hiddenSize: Int? = nil) throws(FormatError) -> SentenceTransformersConfig {
        let modules = try JSONFile.decode([Module].self, from: modulesPath)
        for module in modules where module.path.contains("..") || module.path.hasPrefix("/") {
            throw .badConfig(file: modulesPath, field: "path", detail: "'\(module.path)' leaves the model folder")
        }
        guard let poolingModule = modules.first(where: { $0.type == poolingModuleType }) else {
            throw .badConfig(file: modulesPath, field: "type", detail: "no \(poolingModuleType) module")
        }
        let poolingPath = FileSystem.join(FileSystem.join(folder, poolingModule.path), "config.json")
        let pooling = try PoolingConfig.load(from: poolingPath)
        if let hiddenSize, let dimension = pooling.wordEmbeddingDimension, dimension != hiddenSize {
            throw .badConfig(file: poolingPath, field: "word_embedding_dimension",
                             detail: "is \(dimension), but the model's hidden_size is \(hiddenSize)")
        }
        return SentenceTransformersConfig(modules: modules, pooling: pooling,
                                          normalize: modules.contains { $0.type == normalizeModuleType })
    }
}

/// sentence-transformers' `Pooling/config.json`: which token poolings are concatenated.
public struct PoolingConfig: Sendable, Equatable, Decodable {
    public var wordEmbeddingDimension: Int?
    public var clsToken: Bool
    public var meanTokens: Bool
    public var maxTokens: Bool
    public var meanSqrtLenTokens: Bool

    public init(wordEmbeddingDimension: Int? = nil, clsToken: Bool = false, meanTokens: Bool = false,
                maxTokens: Bool = false, meanSqrtLenTokens: Bool = false) {
        self.wordEmbeddingDimension = wordEmbeddingDimension
        self.clsToken = clsToken
        self.meanTokens = meanTokens
        self.maxTokens = maxTokens
        self.meanSqrtLenTokens = meanSqrtLenTokens
    }

    private enum CodingKeys: String, CodingKey {
        case wordEmbeddingDimension = "word_embedding_dimension"
        case clsToken = "pooling_mode_cls_token", meanTokens = "pooling_mode_mean_tokens"
        case maxTokens = "pooling_mode_max_tokens", meanSqrtLenTokens = "pooling_mode_mean_sqrt_len_tokens"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(wordEmbeddingDimension: try c.decodeIfPresent(Int.self, forKey: .wordEmbeddingDimension),
                  clsToken: try c.decodeIfPresent(Bool.self, forKey: .clsToken) ?? false,
                  meanTokens: try c.decodeIfPresent(Bool.self, forKey: .meanTokens) ?? false,
                  maxTokens: try c.decodeIfPresent(Bool.self, forKey: .maxTokens) ?? false,
                  meanSqrtLenTokens: try c.decodeIfPresent(Bool.self, forKey: .meanSqrtLenTokens) ?? false)
    }

    public static func load(from path: String) throws(FormatError) -> PoolingConfig {
        let config = try JSONFile.decode(PoolingConfig.self, from: path)
        guard config.clsToken || config.meanTokens || config.maxTokens || config.meanSqrtLenTokens else {
            throw .badConfig(file: path, field: "pooling_mode_mean_tokens", detail: "no pooling mode is enabled")
        }
        if let dimension = config.wordEmbeddingDimension, dimension <= 0 {
            throw .badConfig(file: path, field: "word_embedding_dimension", detail: "must be positive, found \(dimension)")
        }
        return config
    }
}

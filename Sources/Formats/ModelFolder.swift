/// A Hugging Face model folder: `config.json`, safetensors weights (one file or sharded),
/// tokenizer files, and for sentence-transformers models the pooling pipeline.
/// Configs are read and validated at init; weights are mapped when `openWeights()` is called.
public struct ModelFolder: Sendable {
    public enum Weights: Sendable, Equatable {
        case single(path: String)
        case sharded(ShardIndex)
    }

    public let path: String
    public let configPath: String
    public let config: ModelConfig
    public let weights: Weights
    public let tokenizerFiles: TokenizerFiles
    /// Present when the folder has a `modules.json`.
    public let sentenceTransformers: SentenceTransformersConfig?

    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"
    public static let shardIndexFile = "model.safetensors.index.json"
    public static let modulesFile = "modules.json"

    public init(path: String) throws(FormatError) {
        guard FileSystem.kind(of: path) == .directory else { throw .missingFile(file: path) }
        self.path = path

        configPath = FileSystem.join(path, Self.configFile)
        guard FileSystem.isFile(configPath) else { throw .missingFile(file: configPath) }
        config = try ModelConfig.load(from: configPath)

        let single = FileSystem.join(path, Self.weightsFile)
        let index = FileSystem.join(path, Self.shardIndexFile)
        if FileSystem.isFile(single) {
            weights = .single(path: single)
        } else if FileSystem.isFile(index) {
            weights = .sharded(try ShardIndex.load(from: index))
        } else {
            throw .missingFile(file: single)
        }

        tokenizerFiles = TokenizerFiles(folder: path)

        let modules = FileSystem.join(path, Self.modulesFile)
        sentenceTransformers = FileSystem.isFile(modules)
            ? try SentenceTransformersConfig.load(folder: path, modulesPath: modules)
            : nil
    }

    /// Maps the weight file(s) and validates their headers.
    public func openWeights() throws(FormatError) -> any TensorSource {
        switch weights {
        case .single(let file):
            return try SafetensorsFile(path: file)
        case .sharded(let index):
            let shardPaths = index.shardFiles.map { FileSystem.join(path, $0) }
            return try ShardedCheckpoint(indexPath: index.path, shardPaths: shardPaths, weightMap: index.weightMap)
        }
    }

    /// Opens the weights and checks them against the config's expected tensors.
    public func openCheckedWeights() throws(FormatError) -> CheckedWeights {
        let source = try openWeights()
        let expected = switch config {
        case .gpt2(let gpt2): gpt2.expectedTensors()
        case .bert(let bert): bert.expectedTensors()
        }
        return try ShapeCheck.check(expected, in: source)
    }
}

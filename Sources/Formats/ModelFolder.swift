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
        try FileSystem.requireDirectory(path)
        self.path = path

        configPath = FileSystem.join(path, Self.configFile)
        try FileSystem.requireRegularFile(configPath)
        config = try ModelConfig.load(from: configPath)

        let single = FileSystem.join(path, Self.weightsFile)
        let index = FileSystem.join(path, Self.shardIndexFile)
        // Something that is there but not a file (a FIFO, a directory) is named as such.
        if FileSystem.kind(of: single) != .missing {
            try FileSystem.requireRegularFile(single)
            weights = .single(path: single)
        } else if FileSystem.kind(of: index) != .missing {
            weights = .sharded(try ShardIndex.load(from: index))
        } else {
            throw .missingFile(file: single)
        }

        tokenizerFiles = TokenizerFiles(folder: path)

        let modules = FileSystem.join(path, Self.modulesFile)
        sentenceTransformers = FileSystem.isFile(modules)
            ? try SentenceTransformersConfig.load(folder: path, modulesPath: modules, hiddenSize: config.hiddenSize)
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
        switch config {
        case .gpt2(let gpt2):
            try LayerCount.check(declared: gpt2.nLayer, field: "n_layer", configFile: configPath, stem: "h.", in: source)
        case .bert(let bert):
            try LayerCount.check(declared: bert.numHiddenLayers, field: "num_hidden_layers", configFile: configPath,
                                 stem: "encoder.layer.", in: source)
        }
        let expected = switch config {
        case .gpt2(let gpt2): gpt2.expectedTensors()
        case .bert(let bert): bert.expectedTensors()
        }
        return try ShapeCheck.check(expected, in: source)
    }
}

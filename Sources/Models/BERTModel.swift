import Compute
import Formats

/// A BERT encoder (BertModel, post-norm) with whichever heads its checkpoint carries, its
/// weights uploaded once to `backend`. Written only against `Backend`, so the same code runs
/// on Vulkan and on the CPU.
public struct BERTModel: Sendable {
    public let config: BERTConfig
    public let backend: any Backend
    /// The weight file (or shard index) the model came from, for error messages.
    public let source: String
    let weights: BERTWeights

    /// Loads `folder`'s config and weights, checks every tensor's shape against the config
    /// (names with or without `bert.`, legacy gamma/beta) and uploads them.
    public init(folder: ModelFolder, backend: any Backend) throws {
        guard case let .bert(config) = folder.config else {
            throw ModelError.wrongArchitecture(folder: folder.path, expected: "bert", found: folder.config.modelType)
        }
        let checked = try folder.openCheckedWeights()
        self.config = config
        self.backend = backend
        self.source = checked.source.sourceName
        // The mapped file must outlive the reads; `checked` holds the source until here.
        self.weights = try withExtendedLifetime(checked) {
            try BERTWeights(checked, config: config, backend: backend)
        }
    }

    public init(path: String, backend: any Backend) throws {
        try self.init(folder: try ModelFolder(path: path), backend: backend)
    }

    public var hiddenSize: Int { config.hiddenSize }
    public var hasMaskedLMHead: Bool { weights.maskedLM != nil }
    public var hasClassifierHead: Bool { weights.classifier != nil }

    var limits: BERTConfigLimits {
        BERTConfigLimits(vocabularySize: config.vocabSize, maxPositions: config.maxPositionEmbeddings)
    }

    /// Pads `sequences` (token ids with [CLS]/[SEP] already in place) into one batch.
    public func batch(_ sequences: [[Int]]) throws -> PaddedBatch {
        try PaddedBatch(sequences, config: limits)
    }

    /// The last hidden states of every token, read back once.
    public func hiddenStates(_ sequences: [[Int]]) throws -> TokenStates {
        let batch = try batch(sequences)
        let states = try encode(batch)
        return TokenStates(values: try backend.read(states), batch: batch, width: config.hiddenSize)
    }
}

/// Per-token outputs of a padded batch read back to the host: hidden states or logits.
public struct TokenStates: Sendable {
    /// `batch.rows × width` values, padding rows included.
    public let values: [Float]
    public let batch: PaddedBatch
    public let width: Int

    /// Row `position` of sequence `sequence`.
    public func row(_ sequence: Int, _ position: Int) -> ArraySlice<Float> {
        let start = (sequence * batch.paddedLength + position) * width
        return values[start..<(start + width)]
    }

    /// The real (unpadded) rows of one sequence, flattened.
    public func sequence(_ index: Int) -> [Float] {
        Array(values[batch.elements(of: index, width: width)])
    }
}

import Compute
import Formats
import FoundationEssentials
import Tokenizers

/// Sentence embeddings from a sentence-transformers (or plain BERT) folder: the folder's
/// WordPiece tokenizer, a `BERTModel` on a backend, and the folder's pooling.
public struct Embedder: Sendable {
    public let model: BERTModel
    public let tokenizer: WordPieceTokenizer
    public let pooling: SentencePooling
    /// Longer texts are truncated to this many tokens, [CLS] and [SEP] included.
    public let maxLength: Int

    public init(folder path: String, backend: any Backend) throws {
        let folder = try ModelFolder(path: path)
        // The tokenizer first: a missing file is cheaper to report before uploading weights.
        let tokenizer = try TokenizerLoader.load(folder: path)
        guard let wordPiece = tokenizer as? WordPieceTokenizer else {
            throw ModelError.unsupportedTokenizer(folder: path, kind: "\(type(of: tokenizer))")
        }
        let model = try BERTModel(folder: folder, backend: backend)
        let pooling = SentencePooling(folder.sentenceTransformers)
        guard !pooling.modes.isEmpty else {
            throw ModelError.unsupportedPooling(file: FileSystemPath.join(path, "1_Pooling/config.json"),
                                                detail: "no pooling mode enabled")
        }
        let configured = try Self.maxSequenceLength(folder: path) ?? wordPiece.modelMaxLength
        self.init(model: model, tokenizer: wordPiece, pooling: pooling,
                  maxLength: min(configured, model.config.maxPositionEmbeddings))
    }

    public init(model: BERTModel, tokenizer: WordPieceTokenizer, pooling: SentencePooling, maxLength: Int) {
        self.model = model
        self.tokenizer = tokenizer
        self.pooling = pooling
        self.maxLength = max(maxLength, 2)
    }

    /// The token ids `embed` feeds the model for each text (truncated, [CLS] … [SEP]).
    public func tokenize(_ texts: [String]) -> [[Int]] {
        let encoded = tokenizer.encodeBatch(texts, maxLength: maxLength)
        return zip(encoded.ids, encoded.attentionMask).map { ids, mask in
            Array(ids.prefix(mask.reduce(0, +)))
        }
    }

    /// One vector per text, in order. Texts are grouped by token count before batching, so
    /// each batch pads as little as possible.
    public func embed(_ texts: [String], batchSize: Int = 32) throws -> [[Float]] {
        guard batchSize >= 1 else { throw ModelError.invalidArgument("batch size must be ≥ 1, got \(batchSize)") }
        let sequences = tokenize(texts)
        let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
        var vectors = [[Float]](repeating: [], count: texts.count)
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let chunk = Array(order[start..<min(start + batchSize, order.count)])
            let pooled = try embed(tokenized: chunk.map { sequences[$0] })
            for (index, vector) in zip(chunk, pooled) { vectors[index] = vector }
        }
        return vectors
    }

    /// One batch of already tokenized sequences, run as given.
    public func embed(tokenized sequences: [[Int]]) throws -> [[Float]] {
        pooling.pool(try model.hiddenStates(sequences))
    }

    /// cos(a, b); 0 when either is the zero vector or the lengths differ.
    public static func cosineSimilarity(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return 0 }
        var dot: Float = 0, normA: Float = 0, normB: Float = 0
        for (x, y) in zip(a, b) {
            dot += x * y; normA += x * x; normB += y * y
        }
        let denominator = (normA * normB).squareRoot()
        return denominator > 0 ? dot / denominator : 0
    }

    /// `max_seq_length` from sentence-transformers' `sentence_bert_config.json`, if there is one.
    static func maxSequenceLength(folder: String) throws -> Int? {
        struct SentenceBERTConfig: Decodable {
            let max_seq_length: Int?
        }
        let path = FileSystemPath.join(folder, "sentence_bert_config.json")
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder().decode(SentenceBERTConfig.self, from: data).max_seq_length
        } catch {
            throw FormatError.badConfig(file: path, field: "max_seq_length", detail: "\(error)")
        }
    }
}

/// Path joining without Foundation's URL semantics (no percent-encoding surprises).
enum FileSystemPath {
    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

/// BERT's `config.json` (also sentence-transformers' MiniLM and friends), with transformers'
/// defaults for absent fields.
public struct BERTConfig: Sendable, Equatable, Decodable {
    public var vocabSize: Int
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var layerNormEps: Double
    public var hiddenAct: String
    /// Only "absolute" (learned position embeddings) is implemented; others are refused.
    public var positionEmbeddingType: String
    public var architectures: [String]
    /// Label names by class index, for classification heads.
    public var id2label: [Int: String]
    /// Classifier width: `num_labels` if given, else the size of `id2label`, else 2 (transformers' default).
    public var numLabels: Int

    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                intermediateSize: Int, maxPositionEmbeddings: Int, typeVocabSize: Int = 2,
                layerNormEps: Double = 1e-12, hiddenAct: String = "gelu", architectures: [String] = [],
                id2label: [Int: String] = [:], numLabels: Int? = nil, positionEmbeddingType: String = "absolute") {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.layerNormEps = layerNormEps
        self.hiddenAct = hiddenAct
        self.positionEmbeddingType = positionEmbeddingType
        self.architectures = architectures
        self.id2label = id2label
        self.numLabels = numLabels ?? (id2label.isEmpty ? 2 : id2label.count)
    }

    public var headDimension: Int { hiddenSize / numAttentionHeads }

    /// Which head the checkpoint was saved with, from `architectures` (first entry).
    public enum Head: Sendable, Equatable {
        case none, maskedLM, preTraining, sequenceClassification, tokenClassification
    }

    public var head: Head {
        switch architectures.first {
        case "BertForMaskedLM": .maskedLM
        case "BertForPreTraining": .preTraining
        case "BertForSequenceClassification": .sequenceClassification
        case "BertForTokenClassification": .tokenClassification
        default: .none
        }
    }

    private enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act", architectures
        case id2label, numLabels = "num_labels", positionEmbeddingType = "position_embedding_type"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let labelsByKey = try c.decodeIfPresent([String: String].self, forKey: .id2label) ?? [:]
        var labels: [Int: String] = [:]
        for (key, label) in labelsByKey {
            guard let index = Int(key) else {
                throw DecodingError.dataCorruptedError(forKey: .id2label, in: c,
                                                       debugDescription: "key '\(key)' is not a class index")
            }
            labels[index] = label
        }
        self.init(
            vocabSize: try c.integer(.vocabSize),
            hiddenSize: try c.integer(.hiddenSize),
            numHiddenLayers: try c.integer(.numHiddenLayers),
            numAttentionHeads: try c.integer(.numAttentionHeads),
            intermediateSize: try c.integer(.intermediateSize),
            maxPositionEmbeddings: try c.integer(.maxPositionEmbeddings),
            typeVocabSize: try c.integerIfPresent(.typeVocabSize) ?? 2,
            layerNormEps: try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? 1e-12,
            hiddenAct: try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "gelu",
            architectures: try c.decodeIfPresent([String].self, forKey: .architectures) ?? [],
            id2label: labels,
            numLabels: try c.integerIfPresent(.numLabels),
            positionEmbeddingType: try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType) ?? "absolute")
    }

    /// GELU in its exact erf form, which transformers calls "gelu".
    public static let implementedActivations: Set<String> = ["gelu"]

    /// Reads and validates a BERT `config.json`.
    public static func load(from path: String) throws(FormatError) -> BERTConfig {
        let config = try JSONFile.decode(BERTConfig.self, from: path)
        try config.validate(file: path)
        return config
    }

    public func validate(file: String) throws(FormatError) {
        let check = ConfigValidator(file: file)
        let limit = ConfigValidator.sizeLimit
        for (value, field) in [(vocabSize, "vocab_size"), (hiddenSize, "hidden_size"),
                               (numHiddenLayers, "num_hidden_layers"), (numAttentionHeads, "num_attention_heads"),
                               (intermediateSize, "intermediate_size"),
                               (maxPositionEmbeddings, "max_position_embeddings"), (typeVocabSize, "type_vocab_size"),
                               (numLabels, "num_labels")] {
            try check.positive(value, field)
            try check.atMost(value, limit, field)
        }
        try check.divisible(hiddenSize, "hidden_size", by: numAttentionHeads, "num_attention_heads")
        try check.positive(layerNormEps, "layer_norm_eps")
        // What the encoder implements; anything else would run silently as if it were this.
        guard Self.implementedActivations.contains(hiddenAct) else {
            throw .badConfig(file: file, field: "hidden_act",
                             detail: "'\(hiddenAct)' is not implemented (implemented: \(Self.implementedActivations.sorted().joined(separator: ", ")))")
        }
        guard positionEmbeddingType == "absolute" else {
            throw .badConfig(file: file, field: "position_embedding_type",
                             detail: "'\(positionEmbeddingType)' is not implemented (implemented: absolute)")
        }
        if !id2label.isEmpty {
            guard id2label.keys.sorted() == Array(0..<id2label.count), id2label.count == numLabels else {
                throw .badConfig(file: file, field: "id2label",
                                 detail: "must map 0..<num_labels (\(numLabels)), found keys \(id2label.keys.sorted())")
            }
        }
    }
}

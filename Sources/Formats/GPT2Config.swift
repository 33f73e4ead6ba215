/// GPT-2's `config.json`, with the defaults transformers applies to absent fields.
public struct GPT2Config: Sendable, Equatable, Decodable {
    public var vocabSize: Int
    public var nPositions: Int
    public var nEmbd: Int
    public var nLayer: Int
    public var nHead: Int
    public var layerNormEpsilon: Double
    public var activationFunction: String
    /// MLP width; `n_inner: null` in the file means 4 × n_embd.
    public var nInner: Int
    /// The LM head reuses `wte` unless this is false, in which case `lm_head.weight` must exist.
    public var tieWordEmbeddings: Bool
    public var architectures: [String]

    public init(vocabSize: Int, nPositions: Int, nEmbd: Int, nLayer: Int, nHead: Int,
                layerNormEpsilon: Double = 1e-5, activationFunction: String = "gelu_new",
                nInner: Int? = nil, tieWordEmbeddings: Bool = true, architectures: [String] = []) {
        self.vocabSize = vocabSize
        self.nPositions = nPositions
        self.nEmbd = nEmbd
        self.nLayer = nLayer
        self.nHead = nHead
        self.layerNormEpsilon = layerNormEpsilon
        self.activationFunction = activationFunction
        self.nInner = nInner ?? 4 * nEmbd
        self.tieWordEmbeddings = tieWordEmbeddings
        self.architectures = architectures
    }

    public var headDimension: Int { nEmbd / nHead }

    private enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", nPositions = "n_positions", nContext = "n_ctx"
        case nEmbd = "n_embd", nLayer = "n_layer", nHead = "n_head"
        case layerNormEpsilon = "layer_norm_epsilon", activationFunction = "activation_function"
        case nInner = "n_inner", tieWordEmbeddings = "tie_word_embeddings", architectures
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let nEmbd = try c.integer(.nEmbd)
        // Very old configs only carry n_ctx, which always equalled n_positions.
        let nPositions = try c.integerIfPresent(.nPositions)
            ?? c.integer(.nContext)
        self.init(
            vocabSize: try c.integer(.vocabSize),
            nPositions: nPositions,
            nEmbd: nEmbd,
            nLayer: try c.integer(.nLayer),
            nHead: try c.integer(.nHead),
            layerNormEpsilon: try c.decodeIfPresent(Double.self, forKey: .layerNormEpsilon) ?? 1e-5,
            activationFunction: try c.decodeIfPresent(String.self, forKey: .activationFunction) ?? "gelu_new",
            // Checked before multiplying so a huge n_embd fails validation instead of trapping here.
            nInner: try c.integerIfPresent(.nInner)
                ?? (nEmbd.multipliedReportingOverflow(by: 4).overflow ? -1 : 4 * nEmbd),
            tieWordEmbeddings: try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? true,
            architectures: try c.decodeIfPresent([String].self, forKey: .architectures) ?? [])
    }

    /// Reads and validates a GPT-2 `config.json`.
    public static func load(from path: String) throws(FormatError) -> GPT2Config {
        let config = try JSONFile.decode(GPT2Config.self, from: path)
        try config.validate(file: path)
        return config
    }

    public func validate(file: String) throws(FormatError) {
        let check = ConfigValidator(file: file)
        let limit = ConfigValidator.sizeLimit
        for (value, field) in [(vocabSize, "vocab_size"), (nPositions, "n_positions"), (nEmbd, "n_embd"),
                               (nLayer, "n_layer"), (nHead, "n_head"), (nInner, "n_inner")] {
            try check.positive(value, field)
            try check.atMost(value, limit, field)
        }
        try check.divisible(nEmbd, "n_embd", by: nHead, "n_head")
        try check.positive(layerNormEpsilon, "layer_norm_epsilon")
    }
}

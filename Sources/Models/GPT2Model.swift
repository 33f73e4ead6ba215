import Compute
import Formats
import Synchronization

/// GPT-2 (gpt2 … gpt2-xl) as a next-token predictor with a KV cache, written once against
/// `Backend`: weights are uploaded at init, activations and the cache stay on the backend, and
/// each call reads back only the last position's logits (one `read`).
public final class GPT2Model: CausalLanguageModel {
    public let config: GPT2Config
    public let backend: any Backend
    private let weights: GPT2Weights
    private let activations: GPT2Activations
    private let cache: KVCache
    /// Tokens in the cache. The lock also serialises forward passes, which share the scratch
    /// tensors: the model is safe to hand between tasks, one call at a time.
    private let position = Mutex(0)

    public var vocabularySize: Int { config.vocabSize }
    public var contextLength: Int { config.nPositions }
    public var cachedTokens: Int { position.withLock { $0 } }

    /// Loads a GPT-2 model folder (names with or without `transformer.`; mask buffers skipped).
    public convenience init(folder: ModelFolder, backend: any Backend) throws {
        guard case .gpt2(let config) = folder.config else {
            throw ModelError.wrongArchitecture(folder: folder.path, expected: "gpt2", found: folder.config.modelType)
        }
        guard config.activationFunction == "gelu_new" || config.activationFunction == "gelu_pytorch_tanh" else {
            throw ModelError.unsupported("\(folder.configPath): activation_function \(config.activationFunction) is not implemented (gelu_new is)")
        }
        try self.init(checked: try folder.openCheckedWeights(), config: config, backend: backend)
    }

    public convenience init(path: String, backend: any Backend) throws {
        try self.init(folder: try ModelFolder(path: path), backend: backend)
    }

    init(checked: CheckedWeights, config: GPT2Config, backend: any Backend) throws {
        self.config = config
        self.backend = backend
        let rows = config.nPositions
        weights = try GPT2Weights(checked: checked, config: config, backend: backend, maxChunk: rows)
        activations = try GPT2Activations(backend: backend, rows: rows, width: config.nEmbd, inner: config.nInner,
                                          vocabulary: config.vocabSize)
        cache = try KVCache(backend: backend, layers: config.nLayer, rows: rows, width: config.nEmbd)
    }

    public func reset() {
        position.withLock { $0 = 0 }
    }

    public func nextTokenLogits(appending tokens: [Int]) throws -> [Float] {
        guard !tokens.isEmpty else { throw ModelError.emptySequence(index: 0) }
        if let position = tokens.firstIndex(where: { $0 < 0 || $0 >= config.vocabSize }) {
            throw ModelError.tokenOutOfRange(sequence: 0, position: position, id: tokens[position],
                                             vocabularySize: config.vocabSize)
        }
        return try position.withLock { position in
            let end = position + tokens.count
            guard end <= config.nPositions else {
                throw ModelError.contextOverflow(tokens: end, limit: config.nPositions)
            }
            try forward(tokens.map(Int32.init), start: position)
            let logits = try backend.read(activations.logits)
            position = end
            return logits
        }
    }

    /// Records the forward pass of `ids` at positions start..<start+T; the logits of the last
    /// position end up in `activations.logits`.
    private func forward(_ ids: [Int32], start: Int) throws {
        let count = ids.count, width = config.nEmbd, inner = config.nInner
        let a = activations
        let x = a.residual.rows(count), x2 = a.residualAfterAttention.rows(count)
        let normed = a.normed.rows(count), attended = a.attended.rows(count), projected = a.projected.rows(count)

        // Token + position embeddings.
        try weights.tokenEmbedding.lookup(ids, backend: backend, into: normed)
        let positions = (start..<(start + count)).map(Int32.init)
        try backend.embedding(ids: positions, table: weights.positionEmbedding, into: attended)
        try backend.add(normed, attended, into: x)

        let eps = Float(config.layerNormEpsilon)
        let scale = 1 / Float(config.headDimension).squareRoot()
        for (layer, w) in weights.layers.enumerated() {
            try backend.layerNorm(x, gamma: w.ln1Gamma, beta: w.ln1Beta, eps: eps, into: normed)
            try splitAttentionInputs(normed, weight: w.attentionWeight, bias: w.attentionBias, count: count)
            try backend.copy(a.key.rows(count), into: cache.keys[layer], destinationOffset: start * width)
            try backend.copy(a.value.rows(count), into: cache.values[layer], destinationOffset: start * width)
            try backend.attention(query: a.query.rows(count), key: cache.keys[layer], value: cache.values[layer],
                                  heads: config.nHead, keyLength: start + count, causal: true, scale: scale,
                                  keyMask: nil, into: attended)
            try backend.matmul(attended, weight: w.attentionProjection, layout: .inOut, bias: w.attentionProjectionBias,
                               into: projected)
            try backend.add(x, projected, into: x2)

            try backend.layerNorm(x2, gamma: w.ln2Gamma, beta: w.ln2Beta, eps: eps, into: normed)
            let hidden = a.mlpHidden.rows(count, width: inner), activated = a.mlpActivated.rows(count, width: inner)
            try backend.matmul(normed, weight: w.mlpUp, layout: .inOut, bias: w.mlpUpBias, into: hidden)
            try backend.gelu(hidden, approximation: .tanh, into: activated)
            try backend.matmul(activated, weight: w.mlpDown, layout: .inOut, bias: w.mlpDownBias, into: projected)
            try backend.add(x2, projected, into: x)
        }

        // Only the last position's logits are needed: pick its row (embedding as a row gather),
        // then ln_f and the LM head on that one row.
        try backend.embedding(ids: [Int32(count - 1)], table: x, into: a.lastHidden)
        try backend.layerNorm(a.lastHidden, gamma: weights.lnFGamma, beta: weights.lnFBeta, eps: eps, into: a.lastNormed)
        try weights.head.project(a.lastNormed, backend: backend, into: a.logits)
    }

    /// c_attn as one matmul to [T, 3E], then q, k and v split out with row gathers: seen as
    /// [3T, E], row 3t is q_t, 3t+1 is k_t and 3t+2 is v_t. (`copy` has no source offset, so
    /// it cannot split; `embedding` over an f32 table picks whole rows, which is what is needed.)
    private func splitAttentionInputs(_ normed: Tensor, weight: Tensor, bias: Tensor, count: Int) throws {
        let a = activations, width = config.nEmbd
        let qkv = a.qkv.rows(count, width: 3 * width)
        try backend.matmul(normed, weight: weight, layout: .inOut, bias: bias, into: qkv)
        let rows = qkv.rows(3 * count, width: width)
        for (part, output) in [a.query, a.key, a.value].enumerated() {
            let ids = (0..<count).map { Int32(3 * $0 + part) }
            try backend.embedding(ids: ids, table: rows, into: output.rows(count))
        }
    }
}

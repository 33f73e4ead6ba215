import Compute
import Formats
import Synchronization

/// A Llama-like decoder loaded from a GGUF file (every family in `DecoderArchitectures`: Llama
/// 2/3.x, SmolLM2, Mistral, Qwen 2/3, Gemma 2/3, Phi-3), as a next-token predictor with a KV
/// cache. One forward pass serves them all: the config says which blocks a layer has. Weights keep the file's types (Q4_1 stays Q4_1 and is
/// dequantized inside the kernels); activations and the cache stay on the backend, and each
/// call reads back one row of logits.
public final class LlamaModel: CausalLanguageModel {
    public struct Options: Sendable {
        /// Positions the KV cache holds; nil: the model's trained context (`llama.context_length`).
        public var contextLength: Int?
        /// Most prompt tokens run through the layers at once (llama.cpp's ubatch); longer
        /// prompts are split, which bounds the activations' memory.
        public var batchSize: Int

        /// Round activations the way llama.cpp's CPU backend does (see `Backend.roundTrip`):
        /// Q8 blocks before every product with quantized weights, f16 for Q, K and V (its f16
        /// KV cache). On: the same numbers, hence the same greedy answers, as llama.cpp. Off:
        /// f32 activations throughout, closer to the dequantized model's exact values.
        public var llamaCppRounding: Bool

        /// Called as the weights load with the bytes placed so far and the file's total (for a
        /// progress bar: uploading gigabytes to a GPU takes a while).
        public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

        public init(contextLength: Int? = nil, batchSize: Int = 512, llamaCppRounding: Bool = true,
                    progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) {
            self.contextLength = contextLength
            self.batchSize = batchSize
            self.llamaCppRounding = llamaCppRounding
            self.progress = progress
        }
    }

    public let config: LlamaConfig
    public let backend: any Backend
    public let contextLength: Int
    private let batchSize: Int
    private let llamaCppRounding: Bool
    private let weights: LlamaWeights
    private let activations: LlamaActivations
    private let cache: KVCache
    /// Tokens in the cache; the lock also serialises forward passes (they share scratch tensors).
    private let position = Mutex(0)

    public var vocabularySize: Int { config.vocabularySize }
    public var cachedTokens: Int { position.withLock { $0 } }

    public init(gguf: GGUFFile, backend: any Backend, options: Options = Options()) throws {
        let config = try LlamaConfig(gguf: gguf)
        let context = options.contextLength ?? config.contextLength
        guard context >= 1, context <= config.contextLength else {
            throw ModelError.invalidArgument(
                "context length \(context) must be in 1...\(config.contextLength) (llama.context_length of \(gguf.path))")
        }
        guard options.batchSize >= 1 else {
            throw ModelError.invalidArgument("batch size must be ≥ 1, got \(options.batchSize)")
        }
        self.config = config
        self.backend = backend
        contextLength = context
        batchSize = min(options.batchSize, context)
        llamaCppRounding = options.llamaCppRounding
        let progress = options.progress.map { LoadProgress(gguf: gguf, report: $0) }
        weights = try LlamaWeights(gguf: gguf, config: config, contextLength: context, batchSize: batchSize, backend: backend,
                                   progress: progress)
        // Uploads still recorded run now, so the last report means the weights are in place.
        try backend.synchronize()
        progress?.finish()
        activations = try LlamaActivations(backend: backend, config: config, rows: batchSize)
        cache = try KVCache(backend: backend, layers: config.layers, rows: context,
                                 width: config.keyValueHeads * config.headDimension)
    }

    /// The rotary embedding of `layer`: sliding-window layers may have their own base and scale.
    private func rotary(layer: Int) -> RotaryEmbedding {
        let c = config, pairing: RotaryEmbedding.Pairing = c.ropePairing == .halves ? .halves : .adjacent
        if c.isSliding(layer) {
            return RotaryEmbedding(pairing: pairing, base: c.slidingRopeBase ?? c.ropeBase,
                                   frequencyScale: c.slidingRopeFrequencyScale ?? c.ropeFrequencyScale)
        }
        return RotaryEmbedding(pairing: pairing, base: c.ropeBase, frequencyScale: c.ropeFrequencyScale,
                               frequencyFactors: weights.ropeFactors)
    }

    public convenience init(path: String, backend: any Backend, options: Options = Options()) throws {
        try self.init(gguf: try GGUFFile(path: path), backend: backend, options: options)
    }

    public func reset() {
        position.withLock { $0 = 0 }
    }

    public func nextTokenLogits(appending tokens: [Int]) throws -> [Float] {
        guard !tokens.isEmpty else { throw ModelError.emptySequence(index: 0) }
        if let index = tokens.firstIndex(where: { $0 < 0 || $0 >= config.vocabularySize }) {
            throw ModelError.tokenOutOfRange(sequence: 0, position: index, id: tokens[index],
                                             vocabularySize: config.vocabularySize)
        }
        return try position.withLock { position in
            let end = position + tokens.count
            guard end <= contextLength else {
                throw ModelError.contextOverflow(tokens: end, limit: contextLength)
            }
            let ids = tokens.map(Int32.init)
            for first in stride(from: 0, to: ids.count, by: batchSize) {
                let chunk = Array(ids[first..<min(first + batchSize, ids.count)])
                try forward(chunk, start: position + first, logits: first + chunk.count == ids.count)
            }
            let logits = try backend.read(activations.logits)
            position = end
            return logits
        }
    }

    /// Appends `tokens` to the cached sequence and returns the logits of the positions `rows`
    /// of them (0 = the first appended token), one row of `vocabularySize` each: every position
    /// predicted from the real tokens before it (teacher forcing), as perplexity and
    /// per-position comparisons need. Rows go through the head 64 at a time.
    public func logits(appending tokens: [Int], rows: Range<Int>) throws -> [[Float]] {
        guard !tokens.isEmpty else { throw ModelError.emptySequence(index: 0) }
        guard rows.lowerBound >= 0, rows.upperBound <= tokens.count else {
            throw ModelError.invalidArgument("rows \(rows) lie outside the \(tokens.count) appended tokens")
        }
        if let index = tokens.firstIndex(where: { $0 < 0 || $0 >= config.vocabularySize }) {
            throw ModelError.tokenOutOfRange(sequence: 0, position: index, id: tokens[index],
                                             vocabularySize: config.vocabularySize)
        }
        return try position.withLock { position in
            let end = position + tokens.count
            guard end <= contextLength else { throw ModelError.contextOverflow(tokens: end, limit: contextLength) }
            let ids = tokens.map(Int32.init)
            let group = Self.logitRowsPerGroup, e = config.embeddingLength
            let hidden = try backend.empty(shape: [group, e], dtype: .f32, name: "output hidden")
            let scores = try backend.empty(shape: [group, config.vocabularySize], dtype: .f32, name: "output logits")
            var result: [[Float]] = []
            for first in stride(from: 0, to: ids.count, by: batchSize) {
                let chunk = Array(ids[first..<min(first + batchSize, ids.count)])
                try forward(chunk, start: position + first, logits: false)
                let wanted = max(rows.lowerBound, first)..<min(rows.upperBound, first + chunk.count)
                for rowStart in stride(from: wanted.lowerBound, to: wanted.upperBound, by: group) {
                    let count = min(group, wanted.upperBound - rowStart), local = rowStart - first
                    let h = hidden.rows(count), out = scores.rows(count)
                    try backend.copy(activations.residual, elements: (local * e)..<((local + count) * e), into: h,
                                     destinationOffset: 0)
                    try backend.rmsNorm(h, weight: weights.outputNorm, eps: config.rmsEpsilon, into: h)
                    var input = ProductInput(h)
                    try project(&input, weights.head, into: out)
                    if let cap = config.finalLogitSoftcap { try backend.softcap(out, cap: cap, into: out) }
                    let values = try backend.read(out), v = config.vocabularySize
                    for row in 0..<count { result.append(Array(values[(row * v)..<((row + 1) * v)])) }
                }
            }
            position = end
            return result
        }
    }

    /// Records the layers over `ids` at positions start..<start+T, appending their keys and
    /// values to the cache; with `logits`, the last position's logits go to `activations.logits`.
    private func forward(_ ids: [Int32], start: Int, logits: Bool) throws {
        let count = ids.count, c = config, a = activations
        let d = c.headDimension, kvWidth = c.keyValueHeads * d
        let x = a.residual.rows(count), x2 = a.residualAfterAttention.rows(count), normed = a.normed.rows(count)
        let query = a.query.rows(count), key = a.key.rows(count), value = a.value.rows(count)
        let attended = a.attended.rows(count), projected = a.projected.rows(count)
        let gate = a.gate.rows(count), up = a.up.rows(count), activated = a.activated.rows(count)
        let scale = 1 / Float(d).squareRoot()

        try weights.tokenEmbedding.lookup(ids, backend: backend, into: x)
        if let factor = c.embeddingScale { try backend.scale(x, by: factor, into: x) }
        // Queries pre-scaled by the model (Gemma, Phi-3) meet scores of scale 1.
        let attentionScale = c.queryScale == nil ? scale : 1
        for (layer, w) in weights.layers.enumerated() {
            try backend.rmsNorm(x, weight: w.attentionNorm, eps: c.rmsEpsilon, into: normed)
            var input = ProductInput(normed)
            try product(&input, w.query, bias: w.queryBias, into: query)
            try product(&input, w.key, bias: w.keyBias, into: key)
            try product(&input, w.value, bias: w.valueBias, into: value)
            if let queryNorm = w.queryNorm, let keyNorm = w.keyNorm {
                // Per head: the rows seen as [T·heads, D].
                let q = query.rows(count * c.heads, width: d), k = key.rows(count * c.keyValueHeads, width: d)
                try backend.rmsNorm(q, weight: queryNorm, eps: c.rmsEpsilon, into: q)
                try backend.rmsNorm(k, weight: keyNorm, eps: c.rmsEpsilon, into: k)
            }
            let rotary = rotary(layer: layer)
            try backend.rope(query, heads: c.heads, headDim: d, position: start, rotary: rotary, into: query)
            try backend.rope(key, heads: c.keyValueHeads, headDim: d, position: start, rotary: rotary, into: key)
            if let queryScale = c.queryScale { try backend.scale(query, by: queryScale, into: query) }
            if llamaCppRounding {
                for t in [query, key, value] { try backend.roundTrip(t, through: .f16, into: t) }
            }
            try backend.copy(key, into: cache.keys[layer], destinationOffset: start * kvWidth)
            try backend.copy(value, into: cache.values[layer], destinationOffset: start * kvWidth)
            try backend.attention(query: query, key: cache.keys[layer], value: cache.values[layer], heads: c.heads,
                                  keyLength: start + count, causal: true, scale: attentionScale, keyMask: nil,
                                  slidingWindow: c.isSliding(layer) ? c.slidingWindow : nil,
                                  softcap: c.attentionSoftcap, into: attended)
            input = ProductInput(attended)
            try product(&input, w.output, bias: w.outputBias, into: projected)
            if let norm = w.postAttentionNorm {
                try backend.rmsNorm(projected, weight: norm, eps: c.rmsEpsilon, into: projected)
            }
            try backend.add(x, projected, into: x2)

            try backend.rmsNorm(x2, weight: w.feedForwardNorm, eps: c.rmsEpsilon, into: normed)
            input = ProductInput(normed)
            try product(&input, w.gate, into: gate)
            try product(&input, w.up, into: up)
            switch c.feedForward {
            case .swiGLU: try backend.swiGLU(gate: gate, up: up, into: activated)
            case .geGLU: try backend.geGLU(gate: gate, up: up, into: activated)
            }
            input = ProductInput(activated)
            try product(&input, w.down, into: projected)
            if let norm = w.postFeedForwardNorm {
                try backend.rmsNorm(projected, weight: norm, eps: c.rmsEpsilon, into: projected)
            }
            try backend.add(x2, projected, into: x)
        }
        guard logits else { return }
        // Only the last position's logits are needed: pick its row (a row gather), then the
        // final norm and the LM head on that one row.
        try backend.embedding(ids: [Int32(count - 1)], table: x, into: a.lastHidden)
        try backend.rmsNorm(a.lastHidden, weight: weights.outputNorm, eps: c.rmsEpsilon, into: a.lastHidden)
        var input = ProductInput(a.lastHidden)
        try project(&input, weights.head, into: a.logits)
        if let cap = c.finalLogitSoftcap { try backend.softcap(a.logits, cap: cap, into: a.logits) }
    }

    /// An activation feeding one or more products, and the copy of it rounded for the last one.
    private struct ProductInput {
        let exact: Tensor
        var rounded: (dtype: DType, tensor: Tensor)?
        init(_ exact: Tensor) { self.exact = exact }
    }

    /// y = x·Wᵀ. llama.cpp multiplies quantized weights with activations rounded to the weight
    /// type's `activationRounding` (Q8_0 blocks for Q4_0/Q5_0/Q8_0/IQ4_NL…, Q8_K for the
    /// k-quants); the rounded copy is kept for the next product that wants the same rounding
    /// (Q, K and V of one layer may be of different types). f16 weights take activations
    /// rounded to f16 (ggml's `vec_dot_type` for F16).
    private func product(_ input: inout ProductInput, _ weight: Tensor, bias: Tensor? = nil, into y: Tensor) throws {
        let x = try rounded(&input, for: weight.dtype)
        try backend.matmul(x, weight: weight, layout: .outIn, bias: bias, into: y)
    }

    /// logits = x · headᵀ through the vocabulary table (split in row blocks where one buffer
    /// cannot hold it), x rounded as for any product.
    private func project(_ input: inout ProductInput, _ table: VocabularyTable, into y: Tensor) throws {
        try table.project(try rounded(&input, for: table.dtype), backend: backend, into: y)
    }

    /// Hidden rows that go through the LM head at once when every position's logits are wanted.
    static let logitRowsPerGroup = 64

    /// The input as llama.cpp would multiply it with `weightType`.
    private func rounded(_ input: inout ProductInput, for weightType: DType) throws -> Tensor {
        var x = input.exact
        if llamaCppRounding, let rounding = weightType.activationRounding ?? (weightType == .f16 ? .f16 : nil) {
            if let rounded = input.rounded, rounded.dtype == rounding {
                x = rounded.tensor
            } else {
                let scratch = activations.roundedInput.rows(x.rowCount, width: x.lastDimension)
                try backend.roundTrip(x, through: rounding, into: scratch)
                input.rounded = (rounding, scratch)
                x = scratch
            }
        }
        return x
    }
}

/// Scratch tensors for one batch of up to `rows` tokens, allocated once and viewed at each
/// call's length, so a step allocates nothing.
struct LlamaActivations: Sendable {
    let residual, residualAfterAttention, normed: Tensor   // [P, E]
    let query, attended: Tensor                            // [P, H·D]
    let key, value: Tensor                                 // [P, G·D]
    let projected: Tensor                                  // [P, E]
    let gate, up, activated: Tensor                        // [P, F]
    let lastHidden: Tensor                                 // [1, E]
    /// An activation rounded for a product with quantized weights (`LlamaModel.product`), as
    /// wide as the widest input.
    let roundedInput: Tensor                               // [P, max(E, H·D, F)]
    let logits: Tensor                                     // [1, vocab]

    init(backend: any Backend, config c: LlamaConfig, rows: Int) throws {
        func make(_ name: String, _ width: Int, rows: Int = rows) throws -> Tensor {
            try backend.empty(shape: [rows, width], dtype: .f32, name: name)
        }
        let (e, f, qWidth) = (c.embeddingLength, c.feedForwardLength, c.heads * c.headDimension)
        let kvWidth = c.keyValueHeads * c.headDimension
        residual = try make("residual", e)
        residualAfterAttention = try make("residual after attention", e)
        normed = try make("normed", e)
        query = try make("query", qWidth)
        attended = try make("attended", qWidth)
        key = try make("key", kvWidth)
        value = try make("value", kvWidth)
        projected = try make("projected", e)
        gate = try make("ffn gate", f)
        up = try make("ffn up", f)
        activated = try make("ffn activated", f)
        lastHidden = try make("last hidden", e, rows: 1)
        roundedInput = try make("rounded input", max(e, qWidth, f))
        logits = try make("logits", c.vocabularySize, rows: 1)
    }
}

import Compute
import Formats

/// Activations of one forward pass, allocated once per batch and reused by every layer.
/// Separate buffers for inputs and outputs: the ops do not promise in-place operation.
struct BERTWorkspace {
    let hidden, attended, query, key, value, context, projected, summed: Tensor
    let inner, activated: Tensor
    /// Per-sequence Q/K/V/output copies for attention, one set per distinct sequence length.
    var attentionScratch: [Int: (query: Tensor, key: Tensor, value: Tensor, output: Tensor)] = [:]

    init(rows: Int, config: BERTConfig, backend: any Backend) throws {
        func make(_ name: String, _ width: Int) throws -> Tensor {
            try backend.empty(shape: [rows, width], dtype: .f32, name: name)
        }
        let h = config.hiddenSize
        hidden = try make("hidden", h); attended = try make("attended", h)
        query = try make("query", h); key = try make("key", h); value = try make("value", h)
        context = try make("context", h); projected = try make("projected", h); summed = try make("summed", h)
        inner = try make("intermediate", config.intermediateSize)
        activated = try make("activated", config.intermediateSize)
    }
}

extension BERTModel {
    /// Runs embeddings and every encoder layer over the whole batch; returns the final hidden
    /// states [rows, hidden] on the backend, nothing read back.
    func encode(_ batch: PaddedBatch) throws -> Tensor {
        var work = try BERTWorkspace(rows: batch.rows, config: config, backend: backend)
        try embed(batch, into: work.hidden, using: work)
        if batch.count > 1 {
            // Padding rows of the context are never written by attention; keep them finite.
            try backend.fill(work.context, with: 0)
            for length in Set(batch.lengths) {
                func make(_ name: String) throws -> Tensor {
                    try backend.empty(shape: [length, config.hiddenSize], dtype: .f32, name: name)
                }
                work.attentionScratch[length] = (try make("query.seq"), try make("key.seq"),
                                                 try make("value.seq"), try make("context.seq"))
            }
        }
        for layer in weights.layers {
            try run(layer, batch: batch, work: work)
        }
        return work.hidden
    }

    /// word + position + token type (all type 0: single sentences), then LayerNorm.
    private func embed(_ batch: PaddedBatch, into output: Tensor, using work: BERTWorkspace) throws {
        try backend.embedding(ids: batch.ids, table: weights.wordEmbeddings, into: work.query)
        try backend.embedding(ids: batch.positionIDs, table: weights.positionEmbeddings, into: work.key)
        try backend.add(work.query, work.key, into: work.summed)
        try backend.embedding(ids: [Int32](repeating: 0, count: batch.rows), table: weights.tokenTypeEmbeddings,
                              into: work.value)
        try backend.add(work.summed, work.value, into: work.projected)
        let norm = weights.embeddingNorm
        try backend.layerNorm(work.projected, gamma: norm.gamma, beta: norm.beta, eps: eps, into: output)
    }

    var eps: Float { Float(config.layerNormEps) }

    /// One post-norm layer: x ← LN(x + Wo·attention(x)); x ← LN(x + W2·gelu(W1·x)).
    private func run(_ layer: BERTLayerWeights, batch: PaddedBatch, work: BERTWorkspace) throws {
        try layer.query(work.hidden, into: work.query, on: backend)
        try layer.key(work.hidden, into: work.key, on: backend)
        try layer.value(work.hidden, into: work.value, on: backend)
        try attend(batch, work: work)
        try layer.attentionOutput(work.context, into: work.projected, on: backend)
        try backend.add(work.projected, work.hidden, into: work.summed)
        try backend.layerNorm(work.summed, gamma: layer.attentionNorm.gamma, beta: layer.attentionNorm.beta,
                              eps: eps, into: work.attended)

        try layer.intermediate(work.attended, into: work.inner, on: backend)
        try backend.gelu(work.inner, approximation: .erf, into: work.activated)
        try layer.output(work.activated, into: work.projected, on: backend)
        try backend.add(work.projected, work.attended, into: work.summed)
        try backend.layerNorm(work.summed, gamma: layer.outputNorm.gamma, beta: layer.outputNorm.beta,
                              eps: eps, into: work.hidden)
    }

    /// Self-attention, one sequence at a time. Tensors have no row-offset views, so each
    /// sequence's real rows are copied out of the batch (a ranged `copy`), attended over
    /// exactly `length` keys, and copied back. Taking only the real rows means no key is
    /// padding, so no key mask is needed, and no work is spent on padding queries.
    private func attend(_ batch: PaddedBatch, work: BERTWorkspace) throws {
        let heads = config.numAttentionHeads, width = config.hiddenSize
        let scale = 1 / Float(config.headDimension).squareRoot()
        guard batch.count > 1 else {
            try backend.attention(query: work.query, key: work.key, value: work.value, heads: heads,
                                  keyLength: batch.paddedLength, causal: false, scale: scale, keyMask: nil,
                                  into: work.context)
            return
        }
        for index in 0..<batch.count {
            let length = batch.lengths[index], elements = batch.elements(of: index, width: width)
            guard let scratch = work.attentionScratch[length] else {
                throw ModelError.invalidArgument("no attention scratch for length \(length)")
            }
            try backend.copy(work.query, elements: elements, into: scratch.query, destinationOffset: 0)
            try backend.copy(work.key, elements: elements, into: scratch.key, destinationOffset: 0)
            try backend.copy(work.value, elements: elements, into: scratch.value, destinationOffset: 0)
            try backend.attention(query: scratch.query, key: scratch.key, value: scratch.value, heads: heads,
                                  keyLength: length, causal: false, scale: scale, keyMask: nil,
                                  into: scratch.output)
            try backend.copy(scratch.output, into: work.context, destinationOffset: elements.lowerBound)
        }
    }
}

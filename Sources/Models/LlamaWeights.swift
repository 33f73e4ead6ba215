import Compute
import Formats

/// One decoder block's weights on the backend: matrices as stored in the GGUF file (quantized
/// blocks stay blocks, f16 stays f16), norm weights and biases as f32. Optional parts are nil
/// where the family or the file has none.
struct LlamaLayerWeights: Sendable {
    let attentionNorm: Tensor                  // [E]
    let query: Tensor                          // [H·D, E]
    let key, value: Tensor                     // [G·D, E]
    /// Q/K/V biases (Qwen 2; any file that has `attn_q.bias`…).
    let queryBias, keyBias, valueBias: Tensor? // [H·D], [G·D], [G·D]
    /// Per-head RMSNorm weights of Q and K (Qwen 3, Gemma 3).
    let queryNorm, keyNorm: Tensor?            // [D]
    let output: Tensor                         // [E, H·D]
    let outputBias: Tensor?                    // [E]
    /// RMSNorm of the attention output before the residual add (Gemma 2/3).
    let postAttentionNorm: Tensor?             // [E]
    let feedForwardNorm: Tensor                // [E]
    let gate, up: Tensor                       // [F, E]
    let down: Tensor                           // [E, F]
    /// RMSNorm of the feed-forward output before the residual add (Gemma 2/3).
    let postFeedForwardNorm: Tensor?           // [E]
}

/// All of a decoder GGUF's weights, uploaded once, in llama.cpp's tensor names. Fused tensors
/// (`attn_qkv`, Phi-3's gate+up `ffn_up`) are split into row ranges as they are uploaded.
struct LlamaWeights: Sendable {
    let tokenEmbedding: VocabularyTable        // [vocab, E]
    /// `output.weight`, or the token embedding when the file ties them (no `output.weight`).
    let head: VocabularyTable                  // [vocab, E]
    let outputNorm: Tensor                     // [E]
    /// RoPE frequency divisors: `rope_freqs.weight` (Llama 3.x), else Phi-3's
    /// `rope_factors_long`/`_short` (long beyond the original context), as llama.cpp picks them.
    let ropeFactors: [Float]?                  // [D/2]
    let layers: [LlamaLayerWeights]

    /// `contextLength`: the KV cache's positions (chooses Phi-3's long or short factors).
    /// `batchSize`: the most tokens one forward pass looks up.
    init(gguf: GGUFFile, config: LlamaConfig, contextLength: Int, batchSize: Int, backend: any Backend,
         progress: LoadProgress? = nil) throws {
        let uploader = GGUFUploader(gguf: gguf, backend: backend, progress: progress)
        let (e, f, v, d) = (config.embeddingLength, config.feedForwardLength, config.vocabularySize, config.headDimension)
        let (qWidth, kvWidth) = (config.heads * d, config.keyValueHeads * d)
        func has(_ name: String) -> Bool { gguf.tensors.contains { $0.name == name } }
        func optionalVector(_ name: String, count: Int) throws -> Tensor? {
            has(name) ? try uploader.vector(name, count: count) : nil
        }

        tokenEmbedding = try uploader.table("token_embd.weight", rows: v, width: e, maxRows: batchSize,
                                            projectRows: LlamaModel.logitRowsPerGroup)
        let hasOutput = !config.alwaysTiedOutput && has("output.weight")
        head = hasOutput ? try uploader.table("output.weight", rows: v, width: e, maxRows: batchSize,
                                              projectRows: LlamaModel.logitRowsPerGroup) : tokenEmbedding
        outputNorm = try uploader.vector("output_norm.weight", count: e)
        // Before anything is sized by the count: it must match the blocks the file holds.
        try config.checkBlockCount(in: gguf)
        let longFactors = contextLength > config.ropeOriginalContext
        let factorNames = ["rope_freqs.weight", longFactors ? "rope_factors_long.weight" : "rope_factors_short.weight"]
        ropeFactors = try factorNames.first(where: has).map { name in
            try uploader.checkedVector(name, count: d / 2)
        }
        layers = try (0..<config.layers).map { layer in
            let b = "blk.\(layer)."
            let query, key, value: Tensor
            var queryBias, keyBias, valueBias: Tensor?
            if has(b + "attn_qkv.weight") {
                let fused = b + "attn_qkv.weight", widths = [qWidth, kvWidth, kvWidth]
                let parts = try uploader.rowSlices(fused, widths: widths, columns: e)
                (query, key, value) = (parts[0], parts[1], parts[2])
                if has(b + "attn_qkv.bias") {
                    let biases = try uploader.vectorSlices(b + "attn_qkv.bias", widths: widths)
                    (queryBias, keyBias, valueBias) = (biases[0], biases[1], biases[2])
                }
            } else {
                query = try uploader.matrix(b + "attn_q.weight", shape: [qWidth, e])
                key = try uploader.matrix(b + "attn_k.weight", shape: [kvWidth, e])
                value = try uploader.matrix(b + "attn_v.weight", shape: [kvWidth, e])
            }
            queryBias = try queryBias ?? optionalVector(b + "attn_q.bias", count: qWidth)
            keyBias = try keyBias ?? optionalVector(b + "attn_k.bias", count: kvWidth)
            valueBias = try valueBias ?? optionalVector(b + "attn_v.bias", count: kvWidth)
            let gate, up: Tensor
            if config.fusedGateUp {
                let parts = try uploader.rowSlices(b + "ffn_up.weight", widths: [f, f], columns: e)
                (gate, up) = (parts[0], parts[1])
            } else {
                gate = try uploader.matrix(b + "ffn_gate.weight", shape: [f, e])
                up = try uploader.matrix(b + "ffn_up.weight", shape: [f, e])
            }
            return LlamaLayerWeights(
                attentionNorm: try uploader.vector(b + "attn_norm.weight", count: e),
                query: query, key: key, value: value,
                queryBias: queryBias, keyBias: keyBias, valueBias: valueBias,
                queryNorm: config.queryKeyNorm ? try uploader.vector(b + "attn_q_norm.weight", count: d) : nil,
                keyNorm: config.queryKeyNorm ? try uploader.vector(b + "attn_k_norm.weight", count: d) : nil,
                output: try uploader.matrix(b + "attn_output.weight", shape: [e, qWidth]),
                outputBias: try optionalVector(b + "attn_output.bias", count: e),
                postAttentionNorm: config.postNorms ? try uploader.vector(b + "post_attention_norm.weight", count: e) : nil,
                feedForwardNorm: try uploader.vector(b + "ffn_norm.weight", count: e),
                gate: gate, up: up,
                down: try uploader.matrix(b + "ffn_down.weight", shape: [e, f]),
                postFeedForwardNorm: config.postNorms ? try uploader.vector(b + "post_ffw_norm.weight", count: e) : nil)
        }
    }
}

/// Moves GGUF tensors onto a backend after checking their shapes against the configuration.
struct GGUFUploader {
    let gguf: GGUFFile
    let backend: any Backend
    var progress: LoadProgress? = nil

    /// A weight matrix in its stored type where the kernels read it (F32, F16 and the quantized
    /// types: the bytes are handed over as they are); BF16 is widened to f32. Any other type is
    /// an error naming the tensor, its type and the supported ones.
    func matrix(_ name: String, shape: [Int]) throws -> Tensor {
        let info = try checked(name, shape: shape)
        if info.type == .bf16 {
            return try backend.tensor(try gguf.floats(named: name), shape: shape, dtype: .f32, name: name)
        }
        guard let dtype = DType(ggml: info.type), dtype != .q8_K else {
            throw FormatError.unsupportedTensorType(file: gguf.path, tensor: name, type: info.type.rawValue,
                                                    typeName: info.type.name)
        }
        // In place on the CPU (the file's pages are the weights), uploaded elsewhere.
        let (bytes, owner) = try gguf.mappedBytes(of: name)
        return try backend.tensor(mapped: bytes, owner: owner, shape: shape, dtype: dtype, name: name)
    }

    /// A [rows, width] vocabulary matrix (token embedding, LM head) as a `VocabularyTable`: one
    /// tensor where the backend takes it, row blocks of the stored bytes where it is over the
    /// device's buffer limit.
    func table(_ name: String, rows: Int, width: Int, maxRows: Int, projectRows: Int) throws -> VocabularyTable {
        let info = try checked(name, shape: [rows, width])
        guard info.type != .bf16 else {
            return try VocabularyTable(backend: backend, values: try gguf.floats(named: name), rows: rows, width: width,
                                       dtype: .f32, name: name, maxRows: maxRows)
        }
        guard let dtype = DType(ggml: info.type), dtype != .q8_K else {
            throw FormatError.unsupportedTensorType(file: gguf.path, tensor: name, type: info.type.rawValue,
                                                    typeName: info.type.name)
        }
        let (bytes, owner) = try gguf.mappedBytes(of: name)
        let rowBytes = bytes.count / max(1, rows)
        return try VocabularyTable(backend: backend, rows: rows, width: width, name: name, maxRows: maxRows,
                                   projectRows: projectRows) { range, blockName in
            let slice = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound * rowBytes)..<(range.upperBound * rowBytes)])
            return try backend.tensor(mapped: slice, owner: owner, shape: [range.count, width], dtype: dtype, name: blockName)
        }
    }

    /// A norm weight, which the ops take as f32 whatever the file stores.
    func vector(_ name: String, count: Int) throws -> Tensor {
        _ = try checked(name, shape: [count])
        return try backend.tensor(try gguf.floats(named: name), shape: [count], dtype: .f32, name: name)
    }

    func checked(_ name: String, shape: [Int]) throws(FormatError) -> GGUFTensorInfo {
        guard let info = try? gguf.tensor(named: name) else {
            throw .shapeMismatch(file: gguf.path, tensor: name, expected: shape, found: nil)
        }
        guard info.shape == shape else {
            throw .shapeMismatch(file: gguf.path, tensor: name, expected: shape, found: info.shape)
        }
        progress?.starting(info.byteCount)
        return info
    }
}

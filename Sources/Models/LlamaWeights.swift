import Compute
import Formats

/// One Llama block's weights on the backend: matrices as stored in the GGUF file (quantized
/// blocks stay blocks, f16 stays f16), norm weights as f32.
struct LlamaLayerWeights: Sendable {
    let attentionNorm: Tensor                  // [E]
    let query: Tensor                          // [H·D, E]
    let key, value: Tensor                     // [G·D, E]
    let output: Tensor                         // [E, H·D]
    let feedForwardNorm: Tensor                // [E]
    let gate, up: Tensor                       // [F, E]
    let down: Tensor                           // [E, F]
}

/// All of a Llama GGUF's weights, uploaded once, in llama.cpp's tensor names.
struct LlamaWeights: Sendable {
    let tokenEmbedding: Tensor                 // [vocab, E]
    /// `output.weight`, or the token embedding when the file ties them (no `output.weight`).
    let head: Tensor                           // [vocab, E]
    let outputNorm: Tensor                     // [E]
    let layers: [LlamaLayerWeights]

    init(gguf: GGUFFile, config: LlamaConfig, backend: any Backend) throws {
        let uploader = GGUFUploader(gguf: gguf, backend: backend)
        let (e, f, v) = (config.embeddingLength, config.feedForwardLength, config.vocabularySize)
        let (qWidth, kvWidth) = (config.heads * config.headDimension, config.keyValueHeads * config.headDimension)

        tokenEmbedding = try uploader.matrix("token_embd.weight", shape: [v, e])
        let hasOutput = gguf.tensors.contains { $0.name == "output.weight" }
        head = hasOutput ? try uploader.matrix("output.weight", shape: [v, e]) : tokenEmbedding
        outputNorm = try uploader.vector("output_norm.weight", count: e)
        // Before anything is sized by the count: it must match the blocks the file holds.
        try config.checkBlockCount(in: gguf)
        layers = try (0..<config.layers).map { layer in
            let b = "blk.\(layer)."
            return LlamaLayerWeights(
                attentionNorm: try uploader.vector(b + "attn_norm.weight", count: e),
                query: try uploader.matrix(b + "attn_q.weight", shape: [qWidth, e]),
                key: try uploader.matrix(b + "attn_k.weight", shape: [kvWidth, e]),
                value: try uploader.matrix(b + "attn_v.weight", shape: [kvWidth, e]),
                output: try uploader.matrix(b + "attn_output.weight", shape: [e, qWidth]),
                feedForwardNorm: try uploader.vector(b + "ffn_norm.weight", count: e),
                gate: try uploader.matrix(b + "ffn_gate.weight", shape: [f, e]),
                up: try uploader.matrix(b + "ffn_up.weight", shape: [f, e]),
                down: try uploader.matrix(b + "ffn_down.weight", shape: [e, f]))
        }
    }
}

/// Moves GGUF tensors onto a backend after checking their shapes against the configuration.
struct GGUFUploader {
    let gguf: GGUFFile
    let backend: any Backend

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

    /// A norm weight, which the ops take as f32 whatever the file stores.
    func vector(_ name: String, count: Int) throws -> Tensor {
        _ = try checked(name, shape: [count])
        return try backend.tensor(try gguf.floats(named: name), shape: [count], dtype: .f32, name: name)
    }

    private func checked(_ name: String, shape: [Int]) throws(FormatError) -> GGUFTensorInfo {
        guard let info = try? gguf.tensor(named: name) else {
            throw .shapeMismatch(file: gguf.path, tensor: name, expected: shape, found: nil)
        }
        guard info.shape == shape else {
            throw .shapeMismatch(file: gguf.path, tensor: name, expected: shape, found: info.shape)
        }
        return info
    }
}

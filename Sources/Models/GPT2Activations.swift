import Compute

/// Scratch tensors for one forward chunk, allocated once at the longest chunk (n_positions
/// rows) and viewed at each call's length, so a step allocates nothing.
struct GPT2Activations: Sendable {
    let residual, residualAfterAttention: Tensor   // [P, E]: the stream, ping-ponged
    let normed: Tensor                             // [P, E]: ln_1 / ln_2 output, token embeddings
    let qkv: Tensor                                // [P, 3E]: c_attn output
    let query, key, value: Tensor                  // [P, E]: qkv split
    let attended: Tensor                           // [P, E]: attention output, position embeddings
    let projected: Tensor                          // [P, E]: c_proj outputs
    let mlpHidden, mlpActivated: Tensor            // [P, inner]
    let lastHidden, lastNormed: Tensor             // [1, E]
    let logits: Tensor                             // [1, vocab]

    init(backend: any Backend, rows: Int, width: Int, inner: Int, vocabulary: Int) throws {
        func make(_ name: String, _ shape: [Int]) throws -> Tensor {
            try backend.empty(shape: shape, dtype: .f32, name: name)
        }
        residual = try make("residual", [rows, width])
        residualAfterAttention = try make("residual after attention", [rows, width])
        normed = try make("normed", [rows, width])
        qkv = try make("qkv", [rows, 3 * width])
        query = try make("query", [rows, width])
        key = try make("key", [rows, width])
        value = try make("value", [rows, width])
        attended = try make("attended", [rows, width])
        projected = try make("projected", [rows, width])
        mlpHidden = try make("mlp hidden", [rows, inner])
        mlpActivated = try make("mlp activated", [rows, inner])
        lastHidden = try make("last hidden", [1, width])
        lastNormed = try make("last normed", [1, width])
        logits = try make("logits", [1, vocabulary])
    }
}

/// How a weight matrix of a linear layer is laid out in memory.
public enum WeightLayout: String, Sendable, CaseIterable {
    /// `[out, in]`: Hugging Face `nn.Linear` (BERT, Llama). y = x · Wᵀ.
    case outIn
    /// `[in, out]`: GPT-2's `Conv1D`. y = x · W.
    case inOut
}

public enum GELUApproximation: String, Sendable, CaseIterable {
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): GPT-2's `gelu_new`.
    case tanh
    /// 0.5·x·(1 + erf(x/√2)): BERT's exact GELU.
    case erf
}

/// The op set every backend implements. Ops may run asynchronously: they are ordered, and
/// `read` (or `synchronize`) waits for everything recorded before it.
///
/// Conventions: tensors are row-major; "rows" means all leading dimensions flattened, ops
/// reduce over the last dimension. Outputs are written, never accumulated into.
public protocol Backend: AnyObject, Sendable {
    /// Short name: "cpu" or "vulkan".
    var name: String { get }
    /// One line describing the device (for logs and benchmark headers).
    var deviceDescription: String { get }

    /// A new tensor holding `values`, stored as `dtype` (f32 values are rounded to f16 if asked).
    func tensor(_ values: [Float], shape: [Int], dtype: DType, name: String) throws -> Tensor
    /// A new tensor holding `rawBytes` as stored (f32/f16 little-endian elements, or ggml
    /// blocks for the quantized types, as read from a GGUF file). The byte count must be
    /// exactly what `shape` takes in `dtype`, else `shapeMismatch`.
    func tensor(rawBytes: UnsafeRawBufferPointer, shape: [Int], dtype: DType, name: String) throws -> Tensor
    /// A tensor over stored bytes that stay where they are (a memory-mapped model file), kept
    /// alive by `owner`; the same checks as `tensor(rawBytes:)`. Backends that read host memory
    /// in place (the CPU) use the bytes without copying them, so a model costs its file's pages
    /// once; the others upload a copy. The tensor is read-only: it may only be an input.
    func tensor(mapped bytes: UnsafeRawBufferPointer, owner: AnyObject & Sendable, shape: [Int], dtype: DType,
                name: String) throws -> Tensor
    /// A new tensor with unspecified contents.
    func empty(shape: [Int], dtype: DType, name: String) throws -> Tensor
    /// The tensor's elements as f32, after all recorded work has finished (plain types only).
    func read(_ tensor: Tensor) throws -> [Float]
    /// Sets every element to `value` (tests poison outputs with NaN this way; plain types only).
    func fill(_ tensor: Tensor, with value: Float) throws
    /// Waits until all recorded work has finished.
    func synchronize() throws

    /// y[M,N] = x[M,K] · W (+ bias[N]), W laid out as `layout`, f32 or f16; Q8_0/Q4_0/Q4_1
    /// weights only as `.outIn` with K a multiple of 32 (blocks run along K).
    func matmul(_ x: Tensor, weight: Tensor, layout: WeightLayout, bias: Tensor?, into y: Tensor) throws
    /// Row-wise softmax of `scale · x`. With `causal`, x is [..., T, S] (S ≥ T) and query t of a
    /// block sees keys 0...(S - T + t); masked entries come out as 0.
    func softmax(_ x: Tensor, scale: Float, causal: Bool, into y: Tensor) throws
    /// Row-wise (x - mean) / sqrt(var + eps) · gamma + beta.
    func layerNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float, into y: Tensor) throws
    func gelu(_ x: Tensor, approximation: GELUApproximation, into y: Tensor) throws
    /// y = a + b, same shapes.
    func add(_ a: Tensor, _ b: Tensor, into y: Tensor) throws

    /// Llama's RMSNorm, row-wise over the last dimension: y = x / sqrt(mean(x²) + eps) · weight,
    /// weight with as many elements as a row. y may be x.
    func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float, into y: Tensor) throws
    /// y = silu(gate) · up = gate / (1 + e^(−gate)) · up, elementwise, all three the same shape
    /// (Llama's feed-forward gate). Finite for any finite gate (±100 included).
    func swiGLU(gate: Tensor, up: Tensor, into y: Tensor) throws
    /// Rotary position embedding of x [T, heads·headDim] (f32), row t at position `position + t`.
    ///
    /// llama.cpp's "normal" mode, the one it uses for LLaMA GGUF files: within each head, the
    /// adjacent pair (2i, 2i+1) is rotated by the angle p · base^(−2i/headDim):
    /// y₂ᵢ = x₂ᵢ·cos − x₂ᵢ₊₁·sin, y₂ᵢ₊₁ = x₂ᵢ·sin + x₂ᵢ₊₁·cos.
    /// Hugging Face's Llama instead rotates the halves (i, i + headDim/2) ("rotate_half"); the
    /// GGUF converter permutes the rows of the Q and K weights so that the adjacent-pair form on
    /// GGUF weights gives the same attention scores. Q/K read from safetensors (un-permuted)
    /// need that permutation before this op applies to them.
    ///
    /// In place (y is x) is allowed: the model rotates Q and K where they lie.
    func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, base: Float, into y: Tensor) throws

    /// Rotary position embedding with every variant `RotaryEmbedding` describes: pairing
    /// (adjacent or halves), θ base, linear frequency scale and per-pair frequency factors. The
    /// `rope(_:heads:headDim:position:base:into:)` above is this with `.adjacent` pairs and no
    /// scaling. y may be x.
    func rope(_ x: Tensor, heads: Int, headDim: Int, position: Int, rotary: RotaryEmbedding, into y: Tensor) throws
    /// y = gelu_tanh(gate) · up elementwise (Gemma's gated feed-forward, ggml's `geglu`), with
    /// gelu_tanh(g) = 0.5·g·(1 + tanh(√(2/π)·(g + 0.044715·g³))). All three the same shape.
    func geGLU(gate: Tensor, up: Tensor, into y: Tensor) throws
    /// y = factor · x elementwise (Gemma's √d embedding scale, pre-scaled queries). y may be x.
    func scale(_ x: Tensor, by factor: Float, into y: Tensor) throws
    /// y = cap · tanh(x / cap) elementwise (Gemma 2's final logit soft-capping). y may be x.
    func softcap(_ x: Tensor, cap: Float, into y: Tensor) throws
    /// `attention(query:key:value:heads:keyLength:causal:scale:keyMask:into:)` with two more masks:
    /// - `slidingWindow` w (causal only): the query at position p sees keys at positions
    ///   p − w + 1 ... p (llama.cpp masks p − k ≥ w).
    /// - `softcap` c: each score s = scale·q·k becomes c · tanh(s / c) before the softmax.
    func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                   scale: Float, keyMask: Tensor?, slidingWindow: Int?, softcap: Float?, into y: Tensor) throws

    /// y = x rounded through `dtype` and back to f32: what x becomes when stored as `dtype`.
    /// - `.q8_0`: per block of 32 along the last dimension (which must hold whole blocks),
    ///   d = f16(max|x|/127), q = x·127/max|x| rounded half to even, y = d·q — ggml's AVX2
    ///   `quantize_row_q8_0`/`q8_1`, i.e. how llama.cpp's CPU backend rounds the activations it
    ///   multiplies with quantized weights. Applied before a matmul with Q8_0/Q4_0/Q4_1 weights,
    ///   it gives llama.cpp's numbers (and its answers) instead of more exact f32 ones.
    /// - `.f16`: each element rounded to the nearest f16 (llama.cpp's f16 KV cache).
    /// Other dtypes are `dtypeNotSupported`. y may be x.
    func roundTrip(_ x: Tensor, through dtype: DType, into y: Tensor) throws

    /// Token embedding lookup: row `ids[i]` of `table` [vocab, dim] (any dtype: quantized rows,
    /// such as a GGUF Q8_0 `token_embd`, are dequantized) becomes row i of y [ids.count, dim] (f32). An id outside 0..<vocab is an `invalidArgument` error, checked
    /// before any work is recorded.
    func embedding(ids: [Int32], table: Tensor, into y: Tensor) throws
    /// Fused multi-head scaled-dot-product attention for one sequence.
    ///
    /// query [T, H·D]; key and value [S_max, G·D], of which the first `keyLength` rows are used
    /// (a KV cache: S_max ≥ keyLength ≥ 1); y [T, H·D]. For each head, scores = scale · q·k,
    /// softmax over the keys, then the weighted sum of the value rows. G = H is plain multi-head
    /// attention; G < H (G dividing H) is grouped-query attention, query head h reading K/V
    /// head h / (H/G), as Llama's n_head_kv does.
    /// - `causal`: query t sees keys 0...(keyLength − T + t), which needs keyLength ≥ T (the
    ///   queries are the last T positions of the sequence).
    /// - `keyMask`: f32 with at least `keyLength` elements; 0 marks a padding key (zero weight),
    ///   anything else attends. A query that sees no key at all gets an output row of zeros.
    /// y must not share storage with the inputs.
    func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, keyLength: Int, causal: Bool,
                   scale: Float, keyMask: Tensor?, into y: Tensor) throws
    /// Copies every element of `source` into `destination`, starting at element
    /// `destinationOffset` (appending K/V rows to a cache). f32 only; the two must not share storage.
    func copy(_ source: Tensor, into destination: Tensor, destinationOffset: Int) throws
    /// Copies the flat element range `elements` of `source` into `destination`, starting at element
    /// `destinationOffset`. Tensors have no row-offset views, so this is how one sequence's rows are
    /// taken out of a padded batch (BERT's per-sequence attention). f32 only; no shared storage.
    func copy(_ source: Tensor, elements: Range<Int>, into destination: Tensor, destinationOffset: Int) throws
}

extension Backend {
    /// Copies, for backends whose memory is not the host's.
    public func tensor(mapped bytes: UnsafeRawBufferPointer, owner: AnyObject & Sendable, shape: [Int], dtype: DType,
                       name: String) throws -> Tensor {
        try tensor(rawBytes: bytes, shape: shape, dtype: dtype, name: name)
    }

    public func tensor(_ values: [Float], shape: [Int], dtype: DType = .f32) throws -> Tensor {
        try tensor(values, shape: shape, dtype: dtype, name: "tensor")
    }
    public func empty(shape: [Int], dtype: DType = .f32) throws -> Tensor {
        try empty(shape: shape, dtype: dtype, name: "tensor")
    }
}

import Compute
import Formats

/// One transformer block's weights, on the backend. Matmul weights keep the checkpoint's
/// precision (f16 stays f16); norms and biases are f32, which every kernel takes.
struct GPT2LayerWeights: Sendable {
    let ln1Gamma, ln1Beta: Tensor
    let attentionWeight, attentionBias: Tensor      // c_attn: [E, 3E], [3E]
    let attentionProjection, attentionProjectionBias: Tensor
    let ln2Gamma, ln2Beta: Tensor
    let mlpUp, mlpUpBias: Tensor                    // c_fc: [E, inner]
    let mlpDown, mlpDownBias: Tensor                // c_proj: [inner, E]
}

/// All of GPT-2's weights, uploaded once.
struct GPT2Weights: Sendable {
    let tokenEmbedding: VocabularyTable
    /// `lm_head.weight` of an untied checkpoint; nil when the head reuses `tokenEmbedding`.
    let untiedHead: VocabularyTable?
    let positionEmbedding: Tensor
    let layers: [GPT2LayerWeights]
    let lnFGamma, lnFBeta: Tensor

    var head: VocabularyTable { untiedHead ?? tokenEmbedding }

    init(checked: CheckedWeights, config: GPT2Config, backend: any Backend, maxChunk: Int) throws {
        /// Uploads a weight in its stored precision when that is f16, else as f32.
        func matrix(_ name: String) throws -> Tensor {
            let dtype: DType = checked.tensors[name]?.dtype == .f16 ? .f16 : .f32
            return try upload(name, dtype: dtype)
        }
        func vector(_ name: String) throws -> Tensor { try upload(name, dtype: .f32) }
        func upload(_ name: String, dtype: DType) throws -> Tensor {
            let shape = checked.tensors[name]?.shape ?? []
            return try backend.tensor(try checked.floats(name), shape: shape, dtype: dtype, name: name)
        }
        func table(_ name: String) throws -> VocabularyTable {
            let dtype: DType = checked.tensors[name]?.dtype == .f16 ? .f16 : .f32
            return try VocabularyTable(backend: backend, values: try checked.floats(name), rows: config.vocabSize,
                                       width: config.nEmbd, dtype: dtype, name: name, maxRows: maxChunk)
        }

        tokenEmbedding = try table("wte.weight")
        untiedHead = config.tieWordEmbeddings ? nil : try table("lm_head.weight")
        positionEmbedding = try matrix("wpe.weight")
        layers = try (0..<config.nLayer).map { layer in
            let h = "h.\(layer)."
            return GPT2LayerWeights(
                ln1Gamma: try vector(h + "ln_1.weight"), ln1Beta: try vector(h + "ln_1.bias"),
                attentionWeight: try matrix(h + "attn.c_attn.weight"), attentionBias: try vector(h + "attn.c_attn.bias"),
                attentionProjection: try matrix(h + "attn.c_proj.weight"),
                attentionProjectionBias: try vector(h + "attn.c_proj.bias"),
                ln2Gamma: try vector(h + "ln_2.weight"), ln2Beta: try vector(h + "ln_2.bias"),
                mlpUp: try matrix(h + "mlp.c_fc.weight"), mlpUpBias: try vector(h + "mlp.c_fc.bias"),
                mlpDown: try matrix(h + "mlp.c_proj.weight"), mlpDownBias: try vector(h + "mlp.c_proj.bias"))
        }
        lnFGamma = try vector("ln_f.weight")
        lnFBeta = try vector("ln_f.bias")
    }
}

extension GPT2Config {
    /// GPT-2's tensors as transformers' GPT2Model names them. Conv1D weights are stored
    /// [in, out], the transpose of a Linear. The causal-mask buffers `h.N.attn.bias` are not
    /// listed: they are not weights (see `TensorNames.nonWeightBufferPatterns`).
    public func expectedTensors() -> [ExpectedTensor] {
        let embd = nEmbd
        var tensors = [
            ExpectedTensor("wte.weight", [vocabSize, embd]),
            ExpectedTensor("wpe.weight", [nPositions, embd]),
        ]
        for layer in 0..<nLayer {
            let h = "h.\(layer)."
            tensors += [
                ExpectedTensor(h + "ln_1.weight", [embd]),
                ExpectedTensor(h + "ln_1.bias", [embd]),
                ExpectedTensor(h + "attn.c_attn.weight", [embd, 3 * embd]),
                ExpectedTensor(h + "attn.c_attn.bias", [3 * embd]),
                ExpectedTensor(h + "attn.c_proj.weight", [embd, embd]),
                ExpectedTensor(h + "attn.c_proj.bias", [embd]),
                ExpectedTensor(h + "ln_2.weight", [embd]),
                ExpectedTensor(h + "ln_2.bias", [embd]),
                ExpectedTensor(h + "mlp.c_fc.weight", [embd, nInner]),
                ExpectedTensor(h + "mlp.c_fc.bias", [nInner]),
                ExpectedTensor(h + "mlp.c_proj.weight", [nInner, embd]),
                ExpectedTensor(h + "mlp.c_proj.bias", [embd]),
            ]
        }
        tensors += [
            ExpectedTensor("ln_f.weight", [embd]),
            ExpectedTensor("ln_f.bias", [embd]),
            // Tied checkpoints usually drop it; an untied one cannot do without it.
            ExpectedTensor("lm_head.weight", [vocabSize, embd], required: !tieWordEmbeddings),
        ]
        return tensors
    }
}

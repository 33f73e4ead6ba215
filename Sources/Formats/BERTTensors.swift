extension BERTConfig {
    /// BERT's tensors as transformers' BertModel names them (BertFor* heads add a `bert.`
    /// prefix to these, which lookup tolerates). Linear weights are stored [out, in].
    /// Which head tensors are required follows `head`; the others are checked only if present.
    /// `embeddings.position_ids` is a buffer, not a weight, and is not listed.
    public func expectedTensors() -> [ExpectedTensor] {
        let hidden = hiddenSize
        func linear(_ name: String, out: Int, in inputs: Int, required: Bool = true) -> [ExpectedTensor] {
            [ExpectedTensor(name + ".weight", [out, inputs], required: required),
             ExpectedTensor(name + ".bias", [out], required: required)]
        }
        func norm(_ name: String, required: Bool = true) -> [ExpectedTensor] {
            [ExpectedTensor(name + ".weight", [hidden], required: required),
             ExpectedTensor(name + ".bias", [hidden], required: required)]
        }

        var tensors = [
            ExpectedTensor("embeddings.word_embeddings.weight", [vocabSize, hidden]),
            ExpectedTensor("embeddings.position_embeddings.weight", [maxPositionEmbeddings, hidden]),
            ExpectedTensor("embeddings.token_type_embeddings.weight", [typeVocabSize, hidden]),
        ] + norm("embeddings.LayerNorm")

        for layer in 0..<numHiddenLayers {
            let prefix = "encoder.layer.\(layer)."
            tensors += linear(prefix + "attention.self.query", out: hidden, in: hidden)
            tensors += linear(prefix + "attention.self.key", out: hidden, in: hidden)
            tensors += linear(prefix + "attention.self.value", out: hidden, in: hidden)
            tensors += linear(prefix + "attention.output.dense", out: hidden, in: hidden)
            tensors += norm(prefix + "attention.output.LayerNorm")
            tensors += linear(prefix + "intermediate.dense", out: intermediateSize, in: hidden)
            tensors += linear(prefix + "output.dense", out: hidden, in: intermediateSize)
            tensors += norm(prefix + "output.LayerNorm")
        }

        let classifies = head == .sequenceClassification
        let predictsTokens = head == .maskedLM || head == .preTraining
        // Sequence classification reads the pooled [CLS]; BertForMaskedLM saves no pooler.
        tensors += linear("pooler.dense", out: hidden, in: hidden, required: classifies || head == .preTraining)

        tensors += linear("cls.predictions.transform.dense", out: hidden, in: hidden, required: predictsTokens)
        tensors += norm("cls.predictions.transform.LayerNorm", required: predictsTokens)
        tensors.append(ExpectedTensor("cls.predictions.bias", [vocabSize], required: predictsTokens))
        // Tied to the word embeddings and to cls.predictions.bias; safetensors saves drop them.
        tensors += linear("cls.predictions.decoder", out: vocabSize, in: hidden, required: false)
        tensors += linear("cls.seq_relationship", out: 2, in: hidden, required: head == .preTraining)

        tensors += linear("classifier", out: numLabels, in: hidden,
                          required: classifies || head == .tokenClassification)
        return tensors
    }
}

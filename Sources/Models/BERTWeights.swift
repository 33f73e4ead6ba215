import Compute
import Formats

/// A Linear layer as Hugging Face stores it: weight [out, in] (`.outIn`), bias [out].
struct Linear: Sendable {
    let weight: Tensor
    let bias: Tensor
    var outputs: Int { weight.shape[0] }

    init(_ name: String, _ uploader: WeightUploader) throws {
        weight = try uploader.upload(name + ".weight")
        bias = try uploader.upload(name + ".bias")
    }

    func callAsFunction(_ x: Tensor, into y: Tensor, on backend: any Backend) throws {
        try backend.matmul(x, weight: weight, layout: .outIn, bias: bias, into: y)
    }
}

struct Norm: Sendable {
    let gamma: Tensor
    let beta: Tensor

    init(_ name: String, _ uploader: WeightUploader) throws {
        gamma = try uploader.upload(name + ".weight")
        beta = try uploader.upload(name + ".bias")
    }
}

struct BERTLayerWeights: Sendable {
    let query, key, value, attentionOutput: Linear
    let attentionNorm: Norm
    let intermediate, output: Linear
    let outputNorm: Norm

    init(layer: Int, _ uploader: WeightUploader) throws {
        let prefix = "encoder.layer.\(layer)."
        query = try Linear(prefix + "attention.self.query", uploader)
        key = try Linear(prefix + "attention.self.key", uploader)
        value = try Linear(prefix + "attention.self.value", uploader)
        attentionOutput = try Linear(prefix + "attention.output.dense", uploader)
        attentionNorm = try Norm(prefix + "attention.output.LayerNorm", uploader)
        intermediate = try Linear(prefix + "intermediate.dense", uploader)
        output = try Linear(prefix + "output.dense", uploader)
        outputNorm = try Norm(prefix + "output.LayerNorm", uploader)
    }
}

/// `cls.predictions`: transform (dense + GELU + LayerNorm), then a decoder tied to the word
/// embeddings (its own weight only where the checkpoint stores an untied one).
struct MaskedLMHeadWeights: Sendable {
    let transform: Linear
    let transformNorm: Norm
    let decoderWeight: Tensor
    let decoderBias: Tensor

    init?(_ uploader: WeightUploader, wordEmbeddings: Tensor) throws {
        guard uploader.has("cls.predictions.transform.dense.weight") else { return nil }
        transform = try Linear("cls.predictions.transform.dense", uploader)
        transformNorm = try Norm("cls.predictions.transform.LayerNorm", uploader)
        decoderWeight = try uploader.uploadIfPresent("cls.predictions.decoder.weight") ?? wordEmbeddings
        decoderBias = try uploader.uploadIfPresent("cls.predictions.decoder.bias")
            ?? uploader.upload("cls.predictions.bias")
    }
}

/// Sequence classification: the pooler (dense over [CLS], then tanh) and the classifier.
/// The pooler's matmul runs on the backend; tanh and the tiny classifier run on the host.
struct ClassifierHeadWeights: Sendable {
    let pooler: Linear
    let classifierWeight: [Float]
    let classifierBias: [Float]
    let labels: Int

    init?(_ uploader: WeightUploader) throws {
        guard uploader.has("classifier.weight"), uploader.has("pooler.dense.weight") else { return nil }
        pooler = try Linear("pooler.dense", uploader)
        classifierWeight = try uploader.hostFloats("classifier.weight")
        classifierBias = try uploader.hostFloats("classifier.bias")
        labels = classifierBias.count
    }
}

/// Every weight of a BERT checkpoint, uploaded to one backend.
struct BERTWeights: Sendable {
    let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings: Tensor
    let embeddingNorm: Norm
    let layers: [BERTLayerWeights]
    let maskedLM: MaskedLMHeadWeights?
    let classifier: ClassifierHeadWeights?

    init(_ checked: CheckedWeights, config: BERTConfig, backend: any Backend) throws {
        let uploader = WeightUploader(weights: checked, backend: backend)
        wordEmbeddings = try uploader.upload("embeddings.word_embeddings.weight")
        positionEmbeddings = try uploader.upload("embeddings.position_embeddings.weight")
        tokenTypeEmbeddings = try uploader.upload("embeddings.token_type_embeddings.weight")
        embeddingNorm = try Norm("embeddings.LayerNorm", uploader)
        layers = try (0..<config.numHiddenLayers).map { try BERTLayerWeights(layer: $0, uploader) }
        maskedLM = try MaskedLMHeadWeights(uploader, wordEmbeddings: wordEmbeddings)
        classifier = try ClassifierHeadWeights(uploader)
    }
}

import Compute
import Formats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BERTModel {
    /// Masked-LM logits [length × vocab] per sequence (BertForMaskedLM / BertForPreTraining).
    /// Runs transform → GELU → LayerNorm → tied decoder on the backend; one read per batch.
    public func maskedLMLogits(_ sequences: [[Int]]) throws -> [[Float]] {
        guard let head = weights.maskedLM else { throw ModelError.missingHead(head: "masked-LM (cls.predictions)", file: source) }
        let batch = try batch(sequences)
        let hidden = try encode(batch)
        let rows = batch.rows, width = config.hiddenSize, vocabulary = head.decoderWeight.shape[0]
        let transformed = try backend.empty(shape: [rows, width], dtype: .f32, name: "mlm.transformed")
        let activated = try backend.empty(shape: [rows, width], dtype: .f32, name: "mlm.activated")
        let normed = try backend.empty(shape: [rows, width], dtype: .f32, name: "mlm.normed")
        let logits = try backend.empty(shape: [rows, vocabulary], dtype: .f32, name: "mlm.logits")
        try head.transform(hidden, into: transformed, on: backend)
        try backend.gelu(transformed, approximation: .erf, into: activated)
        try backend.layerNorm(activated, gamma: head.transformNorm.gamma, beta: head.transformNorm.beta,
                              eps: eps, into: normed)
        try backend.matmul(normed, weight: head.decoderWeight, layout: .outIn, bias: head.decoderBias, into: logits)
        let states = TokenStates(values: try backend.read(logits), batch: batch, width: vocabulary)
        return (0..<batch.count).map(states.sequence)
    }

    /// Sequence-classification logits [labels] per sequence (BertForSequenceClassification):
    /// pooler dense over each [CLS] row on the backend, then tanh and the classifier on the host.
    public func classificationLogits(_ sequences: [[Int]]) throws -> [[Float]] {
        guard let head = weights.classifier else { throw ModelError.missingHead(head: "sequence-classification (pooler + classifier)", file: source) }
        let batch = try batch(sequences)
        let hidden = try encode(batch)
        let width = config.hiddenSize
        let cls = try backend.empty(shape: [batch.count, width], dtype: .f32, name: "cls")
        for index in 0..<batch.count {
            let start = index * batch.paddedLength * width
            try backend.copy(hidden, elements: start..<(start + width), into: cls, destinationOffset: index * width)
        }
        let pooledTensor = try backend.empty(shape: [batch.count, width], dtype: .f32, name: "pooled")
        try head.pooler(cls, into: pooledTensor, on: backend)
        let pooled = try backend.read(pooledTensor).map { tanhf($0) }
        return (0..<batch.count).map { index in
            let row = pooled[(index * width)..<((index + 1) * width)]
            return (0..<head.labels).map { label in
                let weights = head.classifierWeight[(label * width)..<((label + 1) * width)]
                return zip(row, weights).reduce(head.classifierBias[label]) { $0 + $1.0 * $1.1 }
            }
        }
    }
}

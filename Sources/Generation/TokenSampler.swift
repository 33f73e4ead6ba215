import Compute

/// Picks tokens by `SamplingOptions`, drawing from its own seeded generator: a sampler made
/// with the same options replays the same choices.
public struct TokenSampler: Sendable {
    public let options: SamplingOptions
    private var random: SplitMix64

    public init(options: SamplingOptions) {
        self.options = options
        random = SplitMix64(seed: options.seed)
    }

    /// The logits after penalty, temperature, top-k and top-p: what the draw is made from.
    public func processed(_ logits: [Float], history: [Int]) -> [Float] {
        var result = LogitProcessors.repetitionPenalty(logits, penalty: options.repetitionPenalty, history: history)
        guard !options.isGreedy else { return result }
        result = LogitProcessors.temperature(result, options.temperature)
        if let k = options.topK { result = LogitProcessors.topK(result, k: k) }
        if let p = options.topP { result = LogitProcessors.topP(result, p: p) }
        return result
    }

    public mutating func next(_ logits: [Float], history: [Int]) -> Int {
        let scores = processed(logits, history: history)
        guard !options.isGreedy else { return LogitProcessors.argmax(scores) }
        let probabilities = LogitProcessors.softmax(scores)
        // Uniform in [0, 1) from the top 53 bits.
        let draw = Double(random.next() >> 11) * 0x1p-53
        var total = 0.0
        for (index, probability) in probabilities.enumerated() where probability > 0 {
            total += probability
            if draw < total { return index }
        }
        // Rounding left the sum just under the draw: the last possible token.
        return probabilities.lastIndex { $0 > 0 } ?? LogitProcessors.argmax(scores)
    }
}

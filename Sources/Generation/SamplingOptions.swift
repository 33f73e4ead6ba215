/// How the next token is chosen from the logits. Applied in Hugging Face's order: repetition
/// penalty, temperature, top-k, top-p, then a draw from the softmax (or the argmax when greedy).
public struct SamplingOptions: Sendable, Equatable {
    /// 0 means greedy (argmax); otherwise logits are divided by it before the softmax.
    public var temperature: Float
    /// Keep only the k most likely tokens (nil or 0: all).
    public var topK: Int?
    /// Keep the smallest set of most likely tokens whose probabilities sum to at least p (nil or ≥ 1: all).
    public var topP: Float?
    /// > 1 discourages tokens already in the sequence (prompt included): positive logits are
    /// divided by it, negative ones multiplied, as in Hugging Face.
    public var repetitionPenalty: Float
    /// Seeds the draws: the same seed, model and prompt give the same text.
    public var seed: UInt64

    public init(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil, repetitionPenalty: Float = 1, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.seed = seed
    }

    public static let greedy = SamplingOptions(temperature: 0)

    public var isGreedy: Bool { temperature == 0 }

    public func validate() throws(GenerationError) {
        guard temperature >= 0, temperature.isFinite else { throw .invalidOption("temperature must be ≥ 0, got \(temperature)") }
        if let topK, topK < 0 { throw .invalidOption("top-k must be ≥ 0, got \(topK)") }
        if let topP, !(topP > 0 && topP <= 1) { throw .invalidOption("top-p must be in (0, 1], got \(topP)") }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else {
            throw .invalidOption("repetition penalty must be > 0, got \(repetitionPenalty)")
        }
    }
}

/// Everything that shapes one generation besides the prompt.
public struct GenerationOptions: Sendable, Equatable {
    public var maxNewTokens: Int
    public var sampling: SamplingOptions
    /// 1: sample (or greedy) token by token. ≥ 2: beam search of that width (sampling options
    /// other than the repetition penalty are ignored), with length-normalised log-probabilities.
    public var beams: Int
    /// Generation stops when one of these is produced; the token's text is not emitted.
    public var stopTokens: Set<Int>
    /// Generation stops before the first occurrence of any of these in the text.
    public var stopStrings: [String]
    /// false recomputes the whole sequence every step (for tests: the cache must not matter).
    public var useCache: Bool
    /// Beam scores are logP / length^lengthPenalty (1: the mean log-probability per token).
    public var lengthPenalty: Double

    public init(maxNewTokens: Int = 64, sampling: SamplingOptions = .greedy, beams: Int = 1, stopTokens: Set<Int> = [],
                stopStrings: [String] = [], useCache: Bool = true, lengthPenalty: Double = 1) {
        self.maxNewTokens = maxNewTokens
        self.sampling = sampling
        self.beams = beams
        self.stopTokens = stopTokens
        self.stopStrings = stopStrings
        self.useCache = useCache
        self.lengthPenalty = lengthPenalty
    }

    /// Each beam costs a forward pass over the whole sequence per step: 1,000 beams would run
    /// for hours. Hugging Face's examples use 4–10.
    public static let maxBeams = 32

    func validate() throws(GenerationError) {
        guard maxNewTokens >= 0 else { throw .invalidOption("max new tokens must be ≥ 0, got \(maxNewTokens)") }
        guard beams >= 1, beams <= Self.maxBeams else {
            throw .invalidOption("beams must be in 1...\(Self.maxBeams), got \(beams)")
        }
        try sampling.validate()
    }
}

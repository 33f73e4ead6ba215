/// What a generation stream yields: text as it becomes final, then one `.finished`.
public enum GenerationEvent: Sendable, Equatable {
    case text(String)
    case finished(GenerationStats)
}

public enum StopReason: String, Sendable, Equatable {
    case maxTokens = "max tokens"
    case stopToken = "stop token"
    case stopString = "stop string"
    case contextFull = "context full"
    /// The caller's `shouldStop` said so (Ctrl-C in `chat`, a failed write to the output).
    case interrupted = "interrupted"
}

public struct GenerationStats: Sendable, Equatable {
    public var promptTokens: Int
    public var generatedTokens: Int
    /// The prompt's forward pass, up to its logits being read back.
    public var promptSeconds: Double
    /// Everything after: decode steps, sampling, detokenising.
    public var generationSeconds: Double
    public var stopReason: StopReason

    public var promptTokensPerSecond: Double { promptSeconds > 0 ? Double(promptTokens) / promptSeconds : 0 }
    public var generationTokensPerSecond: Double {
        generationSeconds > 0 ? Double(generatedTokens) / generationSeconds : 0
    }

    /// One line for logs and the CLI's stderr.
    public var summary: String {
        func rate(_ value: Double) -> String { value.fixed(1) }
        return "prompt: \(promptTokens) tokens, \(rate(promptTokensPerSecond)) tokens/s; "
            + "generation: \(generatedTokens) tokens, \(rate(generationTokensPerSecond)) tokens/s (\(stopReason.rawValue))"
    }
}

/// A finished generation, for callers that do not stream.
public struct GenerationResult: Sendable, Equatable {
    public var text: String
    /// Generated ids (a stop token included when one ended it).
    public var tokens: [Int]
    /// Sum of the generated tokens' log-probabilities under the model (raw logits, before any
    /// sampling transform).
    public var logProbability: Double
    public var stats: GenerationStats
}

public enum GenerationError: Error, Equatable, CustomStringConvertible {
    case emptyPrompt
    case invalidOption(String)
    case promptTooLong(tokens: Int, limit: Int)
    /// Refused before tokenizing: even at the longest token's bytes per token it cannot fit.
    case promptTextTooLong(bytes: Int, longestToken: Int, limit: Int)
    /// Appending to a cached sequence would pass the context.
    case contextOverflow(tokens: Int, limit: Int)

    public var description: String {
        switch self {
        case .emptyPrompt: "the prompt is empty (it must encode to at least one token)"
        case let .invalidOption(detail): detail
        case let .promptTooLong(tokens, limit):
            "the prompt is \(tokens) tokens long; the context holds at most \(limit) positions"
        case let .promptTextTooLong(bytes, longest, limit):
            "the prompt is \(bytes) bytes long, at least \(bytes / longest) tokens (no token spans more than \(longest) bytes); the context holds at most \(limit) positions"
        case let .contextOverflow(tokens, limit):
            "the sequence would be \(tokens) tokens long; the model's context holds at most \(limit)"
        }
    }
}

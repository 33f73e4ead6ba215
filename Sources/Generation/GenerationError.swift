public enum GenerationError: Error, Equatable, CustomStringConvertible {
    case emptyPrompt
    case invalidOption(String)
    case promptTooLong(tokens: Int, limit: Int)
    /// Appending to a cached sequence would pass the context.
    case contextOverflow(tokens: Int, limit: Int)

    public var description: String {
        switch self {
        case .emptyPrompt: "the prompt is empty (it must encode to at least one token)"
        case let .invalidOption(detail): detail
        case let .promptTooLong(tokens, limit):
            "the prompt is \(tokens) tokens long; the model attends over at most \(limit) (n_positions)"
        case let .contextOverflow(tokens, limit):
            "the sequence would be \(tokens) tokens long; the model's context holds at most \(limit)"
        }
    }
}

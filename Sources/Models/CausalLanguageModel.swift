/// A decoder that predicts the next token, with a cache of the sequence seen so far.
/// Generation is written against this, not against GPT-2.
public protocol CausalLanguageModel: AnyObject, Sendable {
    var vocabularySize: Int { get }
    /// The longest sequence (prompt + generated) the model can attend over.
    var contextLength: Int { get }
    /// Tokens held in the cache: the position the next token will take.
    var cachedTokens: Int { get }
    /// Empties the cache, starting a new sequence.
    func reset()
    /// Appends `tokens` to the cached sequence (one batch, all at once) and returns the logits of
    /// the next token, i.e. those of the last position.
    func nextTokenLogits(appending tokens: [Int]) throws -> [Float]
}

extension CausalLanguageModel {
    /// The next-token logits of `tokens` computed from scratch, cache emptied first.
    public func nextTokenLogits(of tokens: [Int]) throws -> [Float] {
        reset()
        return try nextTokenLogits(appending: tokens)
    }
}

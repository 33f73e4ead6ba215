import Models
import Tokenizers

/// A conversation whose tokens stay in the model's KV cache between turns: each reply feeds
/// only what is new (the rest of the previous reply's turn, the user's message, the assistant
/// header), so a long chat does not re-read its history every turn.
///
/// The session assumes it alone uses the model; if the model's cache was changed behind its
/// back it notices (the cached count differs) and replays the conversation.
public final class ChatSession {
    public let generator: TextGenerator
    public let template: ChatTemplate
    /// Sent first in every conversation (again after `reset`); nil sends none.
    public let systemPrompt: String?
    /// Tokens that end a reply (added to each reply's options).
    public let stopTokens: Set<Int>

    public private(set) var messages: [ChatMessage] = []
    /// The conversation so far as tokens, replies without their stop token.
    public private(set) var tokens: [Int] = []
    /// How many of `tokens` the model's cache holds (all of them, or all but the last sampled token).
    private var cached = 0

    public var model: any CausalLanguageModel { generator.model }

    public init(model: any CausalLanguageModel, tokenizer: any LanguageModelTokenizer, template: ChatTemplate,
                systemPrompt: String? = nil) {
        generator = TextGenerator(model: model, tokenizer: tokenizer)
        self.template = template
        self.systemPrompt = systemPrompt
        stopTokens = Self.stopTokens(of: tokenizer).union([template.stopToken].compactMap(tokenizer.id(of:)))
        model.reset()
    }

    /// Texts llama.cpp takes for end-of-turn tokens when the file names none (its `special_eot_id`
    /// detection in `llama_vocab::impl::load`), the ones the supported templates use.
    static let endOfTurnTexts = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end_of_text|>", "<end_of_turn>", "<|end|>"]

    /// The tokenizer's EOS and whichever end-of-turn / end-of-text tokens its vocabulary has:
    /// instruct models end a reply with their template's end-of-turn token, which often is not
    /// the EOS the file declares.
    public static func stopTokens(of tokenizer: any LanguageModelTokenizer) -> Set<Int> {
        var ids = Set(endOfTurnTexts.compactMap(tokenizer.id(of:)))
        if let eos = tokenizer.eosTokenID { ids.insert(eos) }
        return ids
    }

    /// Sends the user's message and generates the assistant's reply, streaming it to `onText`.
    /// Throws `ChatError.contextFull` (the conversation unchanged) when the message does not fit.
    @discardableResult
    public func reply(to userText: String, options: GenerationOptions,
                      onText: (String) -> Void = { _ in },
                      shouldStop: () -> Bool = { false }) throws -> GenerationResult {
        let starting = tokens.isEmpty
        let opening = (systemPrompt.map { [ChatMessage(.system, $0)] } ?? []) + [ChatMessage(.user, userText)]
        let text = starting ? template.render(opening, addGenerationPrompt: true) : template.nextTurn(user: userText)
        // Special tokens are parsed (the markers must become their ids), as llama.cpp's chat does;
        // the tokenizer adds BOS (if the model wants it) at the start of the conversation.
        let fresh = generator.tokenizer.encode(text, addSpecial: starting, parseSpecial: true)
        let total = tokens.count + fresh.count
        // Room for the message and at least one token of reply.
        guard total < model.contextLength else { throw ChatError.contextFull(tokens: total, limit: model.contextLength) }

        if model.cachedTokens != cached {
            model.reset()
            cached = 0
        }
        var options = options
        options.stopTokens.formUnion(stopTokens)
        let result = try generator.generate(appending: Array(tokens[cached...]) + fresh, after: Array(tokens[..<cached]),
                                            options: options, onText: onText, shouldStop: shouldStop)
        var reply = result.tokens
        if let last = reply.last, options.stopTokens.contains(last) { reply.removeLast() }
        tokens += fresh + reply
        // Everything but the last sampled token was fed (TextGenerator never feeds it).
        cached = min(model.cachedTokens, tokens.count)
        if starting, let systemPrompt { messages.append(ChatMessage(.system, systemPrompt)) }
        messages += [ChatMessage(.user, userText), ChatMessage(.assistant, result.text)]
        return result
    }

    /// Forgets the conversation and empties the cache.
    public func reset() {
        messages = []
        tokens = []
        cached = 0
        model.reset()
    }
}

public enum ChatError: Error, Equatable, CustomStringConvertible {
    case contextFull(tokens: Int, limit: Int)

    public var description: String {
        switch self {
        case let .contextFull(tokens, limit):
            "the conversation would be \(tokens) tokens with this message, and the context holds \(limit) (with room for a reply)"
        }
    }
}

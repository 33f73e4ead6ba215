import CPUBackend
import Formats
import Foundation
import Generation
import Models
import Synchronization
import Testing
import TestSupport
import Tokenizers

/// SmolLM2-135M-Instruct from scripts/fetch-models.sh: its tokenizer (ChatML special tokens) and
/// model; nil (a printed skip, or a failure under CI=true) when the file is missing.
enum SmolLM2 {
    static let path = FetchedModels.directory + "/" + FetchedModels.smolLM2

    static func available(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        FetchedModels.path(FetchedModels.smolLM2, sourceLocation: sourceLocation) != nil
    }

    static func tokenizer() throws -> BPETokenizer? {
        available() ? try BPETokenizer(gguf: GGUFFile(path: path)) : nil
    }
}

/// A model that answers from a script: each call's logits pick the script's next token (greedy
/// sampling then follows it), and every appended token is recorded, so a test sees exactly
/// what the session fed.
final class ScriptedModel: CausalLanguageModel {
    struct State { var script: [Int] = []; var fed: [Int] = []; var cached = 0 }
    let vocabularySize: Int
    let contextLength: Int
    let state = Mutex(State())

    init(vocabularySize: Int, contextLength: Int) {
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
    }

    var cachedTokens: Int { state.withLock { $0.cached } }
    var fed: [Int] { state.withLock { $0.fed } }
    func say(_ tokens: [Int]) { state.withLock { $0.script += tokens } }
    func reset() { state.withLock { $0.cached = 0; $0.fed = [] } }

    func nextTokenLogits(appending tokens: [Int]) throws -> [Float] {
        try state.withLock { state in
            guard state.cached + tokens.count <= contextLength else {
                throw ModelError.contextOverflow(tokens: state.cached + tokens.count, limit: contextLength)
            }
            state.cached += tokens.count
            state.fed += tokens
            var logits = [Float](repeating: 0, count: vocabularySize)
            if !state.script.isEmpty { logits[state.script.removeFirst()] = 10 }
            return logits
        }
    }
}

/// Incremental chat: what the session feeds the model turn by turn, on the SmolLM2 tokenizer.
@Suite struct ChatSessionTests {
    static let template = ChatTemplate(.chatml)
    static let greedy = GenerationOptions(maxNewTokens: 32)

    static func setUp(context: Int = 512) throws -> (ChatSession, ScriptedModel, BPETokenizer)? {
        guard let tokenizer = try SmolLM2.tokenizer() else { return nil }
        let model = ScriptedModel(vocabularySize: tokenizer.vocabularySize, contextLength: context)
        return (ChatSession(model: model, tokenizer: tokenizer, template: template), model, tokenizer)
    }

    static func encode(_ tokenizer: BPETokenizer, _ text: String) -> [Int] {
        tokenizer.encode(text, addSpecial: false, parseSpecial: true)
    }

    @Test func eachTurnFeedsOnlyWhatIsNew() throws {
        guard let (session, model, tokenizer) = try Self.setUp() else { return }
        let imEnd = try #require(tokenizer.id(of: "<|im_end|>"))
        model.say(Self.encode(tokenizer, "Paris.") + [imEnd])
        let first = try session.reply(to: "What is the capital of France?", options: Self.greedy)
        #expect(first.text == "Paris." && first.stats.stopReason == .stopToken)
        let firstPrompt = Self.encode(tokenizer, "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n")
        #expect(first.stats.promptTokens == firstPrompt.count)
        // The stop token was sampled, not fed.
        #expect(model.fed == firstPrompt + Self.encode(tokenizer, "Paris."))

        // <|endoftext|> also ends a reply; the next turn still closes it with <|im_end|>\n.
        let endOfText = try #require(tokenizer.id(of: "<|endoftext|>"))
        model.say(Self.encode(tokenizer, "Berlin.") + [endOfText])
        let second = try session.reply(to: "And of Germany?", options: Self.greedy)
        #expect(second.text == "Berlin.")
        let secondPrompt = Self.encode(tokenizer, "<|im_end|>\n<|im_start|>user\nAnd of Germany?<|im_end|>\n<|im_start|>assistant\n")
        #expect(second.stats.promptTokens == secondPrompt.count)

        let conversation = [ChatMessage(.user, "What is the capital of France?"), ChatMessage(.assistant, "Paris."),
                            ChatMessage(.user, "And of Germany?")]
        let rendered = Self.encode(tokenizer, Self.template.render(conversation, addGenerationPrompt: true))
        #expect(model.fed == rendered + Self.encode(tokenizer, "Berlin."))
        #expect(session.tokens == model.fed)
        #expect(session.messages == conversation + [ChatMessage(.assistant, "Berlin.")])
    }

    @Test func aReplyCutByMaxTokensIsFinishedNextTurn() throws {
        guard let (session, model, tokenizer) = try Self.setUp() else { return }
        let reply = Self.encode(tokenizer, " The capital of France is Paris.")
        model.say(reply)
        let cut = try session.reply(to: "Capital of France?", options: GenerationOptions(maxNewTokens: 3))
        #expect(cut.stats.stopReason == .maxTokens && cut.tokens == Array(reply.prefix(3)))
        // The last sampled token is not in the cache yet.
        #expect(model.cachedTokens == session.tokens.count - 1)

        model.state.withLock { $0.script = [] }
        model.say(Self.encode(tokenizer, "Berlin.") + [tokenizer.id(of: "<|im_end|>") ?? 2])
        _ = try session.reply(to: "Germany?", options: Self.greedy)
        let expected = Self.encode(tokenizer, "<|im_start|>user\nCapital of France?<|im_end|>\n<|im_start|>assistant\n")
            + reply.prefix(3) + Self.encode(tokenizer, "<|im_end|>\n<|im_start|>user\nGermany?<|im_end|>\n<|im_start|>assistant\nBerlin.")
        #expect(model.fed == expected)
    }

    @Test func aFullContextIsAnErrorThatLeavesTheConversationAlone() throws {
        guard let (session, model, tokenizer) = try Self.setUp(context: 24) else { return }
        model.say(Self.encode(tokenizer, "4") + [tokenizer.id(of: "<|im_end|>") ?? 2])
        _ = try session.reply(to: "What is 2 + 2?", options: Self.greedy)
        let before = session.tokens
        #expect(throws: ChatError.self) { try session.reply(to: "And what is 3 + 3, please?", options: Self.greedy) }
        do {
            try session.reply(to: "And what is 3 + 3, please?", options: Self.greedy)
        } catch let error as ChatError {
            #expect(error.description.contains("the context holds 24"), "\(error)")
        }
        #expect(session.tokens == before && session.messages.count == 2)
        session.reset()
        #expect(session.tokens.isEmpty && model.cachedTokens == 0)
        _ = try session.reply(to: "And what is 3 + 3, please?", options: Self.greedy)
    }

    @Test func aCacheChangedBehindTheSessionsBackIsReplayed() throws {
        guard let (session, model, tokenizer) = try Self.setUp() else { return }
        model.say(Self.encode(tokenizer, "Hi!") + [tokenizer.id(of: "<|im_end|>") ?? 2])
        _ = try session.reply(to: "Hello", options: Self.greedy)
        let conversation = session.tokens
        model.reset()
        _ = try session.reply(to: "Bye", options: GenerationOptions(maxNewTokens: 1))
        #expect(Array(model.fed.prefix(conversation.count)) == conversation)
    }

    @Test func stopTokensAreTheEOSAndTheEndOfTurnTokens() throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        #expect(ChatSession.stopTokens(of: tokenizer) == [0, 2])  // <|endoftext|>, <|im_end|> (= EOS)
    }

    /// On the real model, the reply to a second message is the same whether the conversation
    /// came from the cache turn by turn or is rendered whole and run from scratch.
    @Test func theCachedConversationAnswersAsAFreshRendering() throws {
        guard let tokenizer = try SmolLM2.tokenizer() else { return }
        let model = try LlamaModel(path: SmolLM2.path, backend: CPUBackend(), options: .init(contextLength: 256))
        let session = ChatSession(model: model, tokenizer: tokenizer, template: Self.template)
        let options = GenerationOptions(maxNewTokens: 24)
        let first = try session.reply(to: "What is the capital of France?", options: options)
        #expect(first.text.contains("Paris"), "\(first.text)")
        let second = try session.reply(to: "What is 2 + 2?", options: options)

        let rendered = Self.template.render([ChatMessage(.user, "What is the capital of France?"),
                                             ChatMessage(.assistant, first.text),
                                             ChatMessage(.user, "What is 2 + 2?")], addGenerationPrompt: true)
        let fresh = try TextGenerator(model: model, tokenizer: tokenizer).generate(
            promptTokens: Self.encode(tokenizer, rendered),
            options: GenerationOptions(maxNewTokens: 24, stopTokens: ChatSession.stopTokens(of: tokenizer)))
        #expect(second.text == fresh.text)
        #expect(second.text.contains("4"), "\(second.text)")
    }
}

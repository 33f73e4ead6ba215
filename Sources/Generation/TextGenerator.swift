import Models
import Tokenizers

/// Text in, text out: a causal model and its tokenizer (byte-level BPE or SentencePiece).
public struct TextGenerator: Sendable {
    public let model: any CausalLanguageModel
    public let tokenizer: any LanguageModelTokenizer

    public init(model: any CausalLanguageModel, tokenizer: any LanguageModelTokenizer) {
        self.model = model
        self.tokenizer = tokenizer
    }

    /// Streams the continuation of `prompt` as text pieces (whole characters only: a character
    /// split across tokens is held back until complete, and so is text that may begin a stop
    /// string), then `.finished` with the timings. Cancelling the consumer stops the work.
    public func stream(prompt: String, options: GenerationOptions) -> AsyncThrowingStream<GenerationEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task.detached {
                do {
                    let result = try self.generate(prompt: prompt, options: options) { continuation.yield(.text($0)) }
                    continuation.yield(.finished(result.stats))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Generates the whole continuation; `onText` receives the pieces as `stream` yields them.
    @discardableResult
    /// `shouldStop` is asked before each new token; true ends the generation there
    /// (`StopReason.interrupted`), keeping what was generated so far.
    public func generate(prompt: String, options: GenerationOptions,
                         onText: (String) -> Void = { _ in },
                         shouldStop: () -> Bool = { false }) throws -> GenerationResult {
        try options.validate()
        // A prompt of more bytes than the context has positions times the longest token cannot
        // fit; refuse it before tokenizing it. (Tokenizing is linear, but this is free.)
        let longest = tokenizer.longestTokenBytes
        if longest > 0, prompt.utf8.count / longest > model.contextLength {
            throw GenerationError.promptTextTooLong(bytes: prompt.utf8.count, longestToken: longest,
                                                    limit: model.contextLength)
        }
        return try generate(promptTokens: tokenizer.encode(prompt), options: options, onText: onText, shouldStop: shouldStop)
    }

    public func generate(promptTokens prompt: [Int], options: GenerationOptions,
                         onText: (String) -> Void = { _ in },
                         shouldStop: () -> Bool = { false }) throws -> GenerationResult {
        try options.validate()
        guard !prompt.isEmpty else { throw GenerationError.emptyPrompt }
        guard prompt.count <= model.contextLength else {
            throw GenerationError.promptTooLong(tokens: prompt.count, limit: model.contextLength)
        }
        return try run(prompt: prompt, earlier: [], options: options, onText: onText, shouldStop: shouldStop) {
            try model.nextTokenLogits(of: prompt)
        }
    }

    /// Continues the sequence already in the model's cache (a conversation, say): appends
    /// `tokens` without resetting, then generates as `generate(promptTokens:)` does. `earlier`
    /// is what the cache holds, for the repetition penalty only. The last generated token is
    /// never fed (nor a stop token): the cache ends one short of `result.tokens`.
    /// Beam search recomputes from the prompt, so it cannot continue; it is refused here.
    public func generate(appending tokens: [Int], after earlier: [Int] = [], options: GenerationOptions,
                         onText: (String) -> Void = { _ in },
                         shouldStop: () -> Bool = { false }) throws -> GenerationResult {
        try options.validate()
        guard options.beams == 1, options.useCache else {
            throw GenerationError.invalidOption("continuing a cached sequence needs the cache and one beam")
        }
        guard !tokens.isEmpty else { throw GenerationError.emptyPrompt }
        let cached = model.cachedTokens
        guard cached + tokens.count <= model.contextLength else {
            throw GenerationError.contextOverflow(tokens: cached + tokens.count, limit: model.contextLength)
        }
        return try run(prompt: tokens, earlier: earlier, cached: cached, options: options, onText: onText,
                       shouldStop: shouldStop) {
            try model.nextTokenLogits(appending: tokens)
        }
    }

    /// The shared loop. `cached`: positions before `prompt` in the model's cache (0 when the
    /// prompt starts a sequence); `promptLogits` feeds the prompt.
    private func run(prompt: [Int], earlier: [Int], cached: Int = 0, options: GenerationOptions,
                     onText: (String) -> Void, shouldStop: () -> Bool,
                     promptLogits feed: () throws -> [Float]) throws -> GenerationResult {
        func deliver(_ piece: String) { if !piece.isEmpty { onText(piece) } }
        var output = TextOutput(tokenizer: tokenizer, stopStrings: options.stopStrings)
        let clock = ContinuousClock()
        let start = clock.now
        let promptLogits = try feed()
        let promptDone = clock.now

        var tokens: [Int] = [], logProbability = 0.0, reason = StopReason.maxTokens
        if options.beams >= 2 {
            let (best, beamReason) = try BeamSearch(model: model, options: options).run(prompt: prompt, promptLogits: promptLogits)
            tokens = best.tokens
            logProbability = best.logProbability
            reason = beamReason
            for token in tokens where !options.stopTokens.contains(token) {
                deliver(output.emit(token))
                if output.stopped { reason = .stopString; break }
            }
        } else {
            var sampler = TokenSampler(options: options.sampling)
            var logits = promptLogits
            for step in 0..<options.maxNewTokens {
                try Task.checkCancellation()
                if shouldStop() { reason = .interrupted; break }
                let token = sampler.next(logits, history: earlier + prompt + tokens)
                tokens.append(token)
                logProbability += LogitProcessors.logSoftmax(logits)[token]
                if options.stopTokens.contains(token) { reason = .stopToken; break }
                deliver(output.emit(token))
                if output.stopped { reason = .stopString; break }
                guard step + 1 < options.maxNewTokens else { break }
                guard cached + prompt.count + tokens.count < model.contextLength else { reason = .contextFull; break }
                logits = options.useCache ? try model.nextTokenLogits(appending: [token])
                                          : try model.nextTokenLogits(of: prompt + tokens)
            }
        }
        deliver(output.finish())
        let end = clock.now
        let stats = GenerationStats(promptTokens: prompt.count, generatedTokens: tokens.count,
                                    promptSeconds: (promptDone - start) / .seconds(1), generationSeconds: (end - promptDone) / .seconds(1),
                                    stopReason: reason)
        return GenerationResult(text: output.text, tokens: tokens, logProbability: logProbability, stats: stats)
    }
}

/// Tokens → released text: the streaming decoder holds back split characters, the stop-string
/// matcher holds back what may begin a stop string, and `text` collects what was released.
struct TextOutput {
    private var decoder: StreamingDecoder
    private var matcher: StopStringMatcher
    private(set) var text = ""

    init(tokenizer: any LanguageModelTokenizer, stopStrings: [String]) {
        decoder = StreamingDecoder(tokenizer: tokenizer)
        matcher = StopStringMatcher(stopStrings: stopStrings)
    }

    /// Whether a stop string was reached (nothing more is released after it).
    var stopped: Bool { matcher.stopped }

    /// Adds a token's text; returns what can be released now (often "").
    mutating func emit(_ token: Int) -> String {
        release(matcher.feed(decoder.next(token)))
    }

    /// Releases everything still held back.
    mutating func finish() -> String {
        let tail = matcher.stopped ? "" : matcher.feed(decoder.finish())
        return release(tail + matcher.finish())
    }

    private mutating func release(_ piece: String) -> String {
        text += piece
        return piece
    }
}

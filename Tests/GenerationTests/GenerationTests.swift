import CPUBackend
import Foundation
import Generation
import Models
import Testing
import TestSupport
import Tokenizers

/// Sampling functions against hand-computed distributions.
@Suite struct LogitProcessorTests {
    @Test func repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        let result = LogitProcessors.repetitionPenalty([2, -2, 1, 3], penalty: 2, history: [0, 1, 1])
        #expect(result == [1, -4, 1, 3])
    }

    @Test func temperatureSharpensTheDistribution() {
        // logits [0, ln 2] at T = 0.5 become [0, 2 ln 2]: probabilities ∝ [1, 4].
        let probabilities = LogitProcessors.softmax(LogitProcessors.temperature([0, Float(log(2.0))], 0.5))
        #expect(abs(probabilities[0] - 0.2) < 1e-6 && abs(probabilities[1] - 0.8) < 1e-6)
    }

    @Test func topKKeepsTheKLargest() {
        let masked = LogitProcessors.topK([1, 3, 2, 0, 2.5], k: 2)
        #expect(masked == [-.infinity, 3, -.infinity, -.infinity, 2.5])
        #expect(LogitProcessors.topK([1, 2], k: 0) == [1, 2])
    }

    @Test func topPKeepsTheSmallestNucleus() {
        let logits = [0.5, 0.3, 0.15, 0.05].map { Float(log($0)) }
        let keepTwo = LogitProcessors.topP(logits, p: 0.75)
        #expect(keepTwo[0].isFinite && keepTwo[1].isFinite && keepTwo[2] == -.infinity && keepTwo[3] == -.infinity)
        let keepThree = LogitProcessors.topP(logits, p: 0.9)
        #expect(keepThree.prefix(3).allSatisfy(\.isFinite) && keepThree[3] == -.infinity)
        let keepOne = LogitProcessors.topP(logits, p: 0.01)
        #expect(keepOne.filter(\.isFinite).count == 1 && keepOne[0].isFinite)
        let probabilities = LogitProcessors.softmax(keepTwo)
        #expect(abs(probabilities[0] - 0.625) < 1e-6 && abs(probabilities[1] - 0.375) < 1e-6)
    }

    @Test func samplerDrawsFromTheProcessedDistribution() {
        // Temperature 0.5 on [0, ln 2] gives [0.2, 0.8]; top-k 2 of three drops the third.
        var sampler = TokenSampler(options: SamplingOptions(temperature: 0.5, topK: 2, seed: 99))
        var counts = [0, 0, 0]
        let draws = 20_000
        for _ in 0..<draws { counts[sampler.next([0, Float(log(2.0)), -5], history: [])] += 1 }
        #expect(counts[2] == 0)
        #expect(abs(Double(counts[1]) / Double(draws) - 0.8) < 0.015, "\(counts)")
    }

    @Test func sameSeedSameDraws() {
        let logits: [Float] = (0..<50).map { Float($0 % 7) * 0.3 }
        func draws(_ seed: UInt64) -> [Int] {
            var sampler = TokenSampler(options: SamplingOptions(temperature: 1.3, topP: 0.9, seed: seed))
            return (0..<40).map { _ in sampler.next(logits, history: []) }
        }
        #expect(draws(7) == draws(7))
        #expect(draws(7) != draws(8))
    }

    @Test func greedyIsTheArgmaxAfterThePenalty() {
        var sampler = TokenSampler(options: SamplingOptions(temperature: 0, repetitionPenalty: 4))
        #expect(sampler.next([1, 3, 2], history: []) == 1)
        #expect(sampler.next([1, 3, 2], history: [1]) == 2)
    }
}

@Suite struct StopStringMatcherTests {
    @Test func holdsBackAPossibleStopAndCutsAtIt() {
        var matcher = StopStringMatcher(stopStrings: ["END"])
        #expect(matcher.feed("abc E") == "abc ")
        #expect(matcher.feed("N") == "")
        #expect(matcher.feed("Xy") == "ENXy")
        #expect(matcher.feed("zzEN") == "zz")
        #expect(matcher.feed("D and more") == "")
        #expect(matcher.stopped)
        #expect(matcher.finish() == "")
    }

    @Test func releasesHeldTextAtTheEnd() {
        var matcher = StopStringMatcher(stopStrings: ["\n\n", "###"])
        #expect(matcher.feed("line\n") == "line")
        #expect(matcher.finish() == "\n")
    }
}

/// Generation on a random-weight GPT-2 (full vocabulary, tiny width) with the real tokenizer.
@Suite(.serialized) struct TextGeneratorTests {
    static func generator() throws -> (TextGenerator, RandomGPT2Checkpoint)? {
        guard let checkpoint = try RandomGPT2Checkpoint.make(seed: 5, dims: "50257,64,16,2,2", f16: false, tokenizer: true) else {
            return nil
        }
        let model = try GPT2Model(path: checkpoint.path, backend: CPUBackend())
        let tokenizer = try BPETokenizer(vocabJSON: checkpoint.path + "/vocab.json", merges: checkpoint.path + "/merges.txt")
        return (TextGenerator(model: model, tokenizer: tokenizer), checkpoint)
    }

    static let prompt = "The quick brown fox"

    @Test func sameSeedSameTextAndTheCacheDoesNotMatter() throws {
        guard let (generator, _) = try Self.generator() else { return }
        let sampling = SamplingOptions(temperature: 0.9, topK: 40, topP: 0.95, repetitionPenalty: 1.2, seed: 42)
        let first = try generator.generate(prompt: Self.prompt, options: GenerationOptions(maxNewTokens: 24, sampling: sampling))
        let again = try generator.generate(prompt: Self.prompt, options: GenerationOptions(maxNewTokens: 24, sampling: sampling))
        let recomputed = try generator.generate(prompt: Self.prompt,
                                                options: GenerationOptions(maxNewTokens: 24, sampling: sampling, useCache: false))
        #expect(first.tokens.count == 24)
        #expect(first.tokens == again.tokens && first.text == again.text)
        #expect(first.tokens == recomputed.tokens)
        var other = sampling
        other.seed = 43
        let different = try generator.generate(prompt: Self.prompt, options: GenerationOptions(maxNewTokens: 24, sampling: other))
        #expect(different.tokens != first.tokens)
    }

    @Test func beamSearchFindsASequenceAtLeastAsLikelyAsGreedy() throws {
        guard let (generator, _) = try Self.generator() else { return }
        let greedy = try generator.generate(prompt: Self.prompt, options: GenerationOptions(maxNewTokens: 8))
        for width in [2, 4] {
            let beam = try generator.generate(prompt: Self.prompt, options: GenerationOptions(maxNewTokens: 8, beams: width))
            #expect(beam.tokens.count == 8)
            #expect(beam.logProbability >= greedy.logProbability - 1e-6, "width \(width): \(beam.logProbability) < greedy \(greedy.logProbability)")
            // The reported log-probability is the sequence's under the model.
            let check = try Self.logProbability(generator.model, prompt: generator.tokenizer.encode(Self.prompt), continuation: beam.tokens)
            #expect(abs(check - beam.logProbability) < 1e-4)
        }
    }

    static func logProbability(_ model: any CausalLanguageModel, prompt: [Int], continuation: [Int]) throws -> Double {
        var total = 0.0, sequence = prompt
        for token in continuation {
            total += LogitProcessors.logSoftmax(try model.nextTokenLogits(of: sequence))[token]
            sequence.append(token)
        }
        return total
    }

    @Test func stopStringsAndStopTokensCutTheOutput() throws {
        guard let (generator, _) = try Self.generator() else { return }
        let full = try generator.generate(prompt: Self.prompt, options: GenerationOptions(maxNewTokens: 32))
        let characters = Array(full.text)
        try #require(characters.count > 12, "\(full.text)")
        let stop = String(characters[6..<9])
        let cut = try generator.generate(prompt: Self.prompt, options: GenerationOptions(maxNewTokens: 32, stopStrings: [stop]))
        let expected = full.text[..<(full.text.firstRange(of: stop)?.lowerBound ?? full.text.endIndex)]
        #expect(cut.text == String(expected))
        #expect(cut.stats.stopReason == .stopString)

        let stopToken = full.tokens[4]
        let stopped = try generator.generate(prompt: Self.prompt, options: GenerationOptions(maxNewTokens: 32, stopTokens: [stopToken]))
        let index = try #require(full.tokens.firstIndex(of: stopToken))
        #expect(stopped.tokens == Array(full.tokens[...index]))
        #expect(stopped.text == generator.tokenizer.decode(Array(full.tokens[..<index])))
        #expect(stopped.stats.stopReason == .stopToken)
    }

    @Test func theStreamYieldsExactlyTheDecodedTextThenStats() async throws {
        guard let (generator, _) = try Self.generator() else { return }
        let options = GenerationOptions(maxNewTokens: 40, sampling: SamplingOptions(temperature: 1.5, seed: 3))
        var pieces: [String] = []
        var stats: GenerationStats?
        for try await event in generator.stream(prompt: Self.prompt, options: options) {
            switch event {
            case .text(let piece): #expect(stats == nil); pieces.append(piece)
            case .finished(let final): stats = final
            }
        }
        let result = try generator.generate(prompt: Self.prompt, options: options)
        #expect(pieces.joined() == generator.tokenizer.decode(result.tokens))
        #expect(pieces.joined() == result.text)
        #expect(!pieces.contains(""))
        let final = try #require(stats)
        #expect(final.generatedTokens == 40 && final.promptTokens == generator.tokenizer.encode(Self.prompt).count)
        #expect(final.promptTokensPerSecond > 0 && final.generationTokensPerSecond > 0)
    }

    /// Appending to the cache continues the sequence exactly as the whole prompt from scratch would.
    @Test func continuingTheCacheMatchesAFreshPrompt() throws {
        guard let (generator, _) = try Self.generator() else { return }
        let head = generator.tokenizer.encode("The quick brown"), tail = generator.tokenizer.encode(" fox jumps")
        let sampling = SamplingOptions(temperature: 0.9, repetitionPenalty: 1.3, seed: 11)
        let whole = try generator.generate(promptTokens: head + tail, options: GenerationOptions(maxNewTokens: 10, sampling: sampling))
        _ = try generator.generate(promptTokens: head, options: GenerationOptions(maxNewTokens: 0))
        let continued = try generator.generate(appending: tail, after: head,
                                               options: GenerationOptions(maxNewTokens: 10, sampling: sampling))
        #expect(continued.tokens == whole.tokens && continued.text == whole.text)
        #expect(continued.stats.promptTokens == tail.count)
        // All but the last sampled token went into the cache.
        #expect(generator.model.cachedTokens == head.count + tail.count + 9)

        #expect(throws: GenerationError.self) {
            try generator.generate(appending: tail, options: GenerationOptions(beams: 2))
        }
        let free = generator.model.contextLength - generator.model.cachedTokens
        #expect(throws: GenerationError.contextOverflow(tokens: 65, limit: 64)) {
            try generator.generate(appending: Array(repeating: 64, count: free + 1), options: GenerationOptions())
        }
        // Generation stops, without error, when the context fills up.
        let full = try generator.generate(appending: Array(repeating: 64, count: free - 2), options: GenerationOptions(maxNewTokens: 20))
        #expect(full.stats.stopReason == .contextFull && full.tokens.count == 2)
    }

    @Test func badOptionsAndPromptsAreErrors() throws {
        guard let (generator, _) = try Self.generator() else { return }
        #expect(throws: GenerationError.emptyPrompt) { try generator.generate(prompt: "", options: GenerationOptions()) }
        #expect(throws: GenerationError.self) { try generator.generate(prompt: "a", options: GenerationOptions(beams: 0)) }
        #expect(throws: GenerationError.self) {
            try generator.generate(prompt: "a", options: GenerationOptions(sampling: SamplingOptions(temperature: -1)))
        }
        let long = String(repeating: " a", count: 65)
        #expect(throws: GenerationError.promptTooLong(tokens: 65, limit: 64)) {
            try generator.generate(prompt: long, options: GenerationOptions())
        }
        // Generation stops, without error, when the context is full.
        let full = try generator.generate(prompt: String(repeating: " a", count: 60), options: GenerationOptions(maxNewTokens: 20))
        #expect(full.stats.stopReason == .contextFull && full.tokens.count == 4)
    }
}

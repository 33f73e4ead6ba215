import Compute
import KernelBenchmarks
import Models

/// llama-bench's two tests on a causal model: `pp N` feeds N prompt tokens in one call, `tg N`
/// generates N tokens one call each; both from an empty cache, with random (seeded) token ids
/// since the speed does not depend on them. Resetting the cache is not timed.
struct ModelBenchmark {
    struct Test: Sendable, Equatable {
        let promptTokens: Int
        let generatedTokens: Int
        var name: String { promptTokens > 0 ? "pp\(promptTokens)" : "tg\(generatedTokens)" }
        var tokens: Int { promptTokens + generatedTokens }
    }

    /// One test's timed runs.
    struct Result: Encodable {
        let test: String
        let promptTokens: Int
        let generatedTokens: Int
        /// Each timed run's seconds, in order.
        let seconds: [Double]
        let tokensPerSecond: [Double]
        /// Over `tokensPerSecond`, as llama-bench reports (mean of the rates, sample stddev).
        let meanTokensPerSecond: Double
        let stddevTokensPerSecond: Double
        let medianTokensPerSecond: Double

        init(test: Test, seconds: [Double]) {
            self.test = test.name
            promptTokens = test.promptTokens
            generatedTokens = test.generatedTokens
            self.seconds = seconds
            tokensPerSecond = seconds.map { $0 > 0 ? Double(test.tokens) / $0 : 0 }
            meanTokensPerSecond = Statistics.mean(tokensPerSecond)
            stddevTokensPerSecond = Statistics.sampleStandardDeviation(tokensPerSecond)
            medianTokensPerSecond = Statistics.median(tokensPerSecond)
        }
    }

    let model: any CausalLanguageModel
    let repetitions: Int
    /// One untimed run of each test first (page faults, first-use allocations, clocks).
    let warmup: Bool
    var seed: UInt64 = 42

    /// pp tests for the positive `prompts`, then tg tests for the positive `generations`.
    static func tests(prompts: [Int], generations: [Int]) -> [Test] {
        prompts.filter { $0 > 0 }.map { Test(promptTokens: $0, generatedTokens: 0) }
            + generations.filter { $0 > 0 }.map { Test(promptTokens: 0, generatedTokens: $0) }
    }

    func run(_ test: Test) throws -> Result {
        var random = SplitMix64(seed: seed)
        if warmup { _ = try time(test, &random) }
        var seconds: [Double] = []
        for _ in 0..<repetitions { seconds.append(try time(test, &random)) }
        return Result(test: test, seconds: seconds)
    }

    private func time(_ test: Test, _ random: inout SplitMix64) throws -> Double {
        let vocabulary = UInt64(model.vocabularySize)
        func token() -> Int { Int(random.next() % vocabulary) }
        model.reset()
        let clock = ContinuousClock()
        if test.promptTokens > 0 {
            let prompt = (0..<test.promptTokens).map { _ in token() }
            let start = clock.now
            _ = try model.nextTokenLogits(appending: prompt)
            return (clock.now - start) / .seconds(1)
        }
        let start = clock.now
        for _ in 0..<test.generatedTokens { _ = try model.nextTokenLogits(appending: [token()]) }
        return (clock.now - start) / .seconds(1)
    }
}

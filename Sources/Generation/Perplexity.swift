import Foundation

/// Perplexity of a text as llama.cpp's `llama-perplexity` computes it, so the two can be compared
/// number for number: the tokens (BOS first where the tokenizer adds one) are cut into
/// non-overlapping chunks of `context`; each chunk runs from an empty cache with its first token
/// replaced by BOS (where the model uses one), and only the second half of each chunk is scored —
/// positions context/2 … context−2 predicting the token after them — so every scored token sees
/// at least half a context.
public struct Perplexity: Sendable {
    public let context: Int
    /// The BOS id to put at the start of every chunk, nil for models without one.
    public let bos: Int?

    public struct Estimate: Sendable {
        /// Chunks evaluated and tokens scored in them.
        public let chunks, scoredTokens: Int
        /// exp(mean negative log-likelihood).
        public let perplexity: Double
        /// llama.cpp's uncertainty: the standard error of the mean log-likelihood times PPL.
        public let uncertainty: Double
    }

    public init(context: Int, bos: Int?) throws {
        guard context >= 4 else { throw GenerationError.invalidOption("the perplexity context must be at least 4 tokens, got \(context)") }
        self.context = context
        self.bos = bos
    }

    /// Evaluates up to `maxChunks` chunks. `logits(chunk, rows)` returns the logits of positions
    /// `rows` of `chunk` run from an empty cache; `progress(chunk, runningPPL)` is told after each.
    public func evaluate(tokens: [Int], maxChunks: Int? = nil,
                         logits: (_ chunk: [Int], _ rows: Range<Int>) throws -> [[Float]],
                         progress: (_ chunk: Int, _ perplexity: Double) -> Void = { _, _ in }) throws -> Estimate {
        guard tokens.count >= 2 * context else {
            throw GenerationError.invalidOption(
                "perplexity with a context of \(context) needs at least \(2 * context) tokens; the text has \(tokens.count)")
        }
        let chunks = min(tokens.count / context, maxChunks ?? .max)
        let first = context / 2
        var nll = 0.0, nll2 = 0.0, count = 0
        for index in 0..<chunks {
            var chunk = Array(tokens[(index * context)..<((index + 1) * context)])
            if let bos { chunk[0] = bos }
            let rows = try logits(chunk, first..<(context - 1))
            for (offset, row) in rows.enumerated() {
                let logProbability = Self.logSoftmax(row, at: chunk[first + offset + 1])
                nll -= logProbability
                nll2 += logProbability * logProbability
            }
            count += rows.count
            progress(index + 1, exp(nll / Double(count)))
        }
        let mean = nll / Double(count)
        let variance = nll2 / Double(count) - mean * mean
        let perplexity = exp(mean)
        let uncertainty = variance > 0 && count > 1 ? (variance / Double(count - 1)).squareRoot() * perplexity : 0
        return Estimate(chunks: chunks, scoredTokens: count, perplexity: perplexity, uncertainty: uncertainty)
    }

    /// log softmax(row)[token], as llama-perplexity's `log_softmax`: exponentials in f32 summed
    /// in double, relative to the row's maximum.
    static func logSoftmax(_ row: [Float], at token: Int) -> Double {
        let largest = row.max() ?? 0
        var sum = 0.0
        for value in row { sum += Double(expf(value - largest)) }
        return Double(row[token] - largest) - log(sum)
    }
}

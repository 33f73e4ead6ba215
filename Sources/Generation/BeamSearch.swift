import Models

/// Beam search over a `CausalLanguageModel`.
///
/// Each hypothesis is scored by its log-probability divided by length^lengthPenalty. The
/// model has one KV cache, so every hypothesis is recomputed from the prompt at each step
/// (the prompt's own logits once): simple and exact, O(width · length²) work — fine for the
/// short outputs beam search is used for, and it needs no cache copies between beams.
struct BeamSearch {
    struct Hypothesis {
        var tokens: [Int]
        var logProbability: Double
        var finished: Bool

        func score(lengthPenalty: Double) -> Double {
            logProbability / pow(Double(max(tokens.count, 1)), lengthPenalty)
        }
    }

    let model: any CausalLanguageModel
    let options: GenerationOptions

    /// The best hypothesis and why the search stopped.
    func run(prompt: [Int], promptLogits: [Float]) throws -> (Hypothesis, StopReason) {
        let width = options.beams, penalty = options.sampling.repetitionPenalty
        var beams = [Hypothesis(tokens: [], logProbability: 0, finished: false)]
        var reason = StopReason.maxTokens
        for _ in 0..<options.maxNewTokens {
            if prompt.count + (beams.first?.tokens.count ?? 0) >= model.contextLength {
                reason = .contextFull
                break
            }
            var candidates: [Hypothesis] = []
            for beam in beams {
                guard !beam.finished else { candidates.append(beam); continue }
                let sequence = prompt + beam.tokens
                let logits = beam.tokens.isEmpty ? promptLogits : try model.nextTokenLogits(of: sequence)
                let scores = LogitProcessors.logSoftmax(
                    LogitProcessors.repetitionPenalty(logits, penalty: penalty, history: sequence))
                let best = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(width)
                for token in best {
                    candidates.append(Hypothesis(tokens: beam.tokens + [token], logProbability: beam.logProbability + scores[token],
                                                 finished: options.stopTokens.contains(token)))
                }
            }
            beams = Array(candidates.sorted { $0.score(lengthPenalty: options.lengthPenalty) > $1.score(lengthPenalty: options.lengthPenalty) }
                .prefix(width))
            if beams.allSatisfy(\.finished) { break }
        }
        let best = beams.max { $0.score(lengthPenalty: options.lengthPenalty) < $1.score(lengthPenalty: options.lengthPenalty) }
            ?? Hypothesis(tokens: [], logProbability: 0, finished: false)
        if best.finished { reason = .stopToken }
        return (best, reason)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The steps between logits and a token, as pure functions (tested against hand-computed
/// distributions). Masked entries become -infinity.
public enum LogitProcessors {
    /// Hugging Face's repetition penalty: each token present in `history` has its logit divided
    /// by `penalty` when positive and multiplied by it when negative.
    public static func repetitionPenalty(_ logits: [Float], penalty: Float, history: [Int]) -> [Float] {
        guard penalty != 1 else { return logits }
        var result = logits
        for token in Set(history) where result.indices.contains(token) {
            result[token] = result[token] > 0 ? result[token] / penalty : result[token] * penalty
        }
        return result
    }

    public static func temperature(_ logits: [Float], _ temperature: Float) -> [Float] {
        temperature == 1 ? logits : logits.map { $0 / temperature }
    }

    /// Keeps the k largest logits (and any tied with the k-th), masks the rest.
    public static func topK(_ logits: [Float], k: Int) -> [Float] {
        guard k > 0, k < logits.count else { return logits }
        let threshold = logits.sorted(by: >)[k - 1]
        return logits.map { $0 >= threshold ? $0 : -.infinity }
    }

    /// Keeps the most likely tokens until their probabilities sum to at least p (always at
    /// least one), masks the rest: nucleus sampling.
    public static func topP(_ logits: [Float], p: Float) -> [Float] {
        guard p < 1 else { return logits }
        let probabilities = softmax(logits)
        let order = logits.indices.sorted { probabilities[$0] > probabilities[$1] }
        var kept = Set<Int>(), total = 0.0
        for index in order {
            kept.insert(index)
            total += probabilities[index]
            if total >= Double(p) { break }
        }
        return logits.indices.map { kept.contains($0) ? logits[$0] : -.infinity }
    }

    /// Probabilities in f64 (masked logits get 0).
    public static func softmax(_ logits: [Float]) -> [Double] {
        let top = Double(logits.max() ?? 0)
        guard top.isFinite else { return logits.map { _ in 1 / Double(max(logits.count, 1)) } }
        let exps = logits.map { exp(Double($0) - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }

    public static func logSoftmax(_ logits: [Float]) -> [Double] {
        let top = Double(logits.max() ?? 0)
        let logSum = log(logits.map { exp(Double($0) - top) }.reduce(0, +)) + top
        return logits.map { Double($0) - logSum }
    }

    /// The index of the largest logit (the first, on ties).
    public static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return best
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

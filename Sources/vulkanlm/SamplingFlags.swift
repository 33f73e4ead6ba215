import ArgumentParser
import Generation

/// Sampling flags shared by `generate` and `chat`.
struct SamplingFlags: ParsableArguments {
    @Option(name: .customLong("temp"), help: "Sampling temperature; 0 is greedy (the default).")
    var temperature: Float = 0

    @Option(name: .customLong("top-k"), help: "Sample among the k most likely tokens only.")
    var topK: Int?

    @Option(name: .customLong("top-p"), help: "Sample from the smallest set of tokens whose probabilities reach p.")
    var topP: Float?

    @Option(name: .long, help: "Penalty > 1 for tokens already in the text (Hugging Face's rule).")
    var repetitionPenalty: Float = 1

    @Option(name: .long, help: "Seed of the sampler: the same seed gives the same text.")
    var seed: UInt64 = 0

    func validate() throws {
        do {
            try sampling.validate()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    var sampling: SamplingOptions {
        SamplingOptions(temperature: temperature, topK: topK, topP: topP, repetitionPenalty: repetitionPenalty, seed: seed)
    }
}

import ArgumentParser
import Formats
import FoundationEssentials
import Generation
import Models
import Tokenizers
import VulkanLM

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt with a GPT-2 model folder, streaming the text to stdout.",
        discussion: "Timings (prompt and generation tokens/s) go to stderr. Generation stops at <|endoftext|>, a --stop string, -n tokens or the model's context length.")

    @Argument(help: "GPT-2 model folder: config.json, model.safetensors, vocab.json + merges.txt (or tokenizer.json).")
    var model: String

    @Option(name: .shortAndLong, help: "The prompt.")
    var prompt: String

    @Option(name: [.customShort("n"), .long], help: "Maximum number of new tokens.")
    var maxTokens = 64

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

    @Option(name: .long, help: "Beam-search width (≥ 2 turns beam search on; sampling options then do not apply).")
    var beams = 1

    @Option(name: .long, help: "Stop before this text (repeatable).")
    var stop: [String] = []

    @OptionGroup var options: DeviceOptions

    func run() throws {
        let logger = options.logger()
        let folder = try ModelFolder(path: model)
        guard let tokenizer = try TokenizerLoader.load(folder: model) as? BPETokenizer else {
            throw ValidationError("\(model): generate needs a byte-level BPE (GPT-2) tokenizer")
        }
        let selected = try Backends.open(Backends.selector(flag: options.device), options: options.vulkanOptions(), logger: logger)
        let gpt2 = try GPT2Model(folder: folder, backend: selected.backend)
        let generator = TextGenerator(model: gpt2, tokenizer: tokenizer)
        let generation = GenerationOptions(
            maxNewTokens: maxTokens,
            sampling: SamplingOptions(temperature: temperature, topK: topK, topP: topP,
                                      repetitionPenalty: repetitionPenalty, seed: seed),
            beams: beams,
            stopTokens: tokenizer.id(of: "<|endoftext|>").map { [$0] } ?? [],
            stopStrings: stop)
        // Unbuffered writes, so each piece shows as soon as it is final.
        let result = try generator.generate(prompt: prompt, options: generation) { piece in
            StandardStreams.output(piece)
        }
        StandardStreams.output("\n")
        for message in selected.drainValidationMessages() { logger.error("validation: \(message)") }
        StandardStreams.error("\(selected.backend.name): \(result.stats.summary)")
    }
}

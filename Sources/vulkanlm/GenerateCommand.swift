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
        abstract: "Continue a prompt with a GPT-2 model folder or a Llama-family .gguf file, streaming the text to stdout.",
        discussion: "Timings (prompt and generation tokens/s) go to stderr. Generation stops at an end-of-text token (<|endoftext|>, the GGUF's EOS, <|im_end|>, <|eot_id|>), a --stop string, -n tokens or the context length. The prompt is used as written (no chat template: see `chat`).")

    @Argument(help: "A .gguf file (Llama family), or a GPT-2 model folder: config.json, model.safetensors, vocab.json + merges.txt (or tokenizer.json).")
    var model: String

    @Option(name: .shortAndLong, help: "The prompt.")
    var prompt: String

    @Option(name: [.customShort("n"), .long], parsing: .unconditional,
            help: "Maximum number of new tokens; -1: until the context is full (as llama.cpp).")
    var maxTokens = 64

    @OptionGroup var sampling: SamplingFlags

    @Option(name: .long, help: "Beam-search width, 1...\(GenerationOptions.maxBeams) (≥ 2 turns beam search on; sampling options then do not apply).")
    var beams = 1

    @Option(name: .long, help: "Stop before this text (repeatable).")
    var stop: [String] = []

    @Option(name: .long, help: "GGUF only: positions the KV cache holds (default: the model's context length, at most \(GGUFModel.defaultContextCap)).")
    var context: Int?

    @OptionGroup var options: DeviceOptions

    func validate() throws {
        if let context, context < 1 { throw ValidationError("--context must be at least 1") }
        guard maxTokens >= -1 else { throw ValidationError("-n must be -1 (until the context is full) or at least 0") }
        guard (1...GenerationOptions.maxBeams).contains(beams) else {
            throw ValidationError("--beams must be in 1...\(GenerationOptions.maxBeams)")
        }
    }

    func run() throws {
        let logger = options.logger()
        let generator: TextGenerator, selected: SelectedBackend
        if GGUFModel.isGGUF(model) {
            let loaded = try GGUFModel(path: model, context: context, device: options, logger: logger)
            generator = TextGenerator(model: loaded.model, tokenizer: loaded.tokenizer)
            selected = loaded.selected
        } else {
            guard context == nil else { throw ValidationError("--context applies to .gguf models; a GPT-2 folder uses n_positions") }
            let folder = try ModelFolder(path: model)
            guard case .gpt2 = folder.config else {
                throw CommandError("\(model): generate runs GPT-2 folders and Llama-family .gguf files; this folder's model_type is \(folder.config.modelType)")
            }
            guard let tokenizer = try TokenizerLoader.load(folder: model) as? BPETokenizer else {
                throw CommandError("\(model): generate needs a byte-level BPE (GPT-2) tokenizer")
            }
            selected = try Backends.open(Backends.selector(flag: options.device), options: options.vulkanOptions(), logger: logger)
            generator = TextGenerator(model: try GPT2Model(folder: folder, backend: selected.backend), tokenizer: tokenizer)
        }
        let generation = GenerationOptions(
            maxNewTokens: maxTokens == -1 ? Int.max : maxTokens, sampling: sampling.sampling, beams: beams,
            stopTokens: ChatSession.stopTokens(of: generator.tokenizer), stopStrings: stop)
        // Unbuffered writes, so each piece shows as soon as it is final.
        // A failed write (a full disk, a closed pipe) stops generating; `main` reports it.
        let result = try generator.generate(prompt: prompt, options: generation,
                                            onText: { StandardStreams.output($0) },
                                            shouldStop: { StandardStreams.outputFailed })
        StandardStreams.output("\n")
        try StandardStreams.finish()  // a failed write is the one error line, without the stats
        for message in selected.drainValidationMessages() { logger.error("validation: \(message)") }
        StandardStreams.error("\(selected.backend.name): \(result.stats.summary)")
    }
}

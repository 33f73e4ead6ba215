import ArgumentParser
import Foundation
import Generation

struct PerplexityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perplexity",
        abstract: "Perplexity of a text under a .gguf model, computed as llama.cpp's llama-perplexity does.",
        discussion: "The text is tokenized (BOS first where the model adds one, special tokens not parsed) and cut into non-overlapping chunks of -c tokens; each chunk starts from an empty cache with BOS in its first position and scores its second half. Prints the running estimate after each chunk ([1]x,[2]y,…) and the final PPL ± its uncertainty, so the numbers compare one for one with llama-perplexity -f TEXT -c N on the same file.")

    @Argument(help: "A .gguf file (Llama family).")
    var model: String

    @Option(name: [.customShort("f"), .long], help: "The text file to score.")
    var file: String

    @Option(name: [.customShort("c"), .long], help: "Tokens per chunk (the context each chunk is run in).")
    var context = 512

    @Option(name: .long, help: "Evaluate at most this many chunks (default: all).")
    var chunks: Int?

    @OptionGroup var options: DeviceOptions

    func validate() throws {
        if context < 4 { throw ValidationError("-c must be at least 4") }
        if let chunks, chunks < 1 { throw ValidationError("--chunks must be at least 1") }
    }

    func run() throws {
        let logger = options.logger()
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw CommandError("\(file): cannot read the text file")
        }
        let loaded = try GGUFModel(path: model, context: context, device: options, logger: logger)
        let tokenizer = loaded.tokenizer
        let tokens = tokenizer.encode(String(decoding: data, as: UTF8.self), addSpecial: true, parseSpecial: false)
        let evaluator = try Perplexity(context: context, bos: tokenizer.addsBOS ? tokenizer.bosTokenID : nil)
        StandardStreams.error("perplexity: \(tokens.count) tokens, \(min(tokens.count / context, chunks ?? .max)) chunks of \(context) on \(loaded.selected.backend.name)")
        let model = loaded.model
        let estimate = try evaluator.evaluate(tokens: tokens, maxChunks: chunks, logits: { chunk, rows in
            model.reset()
            return try model.logits(appending: chunk, rows: rows)
        }, progress: { index, running in
            StandardStreams.output("[\(index)]\(String(format: "%.4f", running)),")
        })
        StandardStreams.output("\n")
        for message in loaded.selected.drainValidationMessages() { logger.error("validation: \(message)") }
        StandardStreams.output(String(format: "Final estimate: PPL = %.4f +/- %.5f\n", estimate.perplexity, estimate.uncertainty))
    }
}

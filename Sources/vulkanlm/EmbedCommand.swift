import ArgumentParser
import Formats
import FoundationEssentials
import Models
import VulkanLM

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print sentence embeddings (JSON) of texts with a BERT / sentence-transformers model folder.",
        discussion: "With --file, throughput (sentences/s, tokens/s) goes to stderr at the end.")

    @Argument(help: "Model folder: config.json, model.safetensors, tokenizer files, and for sentence-transformers modules.json + 1_Pooling.")
    var model: String

    @Argument(help: "Texts to embed.")
    var texts: [String] = []

    @Option(name: .long, help: "A file with one text per line (empty lines are skipped).")
    var file: String?

    @Flag(name: .long, help: "Print the matrix of cosine similarities instead of the vectors.")
    var similarity = false

    @Option(name: .long, help: "Texts per forward pass, 1...\(EmbedCommand.maxBatchSize).")
    var batchSize = 32

    @OptionGroup var options: DeviceOptions

    func validate() throws {
        guard (1...Self.maxBatchSize).contains(batchSize) else {
            throw ValidationError("--batch-size must be in 1...\(Self.maxBatchSize)")
        }
        guard !texts.isEmpty || file != nil else { throw ValidationError("give texts to embed, or --file") }
    }

    func run() throws {
        let logger = options.logger()
        var inputs = texts
        if let file {
            // Through Formats' reader: a FIFO or a directory is refused instead of blocking.
            guard let contents = String(validating: try FileSystem.contents(of: file), as: UTF8.self) else {
                throw CommandError("\(file): not UTF-8 text")
            }
            inputs += contents.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        }
        guard !inputs.isEmpty else { throw CommandError("\(file ?? "the input"): no texts to embed") }

        // The folder's configs first: what is wrong with them is the one line to print, before
        // a backend is opened (and says which it chose).
        _ = try ModelFolder(path: model)
        let selected = try Backends.open(Backends.selector(flag: options.device), options: options.vulkanOptions(),
                                         logger: logger)
        let embedder = try Embedder(folder: model, backend: selected.backend)
        let start = ContinuousClock.now
        let vectors = try embedder.embed(inputs, batchSize: batchSize)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        for message in selected.drainValidationMessages() { logger.error("validation: \(message)") }
        // JSON has no NaN: rather than print invalid JSON (or null, which readers would take
        // for a missing value), a non-finite embedding is an error naming the text.
        if let bad = vectors.firstIndex(where: { $0.contains { !$0.isFinite } }) {
            throw CommandError("the embedding of text \(bad + 1) (\"\(inputs[bad].prefix(40))\") has non-finite values (NaN or infinity): the model's weights are not usable")
        }

        if similarity {
            let matrix = vectors.map { a in vectors.map { b in Embedder.cosineSimilarity(a, b) } }
            print(Self.json(matrix))
        } else {
            print(Self.json(vectors))
        }
        if file != nil {
            let tokens = embedder.tokenize(inputs).reduce(0) { $0 + $1.count }
            let sentencesPerSecond = Double(inputs.count) / seconds, tokensPerSecond = Double(tokens) / seconds
            StandardStreams.error("\(inputs.count) sentences (\(tokens) tokens) in \(seconds.fixed(3)) s on "
                + "\(selected.backend.name): \(sentencesPerSecond.fixed(1)) sentences/s, \(tokensPerSecond.fixed(0)) tokens/s, batch \(batchSize)")
        }
    }

    /// Large enough for throughput, small enough that a batch's activations (batch × 512
    /// positions × hidden × 4 for the MLP) stay within a few gigabytes.
    static let maxBatchSize = 1024

    /// Rows of floats as a JSON array of arrays, one row per line.
    static func json(_ rows: [[Float]]) -> String {
        "[\n" + rows.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",\n") + "\n]"
    }
}

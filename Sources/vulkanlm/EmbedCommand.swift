import ArgumentParser
import Foundation
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

    @Option(name: .long, help: "Texts per forward pass.")
    var batchSize = 32

    @OptionGroup var options: DeviceOptions

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard !texts.isEmpty || file != nil else { throw ValidationError("give texts to embed, or --file") }
    }

    func run() throws {
        let logger = options.logger()
        var inputs = texts
        if let file {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ValidationError("cannot read \(file) as UTF-8 text")
            }
            inputs += contents.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        }
        guard !inputs.isEmpty else { throw ValidationError("no texts to embed") }

        let selected = try Backends.open(Backends.selector(flag: options.device), options: options.vulkanOptions(),
                                         logger: logger)
        let embedder = try Embedder(folder: model, backend: selected.backend)
        let start = ContinuousClock.now
        let vectors = try embedder.embed(inputs, batchSize: batchSize)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        for message in selected.drainValidationMessages() { logger.error("validation: \(message)") }

        if similarity {
            let matrix = vectors.map { a in vectors.map { b in Embedder.cosineSimilarity(a, b) } }
            print(Self.json(matrix))
        } else {
            print(Self.json(vectors))
        }
        if file != nil {
            let tokens = embedder.tokenize(inputs).reduce(0) { $0 + $1.count }
            let line = String(format: "%d sentences (%d tokens) in %.3f s on %@: %.1f sentences/s, %.0f tokens/s, batch %d\n",
                              inputs.count, tokens, seconds, selected.backend.name,
                              Double(inputs.count) / seconds, Double(tokens) / seconds, batchSize)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Rows of floats as a JSON array of arrays, one row per line.
    static func json(_ rows: [[Float]]) -> String {
        "[\n" + rows.map { "[" + $0.map { "\($0)" }.joined(separator: ",") + "]" }.joined(separator: ",\n") + "\n]"
    }
}

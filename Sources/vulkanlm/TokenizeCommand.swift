import ArgumentParser
import Tokenizers

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids of a text (or, with --decode, the text of ids) with a model folder's or a GGUF file's tokenizer.",
        discussion: "A GGUF tokenizer adds BOS when the file asks for it and matches special tokens written in the text, as llama-tokenize does.")

    @Argument(help: "A .gguf file, or a model folder with tokenizer.json, vocab.json + merges.txt, or vocab.txt.")
    var model: String

    @Argument(help: "The text to encode, or with --decode the ids (space or comma separated).")
    var input: [String]

    @Flag(name: .long, help: "Decode ids into text instead.")
    var decode = false

    func run() throws {
        let tokenizer: any Tokenizer = GGUFModel.isGGUF(model)
            ? try GGUFModel.tokenizer(path: model) : try TokenizerLoader.load(folder: model)
        if decode {
            let fields = input.joined(separator: " ").split { $0 == " " || $0 == "," }
            var ids: [Int] = []
            for field in fields {
                guard let id = Int(field), id >= 0, id < tokenizer.vocabularySize else {
                    throw CommandError("'\(field)' is not a token id of this tokenizer (0..<\(tokenizer.vocabularySize))")
                }
                ids.append(id)
            }
            print(tokenizer.decode(ids))
        } else {
            print(tokenizer.encode(input.joined(separator: " ")).map(String.init).joined(separator: " "))
        }
    }
}
